"""The admin's scope fails closed: an admin of a scoped model must declare its selector."""

from django.contrib import admin
from django.test import Client

from gridgov.accounts.models import User
from gridgov.accounts.roles import Role
from gridgov.conftest import login
from gridgov.core.admin_scope import ScopedAdmin, admin_scope_declared, scope_problems
from gridgov.fieldwork.actions import field_task_create
from gridgov.registry.models import Home, Person
from gridgov.testing.tree import Tree
from gridgov.testing.users import make_user

GRID = "320104001001001"


def test_every_registered_admin_declares_its_scope() -> None:
    assert scope_problems(admin.site) == []
    assert admin_scope_declared() == []


def test_an_admin_without_a_scope_is_an_error() -> None:
    class ForgotVisible(ScopedAdmin[Home]):
        list_display = ["address"]

    site = admin.AdminSite(name="probe")
    site.register(Person, admin.ModelAdmin)
    site.register(Home, ForgotVisible)
    assert scope_problems(site) == [
        "ModelAdmin (registry.person) is not a ScopedAdmin",
        "ForgotVisible (registry.home) declares no visible()",
    ]


FIELD_ADMINS = [
    "fieldwork/fieldtask",
    "fieldwork/patrolplan",
    "fieldwork/patrol",
    "fieldwork/careplan",
    "fieldwork/visit",
    "fieldwork/serviceentry",
    "fieldwork/checkin",
    "fieldwork/leave",
    "inspections/venue",
    "inspections/inspection",
    "inspections/rectification",
    "campaigns/campaign",
    "campaigns/target",
]


def test_field_work_admins_search_and_stay_in_their_district(
    tree: Tree, users: dict[str, User]
) -> None:
    """Every field-work admin answers its list with a search and a filter; a task of one
    district is not found by the system administrator of the next."""
    task = field_task_create(
        actor=users["community_staff"], kind="assigned", title="查看楼道", grid=tree[GRID]
    )
    city = login(Client(), users["system_admin"])
    for path in FIELD_ADMINS:
        assert city.get(f"/admin/{path}/?q=楼道").status_code == 200, path
    listed = city.get("/admin/fieldwork/fieldtask/?status__exact=open")
    assert "查看楼道" in listed.content.decode()
    assert city.get(f"/admin/fieldwork/fieldtask/{task.pk}/change/").status_code == 200
    assert city.post(f"/admin/fieldwork/fieldtask/{task.pk}/delete/").status_code == 403
    neighbour = login(Client(), make_user("sa5", Role.SYSTEM_ADMIN, node=tree["320105"]))
    assert "查看楼道" not in neighbour.get("/admin/fieldwork/fieldtask/").content.decode()
    assert neighbour.get(f"/admin/fieldwork/fieldtask/{task.pk}/change/").status_code == 404
