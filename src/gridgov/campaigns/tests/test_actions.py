"""Defining, pushing, answering, versioning, importing the call robot's file, closing."""

from __future__ import annotations

import copy
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.translation import override

from gridgov.accounts.models import User
from gridgov.audit.models import AuditEntry
from gridgov.campaigns import actions, selectors
from gridgov.campaigns.models import (
    Answer,
    Campaign,
    CampaignGrid,
    CompletionDaily,
    FormVersion,
    PushChunk,
    Status,
    Target,
    TargetState,
    WorkerCompletionDaily,
)
from gridgov.campaigns.tests.conftest import FORM, GRIDS, phone_of
from gridgov.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from gridgov.fieldwork.models import FieldTask

pytestmark = pytest.mark.django_db


def test_define_checks_the_form_against_the_schema(define: Any) -> None:
    bad = {"fields": [{"name": "Bad Name", "label": "x", "type": "colour"}]}
    with pytest.raises(InvalidInput) as caught:
        define(form=bad)
    codes = {p.code for p in caught.value.problems}
    assert codes == {"form_schema"}
    assert Campaign.objects.unscoped().count() == 0


def test_define_refuses_conditions_on_unknown_fields_and_duplicates(define: Any) -> None:
    form = copy.deepcopy(FORM)
    form["fields"].append({"name": "note", "label": "又一个", "type": "text"})
    form["fields"].append(
        {"name": "later", "label": "x", "type": "text", "show_if": {"field": "kind", "in": ["租"]}}
    )
    with pytest.raises(InvalidInput) as caught:
        define(form=form)
    assert {p.code for p in caught.value.problems} == {"duplicate_field", "bad_condition"}


def test_only_a_centre_defines(define: Any, users: dict[str, User]) -> None:
    with pytest.raises(PermissionDenied):
        define(actor=users["grid_worker"])


def test_an_area_outside_the_jurisdiction_is_refused(define: Any) -> None:
    with pytest.raises(InvalidInput) as caught:
        define(areas=["320105"])
    assert caught.value.problems[0].code == "unknown_area"


def _push_again(campaign: Campaign, *, batch_size: int) -> None:
    PushChunk.objects.filter(campaign=campaign).delete()
    Campaign.objects.unscoped().filter(pk=campaign.pk).update(status=Status.PUSHING)
    while actions.campaign_push_batch(campaign_id=campaign.pk, batch_size=batch_size):
        pass


def test_two_chunks_redelivered_write_nothing_twice(define: Any, users: dict[str, User]) -> None:
    """The push task cuts chunks that two workers take in any order; each chunk delivered
    twice (and the plan too) writes every target and field task once, and the last chunk
    done, whichever it is, finishes the push."""
    campaign = define()
    actions.campaign_push(actor=users["dispatcher"], campaign_id=campaign.pk)
    chunks = actions.campaign_push_plan(campaign_id=campaign.pk, chunk_size=4)
    assert len(chunks) == 2
    assert actions.campaign_push_plan(campaign_id=campaign.pk, chunk_size=4) == chunks
    targets = Target.objects.unscoped().filter(campaign=campaign)
    tasks = FieldTask.objects.unscoped().filter(source_key__startswith=f"campaign:{campaign.pk}:")
    assert actions.campaign_push_chunk(chunk_id=chunks[1]) == 2
    assert actions.campaign_push_chunk(chunk_id=chunks[1]) == 0
    campaign.refresh_from_db()
    assert campaign.status == Status.PUSHING
    assert (targets.count(), tasks.count()) == (2, 2)
    assert actions.campaign_push_chunk(chunk_id=chunks[0]) == 4
    assert actions.campaign_push_chunk(chunk_id=chunks[0]) == 0
    assert (targets.count(), tasks.count()) == (6, 6)
    campaign.refresh_from_db()
    assert campaign.status == Status.RUNNING
    assert actions.campaign_push_plan(campaign_id=campaign.pk, chunk_size=4) == []
    assert CampaignGrid.objects.unscoped().filter(campaign=campaign).count() == 2


