from django.urls import path

from gridgov.jurisdiction import views

app_name = "jurisdiction"

urlpatterns = [
    path("nodes/", views.tree, name="tree"),
    path("nodes/<str:code>/", views.node, name="node"),
    path("nodes/<str:code>/children", views.children, name="children"),
    path("map/", views.map_view, name="map"),
    path("map/<str:code>/", views.map_view, name="map_node"),
    path("grids/<str:code>/", views.grid_detail, name="grid"),
    path("grids/<str:code>/card", views.grid_card, name="grid_card"),
    path("import/", views.boundary_import, name="import"),
]
