from django.urls import path

from gridgov.assessment import views

app_name = "assessment"

urlpatterns = [
    path("", views.scorecard, name="scorecard"),
    path("ranking/", views.ranking, name="ranking"),
    path("events/<str:number>/score/", views.handling_score, name="handling_score"),
]
