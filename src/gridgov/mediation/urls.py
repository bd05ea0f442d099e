from django.urls import path

from gridgov.mediation import views

app_name = "mediation"

urlpatterns = [
    path("", views.dispute_list, name="list"),
    path("new/", views.dispute_register, name="register"),
    path("from-event/<str:number>/", views.dispute_from_event, name="from_event"),
    path("figures/", views.figures_page, name="figures"),
    path("follow-up/<int:task_id>/", views.follow_up, name="follow_up"),
    path("parties/<int:party_id>/unmask", views.party_unmask, name="unmask"),
    path("<int:dispute_id>/", views.dispute_detail, name="detail"),
    path("<int:dispute_id>/steps/<str:command>/", views.dispute_step, name="step"),
    path("<int:dispute_id>/sessions/", views.session_add, name="session"),
    path("<int:dispute_id>/agreement.pdf", views.agreement, name="agreement"),
    path("<int:dispute_id>/scan/", views.signed_scan, name="scan"),
]
