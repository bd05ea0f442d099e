from django.urls import path

from gridgov.registry import views

app_name = "registry"

urlpatterns = [
    path("", views.search, name="search"),
    path("people/<int:person_id>/", views.person_detail, name="person"),
    path("people/<int:person_id>/unmask", views.person_unmask, name="person_unmask"),
    path("households/<int:household_id>/", views.household_detail, name="household"),
    path("homes/<int:home_id>/", views.home_detail, name="home"),
    path("organisations/<int:organisation_id>/", views.organisation_detail, name="organisation"),
    path("compounds/<int:compound_id>/", views.compound_detail, name="compound"),
]