def test_a_chunk_rewritten_after_a_lost_commit_adds_nothing(
    running: Campaign, users: dict[str, User]
) -> None:
    """A worker killed after writing but before the chunk was marked done: the chunk runs
    again over rows already there and writes nothing twice."""
    chunk = PushChunk.objects.get(campaign=running)
    PushChunk.objects.filter(pk=chunk.pk).update(done_at=None)
    Campaign.objects.unscoped().filter(pk=running.pk).update(status=Status.PUSHING)
    assert actions.campaign_push_chunk(chunk_id=chunk.pk) == 6
    assert Target.objects.unscoped().filter(campaign=running).count() == 6
    assert FieldTask.objects.unscoped().filter(kind="campaign").count() == 6
    running.refresh_from_db()
    assert running.status == Status.RUNNING


def test_push_fans_out_once_per_target(running: Campaign, users: dict[str, User]) -> None:
    assert running.status == Status.RUNNING
    targets = Target.objects.unscoped().filter(campaign=running)
    assert targets.count() == 6
    assert set(targets.values_list("grid__code", flat=True)) == set(GRIDS)
    assert CampaignGrid.objects.unscoped().filter(campaign=running).count() == 2
    # A push run again from scratch (its chunks forgotten) writes nothing more.
    _push_again(running, batch_size=2)
    assert targets.count() == 6
    with pytest.raises(Conflict):
        actions.campaign_push(actor=users["dispatcher"], campaign_id=running.pk)


