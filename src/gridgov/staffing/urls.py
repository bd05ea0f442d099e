from django.urls import path

from gridgov.staffing import views

app_name = "staffing"

urlpatterns = [
    path("coverage/", views.coverage, name="coverage"),
    path("coverage/<str:code>/", views.coverage, name="coverage_node"),
]
