from django.urls import path

from gridgov.insight import views

app_name = "insight"

urlpatterns = [
    path("", views.panorama, name="panorama"),
    path("areas/<str:code>/", views.panorama, name="panorama_node"),
    path("notices/", views.notice_list, name="notices"),
    path("notices/<int:notice_id>/", views.notice, name="notice"),
    path("figures/", views.figures, name="figures"),
]
