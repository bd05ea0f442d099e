from django.urls import path

app_name = "jurisdiction"

urlpatterns: list[object] = []
