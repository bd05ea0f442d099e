from django.urls import path

from gridgov.insight import editing, views

app_name = "insight"

urlpatterns = [
    path("", views.panorama, name="panorama"),
    path("areas/<str:code>/", views.panorama, name="panorama_node"),
    path("notices/", views.notice_list, name="notices"),
    path("notices/<int:notice_id>/", views.notice, name="notice"),
    path("figures/", views.figures, name="figures"),
    path("people.json", views.people_heat, name="people_heat"),
    path("indices/", editing.index_list, name="indices"),
    path("indices/<str:code>/", editing.index_edit, name="index_edit"),
]
