from django.urls import path

from gridgov.jurisdiction import views

app_name = "jurisdiction"

urlpatterns = [
    path("nodes/", views.tree, name="tree"),
    path("import/", views.boundary_import, name="import"),
]
