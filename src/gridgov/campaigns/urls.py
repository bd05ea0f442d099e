from django.urls import path

from gridgov.campaigns import views

app_name = "campaigns"

urlpatterns = [
    path("", views.campaign_list, name="list"),
    path("new/", views.campaign_new, name="new"),
    path("<int:campaign_id>/", views.campaign_detail, name="detail"),
    path("<int:campaign_id>/counts", views.campaign_counts, name="counts"),
    path("<int:campaign_id>/form/", views.campaign_form, name="form"),
    path("<int:campaign_id>/push/", views.campaign_push, name="push"),
    path("<int:campaign_id>/close/", views.campaign_close, name="close"),
    path("<int:campaign_id>/calls/", views.calls_import, name="calls"),
    path("targets/<int:target_id>/", views.target_answer, name="answer"),
    path("tasks/<int:task_id>/", views.task_result, name="task"),
]
