from django.urls import path

from gridgov.command import edit_views, views

app_name = "command"

urlpatterns = [
    path("", views.centre_list, name="centres"),
    path("centres/<int:centre_id>/", views.centre_detail, name="centre"),
    path("centres/<int:centre_id>/roster/", views.roster_month, name="roster"),
    path("centres/<int:centre_id>/roster/edit/", edit_views.roster_edit, name="roster_edit"),
    path("centres/<int:centre_id>/plans/new/", edit_views.plan_new, name="plan_new"),
    path("plans/<int:plan_id>/edit/", edit_views.plan_edit, name="plan_edit"),
    path("swaps/<int:swap_id>/decide/", views.swap_decide, name="swap_decide"),
    path("centres/<int:centre_id>/wall/", views.wall, name="wall"),
    path("centres/<int:centre_id>/wall.json", views.wall_data, name="wall_data"),
    path("instructions/<int:instruction_id>/", views.instruction_detail, name="instruction"),
    path(
        "instructions/<int:instruction_id>/remind/",
        views.instruction_remind,
        name="instruction_remind",
    ),
    path("mine/", views.receipts_mine, name="receipts_mine"),
    path("mine/<int:receipt_id>/<str:command>/", views.receipt_step, name="receipt_step"),
    path("plans/<int:plan_id>/activate/", views.plan_activate, name="plan_activate"),
    path("activations/<int:activation_id>/", views.activation_detail, name="activation"),
    path("events/<str:number>/nearest/", views.event_nearest, name="nearest"),
    path("assignments/<int:task_id>/", views.assignment, name="assignment"),
]
