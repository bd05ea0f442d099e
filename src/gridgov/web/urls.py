from django.urls import path

from gridgov.web import views

urlpatterns = [
    path("", views.home, name="home"),
    path("registry/grids/<str:code>/", views.block_card, name="block_card"),
]
