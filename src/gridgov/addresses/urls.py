from django.urls import path

from gridgov.addresses import views

app_name = "addresses"

urlpatterns = [
    path("", views.batch_match, name="batch"),
    path("check/", views.address_check, name="check"),
]
