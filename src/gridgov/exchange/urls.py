from django.urls import path

from gridgov.exchange import views

app_name = "exchange"

urlpatterns = [
    path("", views.imports, name="imports"),
    path("imports/<int:job_id>/", views.job_detail, name="job"),
    path("imports/<int:job_id>/progress", views.job_progress, name="progress"),
]
