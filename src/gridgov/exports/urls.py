from django.urls import path

from gridgov.exports import views

app_name = "exports"

urlpatterns = [
    path("", views.jobs, name="jobs"),
    path("<int:job_id>/download", views.download, name="download"),
    path("lists/<str:name>", views.export, name="export"),
]
