from django.urls import path

from gridgov.inspections import views

app_name = "inspections"

urlpatterns = [
    path("", views.home, name="home"),
    path("tasks/<int:task_id>/", views.task, name="task"),
    path("<int:inspection_id>/", views.inspection, name="inspection"),
    path("rectifications/", views.rectifications, name="rectifications"),
    path("ledger/", views.ledger, name="ledger"),
    path("venues/flag/", views.venue_flag, name="flag"),
]
