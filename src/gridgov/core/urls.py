from django.urls import path

from gridgov.core import views

urlpatterns = [
    path("", views.home, name="home"),
]
