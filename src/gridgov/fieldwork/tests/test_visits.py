"""Care visits: a plan per person and category of care, visit tasks when due, a record that
moves the plan on and opens a follow-up."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from gridgov.accounts.models import User
from gridgov.core.errors import Conflict, InvalidInput
from gridgov.fieldwork.actions.visits import care_plan_save, visit_record, visit_tasks_generate
from gridgov.fieldwork.kinds import VISIT
from gridgov.fieldwork.models import CareCategory, CarePlan, FieldTask
from gridgov.fieldwork.workflow import Status
from gridgov.registry.models import Person


def test_a_visit_plan_becomes_tasks_and_a_record_moves_it_on(
    people: dict[str, User], person: Person
) -> None:
    plan = care_plan_save(
        actor=people["community_staff"],
        person=person,
        category=CareCategory.ELDERLY_ALONE,
        every_days=30,
    )
    today = timezone.localdate()
    assert visit_tasks_generate(day=today) == 1
    assert visit_tasks_generate(day=today) == 0
    task = FieldTask.objects.unscoped().get(kind=VISIT)
    assert person.name not in task.title
    assert task.target_label.startswith(person.name[0])
    with pytest.raises(InvalidInput):
        visit_record(actor=people["grid_worker"], task=task, met=True, situation="")
    visit = visit_record(
        actor=people["grid_worker"],
        task=task,
        met=True,
        situation="老人身体尚可，独居",
        needs="冬季需送棉被",
        follow_up_days=7,
    )
    task.refresh_from_db()
    plan.refresh_from_db()
    assert task.status == Status.DONE
    assert plan.next_due == today + timedelta(days=30)
    assert visit.follow_up is not None
    assert visit.follow_up.assignee == people["grid_worker"]
    assert timezone.localdate(visit.follow_up.due_at) >= today + timedelta(days=7)
    with pytest.raises(Conflict):
        visit_record(actor=people["grid_worker"], task=task, met=True, situation="再记一次")
    assert CarePlan.objects.unscoped().count() == 1


def test_only_categories_of_care(people: dict[str, User], person: Person) -> None:
    with pytest.raises(InvalidInput):
        care_plan_save(
            actor=people["community_staff"], person=person, category="watch_list", every_days=30
        )
