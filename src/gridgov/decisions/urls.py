from django.urls import path

from gridgov.decisions import views

app_name = "decisions"

urlpatterns = [
    path("", views.decision_list, name="list"),
    path("new/", views.decision_register, name="register"),
    path("<int:decision_id>/", views.decision_detail, name="detail"),
    path("<int:decision_id>/command/", views.decision_command, name="command"),
    path("<int:decision_id>/commission/", views.decision_commission, name="commission"),
    path("assessments/", views.assessment_list, name="assessments"),
    path("assessments/<int:assessment_id>/", views.assessment_detail, name="assessment"),
    path(
        "assessments/<int:assessment_id>/command/",
        views.assessment_command,
        name="assessment_command",
    ),
    path(
        "assessments/<int:assessment_id>/consultation/",
        views.consultation_add,
        name="consultation",
    ),
    path("assessments/<int:assessment_id>/risk-point/", views.risk_point_add, name="risk_point"),
    path(
        "assessments/<int:assessment_id>/expert-opinion/",
        views.expert_opinion_add,
        name="expert_opinion",
    ),
    path("risk-points/<int:risk_point_id>/mitigation/", views.mitigation_add, name="mitigation"),
    path("mitigations/<int:mitigation_id>/done/", views.mitigation_done, name="mitigation_done"),
    path(
        "participants/<int:participant_id>/unmask/",
        views.participant_unmask,
        name="participant_unmask",
    ),
]
