from django.urls import path

from gridgov.fieldwork import views

app_name = "fieldwork"

urlpatterns = [
    path("", views.task_list, name="tasks"),
    path("duty/", views.duty, name="duty"),
    path("tasks/<int:task_id>/", views.task_detail, name="task"),
    path("tasks/<int:task_id>/finding/", views.finding, name="finding"),
    path("tasks/<int:task_id>/patrol/", views.patrol, name="patrol"),
    path("tasks/<int:task_id>/visit/", views.visit, name="visit"),
    path("log/", views.worklog, name="log"),
    path("services/", views.services, name="services"),
    path("assign/", views.assign, name="assign"),
    path("attendance/", views.attendance, name="attendance"),
    path("logs/", views.logs, name="logs"),
    path("coverage/", views.coverage, name="coverage"),
]
