from django.urls import path

from gridgov.verification import views

app_name = "verification"

urlpatterns = [
    path("", views.task_list, name="tasks"),
    path("tasks/<int:task_id>/", views.task_detail, name="task"),
    path("declare/", views.declare, name="declare"),
    path("grids/<str:code>/", views.grid_stats, name="stats"),
]
