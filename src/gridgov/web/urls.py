from django.urls import path

from gridgov.web import map_page, node_pages, views

urlpatterns = [
    path("", views.home, name="home"),
    path("home/counts", views.home_counts, name="home_counts"),
    path("registry/grids/<str:code>/", views.block_card, name="block_card"),
]

# Mounted under jurisdiction/ in the jurisdiction: namespace, beside jurisdiction's own pages.
jurisdiction_urlpatterns = [
    path("map/", map_page.map_view, name="map"),
    path("map/<str:code>/", map_page.map_view, name="map_node"),
    path("nodes/<str:code>/", node_pages.node, name="node"),
    path("nodes/<str:code>/children", node_pages.children, name="children"),
    path("grids/<str:code>/", node_pages.grid_detail, name="grid"),
    path("grids/<str:code>/card", node_pages.grid_card, name="grid_card"),
]
