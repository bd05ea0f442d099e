from django.urls import path

from gridgov.rentals import editing, views

app_name = "rentals"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("cases/<int:case_id>/", views.case_detail, name="case"),
    path("cases/<int:case_id>/command/", views.case_command, name="command"),
    path("tasks/<int:task_id>/", views.task_result, name="task"),
    path("rules/<str:code>/", editing.rule_edit, name="rule"),
    path("meters/", editing.meters, name="meters"),
]
