from django.urls import path

from gridgov.assessment import editing, views

app_name = "assessment"

urlpatterns = [
    path("", views.scorecard, name="scorecard"),
    path("ranking/", views.ranking, name="ranking"),
    path("workers/", views.workers, name="workers"),
    path("sheet/", views.sheet, name="sheet"),
    path("sheet/weights/", editing.sheet_weights, name="sheet_weights"),
    path("staffing/", views.staffing, name="staffing"),
    path("events/<str:number>/score/", views.handling_score, name="handling_score"),
]
