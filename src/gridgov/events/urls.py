from django.urls import path

from gridgov.events import casework_views, map_views, views

app_name = "events"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("counts", views.queue_counts, name="counts"),
    path("report/", views.report, name="report"),
    path("report/fields", views.report_fields, name="report_fields"),
    path("report/nearby", views.report_nearby, name="report_nearby"),
    path("hotline/", views.hotline, name="hotline"),
    path("stats/", views.stats, name="stats"),
    path("bulk", casework_views.bulk, name="bulk"),
    path("filters/", casework_views.filter_save, name="filter_save"),
    path("filters/<int:filter_id>/delete", casework_views.filter_delete, name="filter_delete"),
    path("map.json", map_views.events_map, name="map_events"),
    path("heat.json", map_views.heat, name="map_heat"),
    path("<str:number>/", views.detail, name="detail"),
    path("<str:number>/commands/<str:name>", views.command, name="command"),
    path("<str:number>/comments", casework_views.comment, name="comment"),
    path("<str:number>/extension-preview", views.extension_preview, name="extension_preview"),
    path("<str:number>/photos/<int:attachment_id>", views.attachment, name="attachment"),
]
