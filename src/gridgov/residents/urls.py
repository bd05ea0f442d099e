from django.urls import path

from gridgov.residents import views

app_name = "residents"

urlpatterns = [
    path("", views.report, name="report"),
    path("report/nearby", views.report_nearby, name="report_nearby"),
    path("reported/<str:number>/", views.reported, name="reported"),
    path("status/", views.status, name="status"),
    path("status/<str:number>/", views.status, name="status_of"),
    path("map/", views.public_map, name="map"),
    path("map.json", views.public_map_data, name="map_data"),
    path("outline.json", views.public_outline, name="outline"),
    path("photos/<int:attachment_id>", views.photo, name="photo"),
    path("addresses.json", views.address_suggest, name="address_suggest"),
    path("grid-worker/", views.grid_worker, name="grid_worker"),
]
