"""The admin's scope fails closed: an admin of a scoped model must declare its selector."""

from django.contrib import admin

from gridgov.core.admin_scope import ScopedAdmin, admin_scope_declared, scope_problems
from gridgov.registry.models import Home, Person


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
