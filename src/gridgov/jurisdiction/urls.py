from django.urls import path

from gridgov.jurisdiction import views

app_name = "jurisdiction"

urlpatterns = [
    path("nodes/", views.tree, name="tree"),
    path("map/", views.map_view, name="map"),
    path("map/<str:code>/", views.map_view, name="map_node"),
    path("import/", views.boundary_import, name="import"),
]
