from django.urls import path

from gridgov.worktime import views

app_name = "worktime"

urlpatterns = [
    path("years/", views.years, name="years"),
    path("years/<int:year>/", views.year, name="year"),
]
