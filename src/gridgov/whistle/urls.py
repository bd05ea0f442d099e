from django.urls import path

from gridgov.whistle import views

app_name = "whistle"

urlpatterns = [
    path("", views.whistle_list, name="list"),
    path("blow/<str:number>/", views.whistle_blow, name="blow"),
    path("<int:whistle_id>/", views.whistle_detail, name="detail"),
    path("summons/", views.summons_queue, name="queue"),
    path("summons/<int:summons_id>/report/", views.summons_report, name="report"),
    path("summons/<int:summons_id>/part-done/", views.summons_part_done, name="part_done"),
    path("summons/<int:summons_id>/verify/", views.summons_verify, name="verify"),
    path("summons/<int:summons_id>/rate/", views.summons_rate, name="rate"),
]
