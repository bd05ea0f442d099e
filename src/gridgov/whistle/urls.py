from django.urls import path

app_name = "whistle"

urlpatterns: list[object] = []
