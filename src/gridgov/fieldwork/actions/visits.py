"""Care visits (走访): a plan per person in need of care, turned into visit tasks when due;
the visit's record completes the task, moves the plan's next visit on, and a follow-up the
worker asks for becomes a new visit task. Only categories of care are kept."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gridgov.audit.actions import audit_record
from gridgov.core.errors import Conflict, ProblemList
from gridgov.events.actions.intake import mask_name
from gridgov.events.photos import Upload
from gridgov.fieldwork.actions.tasks import (
    TaskSpec,
    end_of_working_day,
    field_task_complete,
    field_task_create,
    field_tasks_create_many,
    require_assigner,
    require_doer,
)
from gridgov.fieldwork.kinds import VISIT
from gridgov.fieldwork.models import CareCategory, CarePlan, FieldTask, TargetKind, Visit
from gridgov.fieldwork.workflow import Status
from gridgov.registry.models import Person

if TYPE_CHECKING:
    from gridgov.accounts.models import User

TEXT_MAX = 2000
MAX_FOLLOW_UP_DAYS = 90


def person_label(person: Person) -> str:
    """A person as a task list shows them: the family name, masked, and the category."""
    return mask_name(person.name)


@transaction.atomic
def care_plan_save(
    *,
    actor: User,
    person: Person,
    category: str,
    every_days: int,
    first_due: date | None = None,
) -> CarePlan:
    """Visit a person every so many days for a category of care; one active plan per person
    and category (a second save changes its interval)."""
    grid = person.grid
    require_assigner(actor, grid)
    problems = ProblemList()
    if category not in CareCategory.values:
        problems.add("unknown_category", _("Choose a category of care."), field="category")
    if (
        isinstance(every_days, bool)
        or not isinstance(every_days, int)
        or not 1 <= every_days <= 366
    ):
        problems.add("bad_interval", _("Visit every 1 to 366 days."), field="every_days")
    if person.moved_out is not None:
        problems.add("moved_out", _("The person has moved out."), field="person")
    problems.raise_if_any(_("The visit plan cannot be saved."))
    plan = (
        CarePlan.objects.unscoped()
        .select_for_update()
        .filter(person=person, category=category, active=True)
        .first()
    )
    if plan is None:
        plan = CarePlan(
            person=person,
            grid=grid,
            category=category,
            created_by=actor,
            created_at=timezone.now(),
            next_due=first_due or timezone.localdate(),
        )
    elif first_due is not None:
        plan.next_due = first_due
    plan.every_days = every_days
    try:
        with transaction.atomic():
            plan.save()
    except IntegrityError as exc:
        raise Conflict(_("The plan changed meanwhile; reload it."), code="stale_plan") from exc
    audit_record(
        actor=actor,
        action="fieldwork.care_plan_save",
        target=plan,
        detail={"category": category, "every_days": every_days},
    )
    return plan


def visit_source_key(plan_id: int, due: date) -> str:
    return f"visit:{plan_id}:{due.isoformat()}"


def _visit_specs(day: date) -> Iterator[TaskSpec]:
    plans = (
        CarePlan.objects.unscoped()
        .filter(active=True, next_due__lte=day)
        .select_related("person")
        .order_by("pk")
    )
    for plan in plans.iterator(chunk_size=2000):
        yield TaskSpec(
            kind=VISIT,
            title=str(
                _("Visit %(person)s (%(category)s)")
                % {"person": person_label(plan.person), "category": plan.get_category_display()}
            ),
            grid_id=plan.grid_id,
            source_key=visit_source_key(plan.pk, plan.next_due),
            due_at=end_of_working_day(max(plan.next_due, day)),
            target_kind=TargetKind.PERSON,
            target_id=plan.person_id,
            target_label=person_label(plan.person),
            payload={"plan": plan.pk},
        )


def visit_tasks_generate(*, day: date) -> int:
    """A visit task for each plan due by `day` (the daily job); one per plan and due date."""
    return field_tasks_create_many(actor=None, specs=_visit_specs(day))


@transaction.atomic
def visit_record(
    *,
    actor: User,
    task: FieldTask,
    met: bool,
    situation: str,
    needs: str = "",
    follow_up_days: int | None = None,
    lon: float | None = None,
    lat: float | None = None,
    photos: list[Upload] | None = None,
) -> Visit:
    """The visit's record: it completes the visit task, schedules the plan's next visit from
    today, and opens a follow-up visit when one is asked for."""
    task = FieldTask.objects.unscoped().select_related("grid").get(pk=task.pk)
    require_doer(actor, task)
    if task.kind != VISIT or task.target_kind != TargetKind.PERSON or task.target_id is None:
        raise Conflict(_("This task is not a visit."), code="not_a_visit")
    if task.status != Status.OPEN:
        raise Conflict(_("The task is no longer open."), code="task_closed")
    problems = ProblemList()
    if not situation.strip():
        problems.add("required", _("Describe the situation found."), field="situation")
    for name, text in (("situation", situation), ("needs", needs)):
        if len(text) > TEXT_MAX:
            problems.add(
                "too_long",
                _("Keep it under %(n)d characters.") % {"n": TEXT_MAX},
                field=name,
            )
    if follow_up_days is not None and not 1 <= follow_up_days <= MAX_FOLLOW_UP_DAYS:
        problems.add(
            "bad_follow_up",
            _("A follow-up is 1 to %(n)d days away.") % {"n": MAX_FOLLOW_UP_DAYS},
            field="follow_up_days",
        )
    problems.raise_if_any(_("The visit cannot be recorded."))
    person = Person.objects.unscoped().get(pk=task.target_id)
    plan_id = task.payload.get("plan")
    plan = CarePlan.objects.unscoped().filter(pk=plan_id).first() if plan_id else None
    visit = Visit.objects.create(
        task=task,
        plan=plan,
        person=person,
        grid=task.grid,
        visitor=actor,
        at=timezone.now(),
        met=met,
        situation=situation.strip(),
        needs=needs.strip(),
    )
    field_task_complete(
        actor=actor,
        task=task,
        result={"met": met, "follow_up_days": follow_up_days},
        note=situation,
        lon=lon,
        lat=lat,
        photos=photos,
    )
    today = timezone.localdate()
    if plan is not None and plan.active:
        CarePlan.objects.unscoped().filter(pk=plan.pk).update(
            next_due=today + timedelta(days=plan.every_days)
        )
    if follow_up_days is not None:
        visit.follow_up = field_task_create(
            actor=None,
            kind=VISIT,
            title=str(_("Follow-up visit: %(person)s") % {"person": person_label(person)}),
            grid=task.grid,
            assignee=actor,
            target_kind=TargetKind.PERSON,
            target_id=person.pk,
            target_label=person_label(person),
            due_at=end_of_working_day(today + timedelta(days=follow_up_days)),
            source_key=f"visit:follow-up:{visit.pk}",
            note=needs.strip(),
            payload={"plan": plan.pk} if plan is not None else {},
        )
        visit.save(update_fields=["follow_up"])
    audit_record(
        actor=actor,
        action="fieldwork.visit_record",
        target=visit,
        detail={"met": met, "follow_up_days": follow_up_days},
    )
    return visit
