"""Field work in the admin: the back office looks up a task, a patrol, a visit or a service,
searches and filters them within its jurisdiction, and edits none of them — every step of
theirs is an action (audited, the task's workflow) taken in the pages or the API by the grid
worker or the community. A resident appears masked, as on the worker's phone."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from gridgov.accounts.models import User
from gridgov.core.admin_scope import ReadOnly, ScopedAdmin
from gridgov.fieldwork import selectors
from gridgov.fieldwork.actions.visits import person_label
from gridgov.fieldwork.models import (
    CarePlan,
    CheckIn,
    FieldPhoto,
    FieldTask,
    FieldTaskTransition,
    Leave,
    Patrol,
    PatrolCheck,
    PatrolPlan,
    PatrolPoint,
    ServiceEntry,
    Visit,
)

TASK_FIELDS = (
    "kind",
    "title",
    "note",
    "grid",
    "assignee",
    "target_kind",
    "target_label",
    "due_at",
    "status",
    "version",
    "created_by",
    "created_at",
    "done_at",
    "done_by",
    "cancelled_at",
    "missed_at",
    "result",
    "result_note",
    "lon",
    "lat",
    "event",
)


class TransitionInline(ReadOnly, admin.TabularInline[FieldTaskTransition, FieldTask]):
    model = FieldTaskTransition
    fields = readonly_fields = ("at", "command", "from_status", "to_status", "actor", "note")
    extra = 0


class PhotoInline(ReadOnly, admin.TabularInline[FieldPhoto, FieldTask]):
    model = FieldPhoto
    fields = readonly_fields = ("file", "name", "content_type", "size", "uploaded_by", "at")
    extra = 0


@admin.register(FieldTask)
class FieldTaskAdmin(ReadOnly, ScopedAdmin[FieldTask]):
    list_display = ["title", "kind", "grid", "assignee", "status", "due_at", "done_at"]
    list_filter = ["status", "kind", "target_kind"]
    search_fields = ["title", "target_label", "source_key", "assignee__username"]
    date_hierarchy = "due_at"
    fields = readonly_fields = TASK_FIELDS
    list_select_related = ["grid", "assignee"]
    inlines = [TransitionInline, PhotoInline]

    def visible(self, user: User) -> QuerySet[FieldTask]:
        return selectors.tasks_visible(user)


class PointInline(ReadOnly, admin.TabularInline[PatrolPoint, PatrolPlan]):
    model = PatrolPoint
    fields = readonly_fields = ("order", "name", "lon", "lat")
    extra = 0


@admin.register(PatrolPlan)
class PatrolPlanAdmin(ReadOnly, ScopedAdmin[PatrolPlan]):
    list_display = ["name", "grid", "every_days", "working_days_only", "active", "starts_on"]
    list_filter = ["active", "working_days_only"]
    search_fields = ["name", "grid__name", "grid__code"]
    list_select_related = ["grid"]
    inlines = [PointInline]

    def visible(self, user: User) -> QuerySet[PatrolPlan]:
        return selectors.patrol_plans_visible(user)


class CheckInline(ReadOnly, admin.TabularInline[PatrolCheck, Patrol]):
    model = PatrolCheck
    fields = readonly_fields = ("at", "point", "lon", "lat", "note", "event")
    extra = 0


@admin.register(Patrol)
class PatrolAdmin(ReadOnly, ScopedAdmin[Patrol]):
    list_display = ["plan", "grid", "worker", "started_at", "ended_at"]
    list_filter = [("ended_at", admin.EmptyFieldListFilter)]
    search_fields = ["plan__name", "grid__name", "worker__username", "summary"]
    date_hierarchy = "started_at"
    list_select_related = ["plan", "grid", "worker"]
    inlines = [CheckInline]

    def visible(self, user: User) -> QuerySet[Patrol]:
        return selectors.patrols_visible(user)


class MaskedPerson:
    """The resident as the worker's phone names them: masked."""

    @admin.display(description=_("person"))
    def masked_person(self, row: CarePlan | Visit) -> str:
        return person_label(row.person)


@admin.register(CarePlan)
class CarePlanAdmin(MaskedPerson, ReadOnly, ScopedAdmin[CarePlan]):
    list_display = ["masked_person", "category", "grid", "every_days", "next_due", "active"]
    list_filter = ["category", "active"]
    search_fields = ["grid__name", "grid__code"]
    fields = readonly_fields = ("masked_person", "category", "grid", "every_days", "next_due")
    list_select_related = ["person", "grid"]

    def visible(self, user: User) -> QuerySet[CarePlan]:
        return selectors.care_plans_visible(user)


@admin.register(Visit)
class VisitAdmin(MaskedPerson, ReadOnly, ScopedAdmin[Visit]):
    list_display = ["masked_person", "grid", "visitor", "at", "met"]
    list_filter = ["met", "plan__category"]
    search_fields = ["visitor__username", "grid__name", "situation", "needs"]
    date_hierarchy = "at"
    fields = readonly_fields = (
        "masked_person",
        "grid",
        "visitor",
        "at",
        "met",
        "situation",
        "needs",
        "follow_up",
    )
    list_select_related = ["person", "grid", "visitor"]

    def visible(self, user: User) -> QuerySet[Visit]:
        return selectors.visits_visible(user)


@admin.register(ServiceEntry)
class ServiceEntryAdmin(ReadOnly, ScopedAdmin[ServiceEntry]):
    list_display = ["kind", "person_label", "grid", "worker", "at", "outcome"]
    list_filter = ["kind", "outcome"]
    search_fields = ["worker__username", "grid__name", "note"]
    date_hierarchy = "at"
    fields = readonly_fields = ("kind", "person_label", "grid", "worker", "at", "outcome", "note")
    list_select_related = ["grid", "worker"]

    def visible(self, user: User) -> QuerySet[ServiceEntry]:
        return selectors.services_visible(user)


@admin.register(CheckIn)
class CheckInAdmin(ReadOnly, ScopedAdmin[CheckIn]):
    list_display = ["user", "duty", "node", "at", "distance_m"]
    list_filter = ["duty"]
    search_fields = ["user__username", "node__name"]
    date_hierarchy = "at"
    list_select_related = ["user", "node"]

    def visible(self, user: User) -> QuerySet[CheckIn]:
        return selectors.checkins_visible(user)


@admin.register(Leave)
class LeaveAdmin(ReadOnly, ScopedAdmin[Leave]):
    list_display = ["worker", "kind", "first_day", "last_day", "entered_by"]
    list_filter = ["kind"]
    search_fields = ["worker__username", "note"]
    list_select_related = ["worker", "entered_by"]

    def visible(self, user: User) -> QuerySet[Leave]:
        return selectors.leave_visible(user)
