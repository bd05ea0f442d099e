from django.urls import path

from gridgov.events import views

app_name = "events"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("counts", views.queue_counts, name="counts"),
    path("report/", views.report, name="report"),
    path("report/fields", views.report_fields, name="report_fields"),
    path("report/nearby", views.report_nearby, name="report_nearby"),
    path("hotline/", views.hotline, name="hotline"),
    path("stats/", views.stats, name="stats"),
    path("<str:number>/", views.detail, name="detail"),
    path("<str:number>/commands/<str:name>", views.command, name="command"),
    path("<str:number>/extension-preview", views.extension_preview, name="extension_preview"),
    path("<str:number>/photos/<int:attachment_id>", views.attachment, name="attachment"),
]