def test_small_batches_cover_every_target(
    define: Any, users: dict[str, User], settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.GRIDGOV_CAMPAIGN_BATCH_SIZE = 4
    campaign = define(target_kind="homes", target_category="")
    with django_capture_on_commit_callbacks(execute=True):
        actions.campaign_push(actor=users["dispatcher"], campaign_id=campaign.pk)
    assert Target.objects.unscoped().filter(campaign=campaign, kind="home").count() == 4
    campaign.refresh_from_db()
    assert campaign.status == Status.RUNNING


def test_a_grid_worker_sees_only_the_targets_of_their_grid(
    running: Campaign, users: dict[str, User], workers: dict[str, User]
) -> None:
    worker = users["grid_worker"]
    assert selectors.campaign_get(worker, running.pk) == running
    mine = selectors.targets_of(worker, running)
    assert {t.grid.code for t in mine} == {GRIDS[0]}
    with pytest.raises(NotFound):
        selectors.campaign_get(workers["sibling_worker"], running.pk)
    other = Target.objects.unscoped().filter(campaign=running, grid__code=GRIDS[1]).first()
    assert other is not None
    with pytest.raises(NotFound):
        actions.answer_submit(actor=worker, target_id=other.pk, data={"at_home": "no"})


def _first_target(campaign: Campaign, grid: str = GRIDS[0]) -> Target:
    target = Target.objects.unscoped().filter(campaign=campaign, grid__code=grid).first()
    assert target is not None
    return target


def test_an_answer_is_validated_by_the_built_form_in_chinese(
    running: Campaign, users: dict[str, User]
) -> None:
    target = _first_target(running)
    with override("zh-hans"), pytest.raises(InvalidInput) as caught:
        actions.answer_submit(
            actor=users["grid_worker"], target_id=target.pk, data={"at_home": "yes", "count": "99"}
        )
    problems = {p.field: str(p.message) for p in caught.value.problems}
    assert problems["count"] == "确保该值小于或等于20。"
    assert not Answer.objects.unscoped().exists()
    target.refresh_from_db()
    assert target.state == TargetState.OPEN


def test_a_hidden_field_is_neither_required_nor_kept(
    running: Campaign, users: dict[str, User]
) -> None:
    target = _first_target(running)
    answer = actions.answer_submit(
        actor=users["grid_worker"],
        target_id=target.pk,
        data={"at_home": "no", "count": "3", "kind": "出租"},
    )
    assert answer.values == {"at_home": False, "kind": "出租"}
    target.refresh_from_db()
    assert target.state == TargetState.VISITED
    assert target.done_by == users["grid_worker"]
    with pytest.raises(Conflict):
        actions.answer_submit(
            actor=users["grid_worker"], target_id=target.pk, data={"at_home": "no"}
        )
    # The field task's completion is the answer's one audit row.
    assert AuditEntry.objects.filter(action__startswith="campaigns.answer").count() == 0
    assert AuditEntry.objects.filter(action="fieldwork.task_complete").count() == 1


def test_a_shown_required_field_is_required(running: Campaign, users: dict[str, User]) -> None:
    target = _first_target(running)
    with pytest.raises(InvalidInput) as caught:
        actions.answer_submit(
            actor=users["grid_worker"], target_id=target.pk, data={"at_home": "yes"}
        )
    assert [p.field for p in caught.value.problems] == ["count"]


def test_a_form_changed_after_answers_is_a_new_version(
    running: Campaign, users: dict[str, User]
) -> None:
    first = _first_target(running)
    old = actions.answer_submit(
        actor=users["grid_worker"], target_id=first.pk, data={"at_home": "yes", "count": "2"}
    )
    form = copy.deepcopy(FORM)
    form["fields"].append({"name": "pets", "label": "宠物", "type": "yes_no", "required": True})
    version = actions.campaign_form_change(
        actor=users["dispatcher"], campaign_id=running.pk, form=form
    )
    assert version.number == 2
    old.refresh_from_db()
    assert old.form_version.number == 1
    second = Target.objects.unscoped().filter(campaign=running, state="open").first()
    assert second is not None
    with pytest.raises(InvalidInput):
        actions.answer_submit(
            actor=users["grid_worker"], target_id=second.pk, data={"at_home": "no"}
        )
    new = actions.answer_submit(
        actor=users["grid_worker"], target_id=second.pk, data={"at_home": "no", "pets": "yes"}
    )
    assert new.form_version == version
    # Without answers on version 2 a change stays version 2.
    form["fields"].pop()
    Answer.objects.unscoped().filter(pk=new.pk).delete()
    again = actions.campaign_form_change(
        actor=users["dispatcher"], campaign_id=running.pk, form=form
    )
    assert again.number == 2
    assert FormVersion.objects.filter(campaign=running).count() == 2


def test_counts_and_tabulation(running: Campaign, users: dict[str, User]) -> None:
    target = _first_target(running)
    actions.answer_submit(
        actor=users["grid_worker"], target_id=target.pk, data={"at_home": "yes", "count": "4"}
    )
    counts = selectors.grid_counts(users["dispatcher"], running)
    assert [(c.code, c.total, c.done) for c in counts] == [(GRIDS[0], 3, 1), (GRIDS[1], 3, 0)]
    assert selectors.totals(counts).undone == 5
    tallies = {t.name: t for t in selectors.tabulate(users["dispatcher"], running)}
    assert tallies["at_home"].answered == 1
    assert tallies["count"].mean == 4
    assert [n for _, n in tallies["at_home"].options] == [1, 0]


CALLS = (
    "电话,结果,时间\n"
    f"{phone_of(1)},已排查无异常,2026-12-07 09:00\n"
    f"{phone_of(2)},未接通,2026-12-07 09:01\n"
    "13900000000,已排查无异常,2026-12-07 09:02\n"
    f"{phone_of(4)},已排查,昨天\n"
    "abc,已排查,2026-12-07 09:03\n"
)


def test_call_robot_results_are_matched_and_unknown_lines_reported(
    running: Campaign, users: dict[str, User]
) -> None:
    record = actions.calls_import(
        actor=users["dispatcher"], campaign_id=running.pk, content=CALLS.encode()
    )
    assert (record.lines, record.reached, record.unreached) == (5, 1, 1)
    assert sorted(u["line"] for u in record.unknown) == [4, 5, 6]
    assert all("13900000000" not in str(u) for u in record.unknown)
    called = Target.objects.unscoped().get(campaign=running, state=TargetState.CALLED)
    assert called.label.startswith("居民1 ")
    assert Target.objects.unscoped().filter(campaign=running, state=TargetState.OPEN).count() == 5
    again = actions.calls_import(
        actor=users["dispatcher"], campaign_id=running.pk, content=CALLS.encode()
    )
    assert again.reached == 0
    assert any(u["line"] == 2 for u in again.unknown)


def test_a_call_file_without_columns_writes_nothing(
    running: Campaign, users: dict[str, User]
) -> None:
    with pytest.raises(InvalidInput) as caught:
        actions.calls_import(
            actor=users["dispatcher"], campaign_id=running.pk, content=b"phone,when\n1,2\n"
        )
    assert {p.item for p in caught.value.problems} == {"结果", "时间"}


def test_an_uploaded_list_reports_unknown_lines(define: Any, users: dict[str, User]) -> None:
    campaign = define(
        target_kind="list",
        target_category="",
        target_lines=["1号路0号", phone_of(5), "不存在路9号", "13900000000", ""],
    )
    assert [e["kind"] for e in campaign.target_list] == ["home", "person"]
    assert [(u["line"], u["why"]) for u in campaign.unknown_lines] == [
        (3, "no_home"),
        (4, "no_person"),
    ]


def test_closed_campaign_takes_no_answers_and_completion_is_counted(
    running: Campaign, users: dict[str, User]
) -> None:
    target = _first_target(running)
    actions.answer_submit(actor=users["grid_worker"], target_id=target.pk, data={"at_home": "no"})
    actions.campaign_close(actor=users["dispatcher"], campaign_id=running.pk)
    other = Target.objects.unscoped().filter(campaign=running, state="open").first()
    assert other is not None
    with pytest.raises(Conflict):
        actions.answer_submit(
            actor=users["grid_worker"], target_id=other.pk, data={"at_home": "no"}
        )
    today = timezone.localdate()
    actions.completion_rebuild(day=today)
    actions.completion_rebuild(day=today)
    rows = {r.grid.code: (r.targets, r.done) for r in CompletionDaily.objects.all()}
    assert rows == {GRIDS[0]: (3, 1), GRIDS[1]: (3, 0)}
    assert WorkerCompletionDaily.objects.get().worker == users["grid_worker"]
    actions.completion_rebuild(day=today - timedelta(days=2))
    assert not CompletionDaily.objects.filter(day=today - timedelta(days=2)).exists()


def test_each_target_is_one_field_task_of_the_grid(
    running: Campaign, users: dict[str, User], client_for: Any
) -> None:
    tasks = FieldTask.objects.unscoped().filter(kind="campaign")
    assert tasks.count() == 6
    assert {t.due_at for t in tasks} == {running.due_at}
    _push_again(running, batch_size=4)
    assert tasks.count() == 6
    target = _first_target(running)
    task = tasks.get(source_key=actions.task_key(running.pk, target.key))
    page = client_for("grid_worker").get(f"/campaigns/tasks/{task.pk}/")
    assert page.status_code == 302
    assert page["Location"] == f"/campaigns/targets/{target.pk}/"
    actions.answer_submit(
        actor=users["grid_worker"], target_id=target.pk, data={"at_home": "no"}, point=(118.1, 31.7)
    )
    task.refresh_from_db()
    assert task.status == "done"
    assert task.result == {"at_home": False}


def test_reached_by_call_or_closed_cancels_the_visit(
    running: Campaign, users: dict[str, User], django_capture_on_commit_callbacks: Any
) -> None:
    actions.calls_import(actor=users["dispatcher"], campaign_id=running.pk, content=CALLS.encode())
    tasks = FieldTask.objects.unscoped().filter(kind="campaign")
    assert tasks.filter(status="cancelled").count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        actions.campaign_close(actor=users["dispatcher"], campaign_id=running.pk)
    assert tasks.filter(status="open").count() == 0


def test_a_campaign_with_answers_can_be_removed_whole(
    running: Campaign, users: dict[str, User]
) -> None:
    """The demo's reset removes its campaigns with their answers and versions."""
    target = _first_target(running)
    actions.answer_submit(actor=users["grid_worker"], target_id=target.pk, data={"at_home": "no"})
    Campaign.objects.unscoped().filter(pk=running.pk).delete()
    assert not Answer.objects.unscoped().exists()


def test_an_answer_reads_each_row_once(running: Campaign, users: dict[str, User]) -> None:
    """The target, its campaign and its open field task come in one locked read; the field
    task's completion is its one audit row (a guard against lookups creeping back)."""
    first, second = (
        Target.objects.unscoped().filter(campaign=running, grid__code=GRIDS[0]).order_by("id")[:2]
    )
    actions.answer_submit(actor=users["grid_worker"], target_id=first.pk, data={"at_home": "no"})
    with CaptureQueriesContext(connection) as queries:
        actions.answer_submit(
            actor=users["grid_worker"], target_id=second.pk, data={"at_home": "no"}
        )
    sql = [q["sql"] for q in queries.captured_queries]
    assert sum('FROM "campaigns_target"' in s for s in sql) == 1
    assert sum(s.startswith('INSERT INTO "audit_auditentry"') for s in sql) == 1
