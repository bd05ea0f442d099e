"""Every write of inspections: venue kinds and their checklists (an administrator's data),
flagging venues, the schedule, recording an inspection, and the rectifications' workflow.

Recording is one transaction: the item answers, the photos, a rectification and its
re-inspection per failed item, and an event for each serious one (through the events intake,
so it enters the loop as any grid worker's report). Anything refused leaves nothing written.
"""

from __future__ import annotations

import importlib.resources
import json
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING, Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from gridgov.accounts.roles import Capability, Role, roles_with
from gridgov.audit.actions import audit_record
from gridgov.core.errors import Conflict, InvalidInput, PermissionDenied, Problem, ProblemList
from gridgov.events.actions.intake import event_report
from gridgov.events.models import Category, Event
from gridgov.events.photos import Upload, photos_checked
from gridgov.inspections import notices, workflow
from gridgov.inspections.actions import fieldtasks
from gridgov.inspections.actions.position import point_checked
from gridgov.inspections.models import (
    Checklist,
    Inspection,
    InspectionPhoto,
    InspectionStatus,
    ItemResult,
    Rectification,
    RectificationStatus,
    RectificationTransition,
    Target,
    Venue,
    VenueKind,
)
from gridgov.inspections.selectors import (
    checklist_current,
    inspection_get,
    inspection_items,
    kind_get,
    rectification_get,
    rectifications_overdue_ids,
    venue_get,
)
from gridgov.registry.selectors import home_get, organisation_get
from gridgov.worktime.calendar import add_working_minutes, default_hours

if TYPE_CHECKING:
    from gridgov.accounts.models import User

logger = logging.getLogger(__name__)

CODE_MAX = 32
TEXT_MAX = 255
NOTE_MAX = 2000
MAX_ITEMS = 60
# The schedule's periods are counted from this day, so a venue's period index is stable.
EPOCH = date(2026, 1, 1)
# The field task's doer: the grid's worker (fieldwork completes the task for them alone).
INSPECTORS = frozenset({Role.GRID_WORKER})
FLAGGERS = roles_with(Capability.WRITE_REGISTRY)


def _require_admin(actor: User) -> None:
    if actor.role != Role.SYSTEM_ADMIN or not actor.is_active:
        raise PermissionDenied(
            _("Only a system administrator defines venue kinds and checklists."),
            code="not_system_admin",
        )


def _announce(what: str, pk: int) -> None:
    logger.info("inspections %s %s", what, pk)


@transaction.atomic
def venue_kind_save(
    *,
    actor: User,
    code: str,
    name: str,
    target: str,
    interval_days: int = 30,
    rectify_days: int = 5,
    active: bool = True,
) -> VenueKind:
    """Create a venue kind or change it (by code); what it flags is fixed once venues use it."""
    _require_admin(actor)
    return _kind_save(actor, code, name, target, interval_days, rectify_days, active)


def _kind_save(
    actor: User | None,
    code: str,
    name: str,
    target: str,
    interval_days: int,
    rectify_days: int,
    active: bool,
) -> VenueKind:
    problems = ProblemList()
    code, name = code.strip(), name.strip()
    if not code or len(code) > CODE_MAX or not code.replace("_", "").replace("-", "").isalnum():
        problems.add("bad_code", _("A code is 1 to 32 letters, digits, - or _."), field="code")
    if not name or len(name) > 64:
        problems.add("required", _("Give a name of 1 to 64 characters."), field="name")
    if target not in Target.values:
        problems.add("unknown_target", _("A kind flags organisations or homes."), field="target")
    for field, value in (("interval_days", interval_days), ("rectify_days", rectify_days)):
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 366:
            problems.add("bad_days", _("A number of days from 1 to 366."), field=field)
    problems.raise_if_any(_("The venue kind cannot be saved."))
    kind = VenueKind.objects.select_for_update().filter(code=code).first()
    if kind is not None and kind.target != target and kind.venues.exists():
        raise Conflict(
            _("Venues of this kind exist; what it flags cannot change."), code="kind_in_use"
        )
    kind, created = VenueKind.objects.update_or_create(
        code=code,
        defaults={
            "name": name,
            "target": target,
            "interval_days": interval_days,
            "rectify_days": rectify_days,
            "active": active,
        },
    )
    audit_record(
        actor=actor,
        action="inspections.kind_create" if created else "inspections.kind_change",
        target=kind,
        detail={"code": code, "interval_days": interval_days, "rectify_days": rectify_days},
    )
    return kind


def _items_checked(items: Any, problems: ProblemList) -> list[dict[str, Any]]:
    if not isinstance(items, list) or not 1 <= len(items) <= MAX_ITEMS:
        problems.add(
            "bad_items", _("A checklist has 1 to %(n)d items.") % {"n": MAX_ITEMS}, field="items"
        )
        return []
    categories = set(
        Category.objects.filter(active=True, parent__isnull=False).values_list("code", flat=True)
    )
    clean: list[dict[str, Any]] = []
    seen: set[str] = set()
    for index, item in enumerate(items):
        if not isinstance(item, Mapping):
            problems.add("bad_item", _("An item is an object."), field="items", index=index)
            continue
        code = str(item.get("code", "")).strip()
        text = str(item.get("text", "")).strip()
        serious = item.get("serious", False)
        category = str(item.get("category", "") or "").strip()
        if not code or len(code) > CODE_MAX:
            problems.add(
                "bad_code", _("An item's code is 1 to 32 characters."), field="items", index=index
            )
        elif code in seen:
            problems.add(
                "duplicate_item",
                _("The item code is used twice."),
                field="items",
                index=index,
                item=code,
            )
        seen.add(code)
        if not text or len(text) > TEXT_MAX:
            problems.add(
                "required",
                _("Say what is checked, in 1 to 255 characters."),
                field="items",
                index=index,
            )
        if not isinstance(serious, bool):
            problems.add("bad_serious", _("Serious is true or false."), field="items", index=index)
        if serious and category not in categories:
            problems.add(
                "unknown_category",
                _("A serious item names the active event category it is reported under."),
                field="items",
                index=index,
                item=category,
            )
        clean.append({"code": code, "text": text, "serious": serious is True, "category": category})
    return clean


def checklist_items_check(items: Any) -> list[dict[str, Any]]:
    """The items as a checklist keeps them, or InvalidInput naming every problem; for forms
    that check before they save (the admin's)."""
    problems = ProblemList()
    clean = _items_checked(items, problems)
    problems.raise_if_any(_("The checklist cannot be published."))
    return clean


@transaction.atomic
def checklist_publish(*, actor: User, kind_code: str, items: Any) -> Checklist:
    """A new version of the kind's checklist, in force from now; earlier versions and the
    inspections answered against them stay as they were."""
    _require_admin(actor)
    return _checklist_publish(actor, kind_code, items)


def _checklist_publish(actor: User | None, kind_code: str, items: Any) -> Checklist:
    kind = VenueKind.objects.select_for_update().filter(code=kind_code).first()
    if kind is None:
        kind_get(kind_code)
    assert kind is not None  # noqa: S101 - kind_get raised otherwise
    problems = ProblemList()
    clean = _items_checked(items, problems)
    problems.raise_if_any(_("The checklist cannot be published."))
    current = checklist_current(kind)
    if current is not None and current.items == clean:
        return current
    checklist = Checklist.objects.create(
        kind=kind,
        version=(current.version + 1) if current else 1,
        items=clean,
        created_at=timezone.now(),
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action="inspections.checklist_publish",
        target=checklist,
        detail={"kind": kind.code, "version": checklist.version, "items": len(clean)},
    )
    return checklist


@transaction.atomic
def venue_flag(
    *,
    actor: User,
    kind_code: str,
    organisation_id: int | None = None,
    home_id: int | None = None,
) -> Venue:
    """Flag a registry organisation or home the actor sees as a venue of a kind; flagging it
    again makes it active again and is otherwise nothing new."""
    if actor.role not in FLAGGERS or not actor.is_active:
        raise PermissionDenied(_("Your role may not flag venues."), code="not_flagger")
    kind = kind_get(kind_code)
    if not kind.active:
        raise Conflict(_("The venue kind is no longer in use."), code="kind_inactive")
    if (organisation_id is None) == (home_id is None):
        raise InvalidInput(
            _("The venue cannot be flagged."),
            problems=[Problem("one_record", _("Name one organisation or one home."))],
        )
    wanted = Target.ORGANISATION if organisation_id is not None else Target.HOME
    if kind.target != wanted:
        raise InvalidInput(
            _("The venue cannot be flagged."),
            problems=[
                Problem(
                    "wrong_target",
                    _("This kind flags %(target)s.") % {"target": kind.get_target_display()},
                    field="kind",
                )
            ],
        )
    if organisation_id is not None:
        record: Any = organisation_get(actor, organisation_id)
        lookup: dict[str, Any] = {"organisation": record}
        name, address = record.name, record.address
    else:
        record = home_get(actor, home_id or 0)
        lookup = {"home": record}
        name, address = record.address, record.address
    venue, created = Venue.objects.get_or_create(
        kind=kind,
        **lookup,
        defaults={
            "name": name,
            "address": address,
            "grid_id": record.grid_id,
            "flagged_by": actor,
            "flagged_at": timezone.now(),
        },
    )
    if not created and not venue.active:
        venue.active = True
        venue.save(update_fields=["active"])
    elif not created:
        return venue
    audit_record(
        actor=actor,
        action="inspections.venue_flag",
        target=venue,
        detail={"kind": kind.code, "grid": record.grid.code},
    )
    return venue


@transaction.atomic
def venue_unflag(*, actor: User, venue_id: int) -> Venue:
    """The venue closed or is no longer of the kind: no more inspections; those due are
    cancelled, hazards already found stay followed."""
    if actor.role not in FLAGGERS or not actor.is_active:
        raise PermissionDenied(_("Your role may not flag venues."), code="not_flagger")
    venue = venue_get(actor, venue_id)
    if not venue.active:
        return venue
    now = timezone.now()
    Venue.objects.unscoped().filter(pk=venue.pk).update(active=False)
    venue.active = False
    _cancel(
        Inspection.objects.unscoped().filter(
            venue=venue, status=InspectionStatus.DUE, rectification__isnull=True
        ),
        now,
        gettext("The venue is no longer flagged."),
    )
    audit_record(actor=actor, action="inspections.venue_unflag", target=venue)
    return venue


@transaction.atomic
def kinds_load(*, actor: User | None, data: Any = None) -> list[Checklist]:
    """The shipped kinds and checklists (data/kinds.json), or another file of that shape: each
    kind saved and its checklist published (a new version only where the items changed)."""
    if actor is not None:
        _require_admin(actor)
    if data is None:
        source = importlib.resources.files("gridgov.inspections.data") / "kinds.json"
        data = json.loads(source.read_text(encoding="utf-8"))
    published = []
    for entry in data["kinds"]:
        _kind_save(
            actor,
            entry["code"],
            entry["name"],
            entry["target"],
            entry.get("interval_days", 30),
            entry.get("rectify_days", 5),
            entry.get("active", True),
        )
        published.append(_checklist_publish(actor, entry["code"], entry["items"]))
    return published


def _cancel(due: QuerySet[Inspection], now: datetime, reason: str) -> None:
    """Cancel due inspections and their field tasks."""
    task_ids = list(due.values_list("field_task_id", flat=True))
    due.update(status=InspectionStatus.CANCELLED, cancelled_at=now)
    fieldtasks.tasks_cancel(task_ids, reason)


def period_of(day: date, interval_days: int) -> int:
    return (day - EPOCH).days // interval_days


def period_end(period: int, interval_days: int) -> datetime:
    """The last moment of a period: 23:59 local on its last day."""
    last = EPOCH + timedelta(days=(period + 1) * interval_days - 1)
    return timezone.make_aware(datetime.combine(last, datetime.max.time().replace(microsecond=0)))


def schedule_key(venue_id: int, period: int) -> str:
    return f"inspection:{venue_id}:{period}"


@dataclass(frozen=True)
class ScheduleResult:
    venues: int
    created: int


def inspections_schedule(*, today: date | None = None, chunk: int = 2000) -> ScheduleResult:
    """One inspection per active venue and period of its kind, due at the period's end; run
    daily by the beat. The source key makes a second run (or two overlapping) create nothing
    more, and a venue flagged mid-period is inspected within that period."""
    today = today or timezone.localdate()
    kinds = {k.pk: k for k in VenueKind.objects.filter(active=True)}
    venues = (
        Venue.objects.unscoped()
        .filter(active=True, kind_id__in=kinds)
        .values_list("pk", "kind_id", "grid_id")
        .order_by("pk")
    )
    total = created = 0
    batch: list[Inspection] = []

    def flush() -> int:
        """Insert the batch's new keys; a key another run inserted meanwhile is skipped by
        the unique constraint (and then not counted here, nor anywhere twice)."""
        keys = [i.source_key for i in batch]
        existing = set(
            Inspection.objects.unscoped()
            .filter(source_key__in=keys)
            .values_list("source_key", flat=True)
        )
        new = [i for i in batch if i.source_key not in existing]
        with transaction.atomic():
            Inspection.objects.bulk_create(new, ignore_conflicts=True)
        batch.clear()
        return len(new)

    for venue_id, kind_id, grid_id in venues.iterator(chunk_size=chunk):
        total += 1
        interval = kinds[kind_id].interval_days
        period = period_of(today, interval)
        batch.append(
            Inspection(
                venue_id=venue_id,
                grid_id=grid_id,
                source_key=schedule_key(venue_id, period),
                due_at=period_end(period, interval),
            )
        )
        if len(batch) >= chunk:
            created += flush()
    if batch:
        created += flush()
    fieldtasks.tasks_open_missing(chunk)
    return ScheduleResult(venues=total, created=created)


@dataclass(frozen=True)
class Answer:
    code: str
    passed: bool
    note: str = ""


def _answers_checked(
    items: Sequence[Mapping[str, Any]], answers: Sequence[Answer], problems: ProblemList
) -> dict[str, Answer]:
    """Every item answered once, nothing else."""
    wanted = {str(i["code"]) for i in items}
    got: dict[str, Answer] = {}
    for index, answer in enumerate(answers):
        if answer.code not in wanted:
            problems.add(
                "unknown_item",
                _("No such item on the checklist."),
                field="answers",
                index=index,
                item=answer.code,
            )
        elif answer.code in got:
            problems.add(
                "duplicate_item",
                _("The item is answered twice."),
                field="answers",
                index=index,
                item=answer.code,
            )
        elif len(answer.note) > NOTE_MAX:
            problems.add(
                "too_long",
                _("Keep a note under %(n)d characters.") % {"n": NOTE_MAX},
                field="answers",
                index=index,
                item=answer.code,
            )
        else:
            got[answer.code] = answer
    for code in sorted(wanted - got.keys()):
        problems.add(
            "unanswered", _("Answer every item: pass or fail."), field="answers", item=code
        )
    return got


def _point(inspection: Inspection, lon: float | None, lat: float | None) -> tuple[float, float]:
    """Where a serious hazard is reported: where the inspector stood, else inside the grid."""
    if lon is not None and lat is not None:
        return lon, lat
    inside = inspection.grid.geometry.representative_point()
    return float(inside.x), float(inside.y)


def _rectify_by(kind: VenueKind, now: datetime) -> datetime:
    hours = default_hours()
    per_day = sum(
        (datetime.combine(EPOCH, end) - datetime.combine(EPOCH, start)).seconds // 60
        for start, end in hours.periods
    )
    return add_working_minutes(now, kind.rectify_days * per_day)


def _reinspection(rect: Rectification, due_at: datetime, attempt: int) -> Inspection:
    inspection = Inspection.objects.create(
        venue_id=rect.venue_id,
        grid_id=rect.grid_id,
        rectification=rect,
        source_key=f"reinspect:{rect.pk}:{attempt}",
        due_at=due_at,
    )
    fieldtasks.tasks_open([inspection])
    return inspection


def _open_rectification(
    actor: User,
    inspection: Inspection,
    item: Mapping[str, Any],
    answer: Answer,
    now: datetime,
    lon: float | None,
    lat: float | None,
) -> Rectification:
    venue = inspection.venue
    event: Event | None = None
    if item.get("serious"):
        x, y = _point(inspection, lon, lat)
        event = event_report(
            actor=actor,
            category_code=str(item.get("category", "")),
            description=str(
                _("Inspection of %(venue)s: %(hazard)s. %(note)s")
                % {"venue": venue.name, "hazard": item["text"], "note": answer.note}
            ).strip(),
            lon=x,
            lat=y,
            address=venue.address[:200],
        )
    rect = Rectification.objects.create(
        inspection=inspection,
        venue=venue,
        grid_id=inspection.grid_id,
        item_code=answer.code,
        item_text=str(item["text"]),
        serious=bool(item.get("serious")),
        note=answer.note,
        found_at=now,
        due_at=_rectify_by(venue.kind, now),
        event=event,
    )
    RectificationTransition.objects.create(
        rectification=rect, to_status=RectificationStatus.OPEN, command="open", actor=actor, at=now
    )
    _reinspection(rect, rect.due_at, 1)
    return rect


@transaction.atomic
def inspection_record(
    *,
    actor: User,
    inspection_id: int,
    answers: Iterable[Answer],
    checklist_version: int | None = None,
    note: str = "",
    lon: float | None = None,
    lat: float | None = None,
    photos: Sequence[Upload] = (),
    item_photos: Mapping[str, Sequence[Upload]] | None = None,
) -> Inspection:
    """The inspector's answer: pass or fail for every item, a note, photos (of the whole
    venue, and `item_photos` by item code: the evidence of one item) and where they stood,
    refused when far from the venue (inspections.actions.position). A failed item opens a
    rectification with its deadline (working days of the kind) and a re-inspection; a serious
    one also becomes an event. A re-inspection answers its one item and moves its
    rectification. `checklist_version` is the version the form showed: a
    checklist published since answers 409, so nobody's answers land on items they never saw."""
    inspection_get(actor, inspection_id)
    if actor.role not in INSPECTORS or not actor.is_active:
        raise PermissionDenied(_("Only the grid's workers inspect."), code="not_inspector")
    inspection = (
        Inspection.objects.unscoped()
        .select_for_update(of=("self",))
        .select_related("venue__kind", "grid", "rectification")
        .get(pk=inspection_id)
    )
    if inspection.status != InspectionStatus.DUE:
        raise Conflict(
            _("The inspection is %(status)s.") % {"status": inspection.get_status_display()},
            code="inspection_not_due",
        )
    if inspection.assignee_id is not None and inspection.assignee_id != actor.pk:
        raise PermissionDenied(_("This inspection is another worker's."), code="not_assignee")
    rect = inspection.rectification
    if rect is None:
        checklist = checklist_current(inspection.venue.kind)
        if checklist is None:
            raise Conflict(_("The venue kind has no checklist yet."), code="no_checklist")
        if checklist_version is not None and checklist_version != checklist.version:
            raise Conflict(
                _("The checklist changed while you answered; reload and answer the new one."),
                code="checklist_changed",
            )
        inspection.checklist = checklist
    elif rect.status not in workflow.OPEN_STATUSES:
        raise Conflict(_("The hazard is no longer being followed."), code="rectification_closed")
    items = inspection_items(inspection)
    problems = ProblemList()
    answers = list(answers)
    got = _answers_checked(items, answers, problems)
    if len(note) > NOTE_MAX:
        problems.add(
            "too_long", _("Keep a note under %(n)d characters.") % {"n": NOTE_MAX}, field="note"
        )
    checked = {"": photos_checked(list(photos), problems)}
    codes = {str(i["code"]) for i in items}
    for code, uploads in (item_photos or {}).items():
        if code not in codes:
            problems.add(
                "unknown_item",
                _("No such item on the checklist."),
                field="item_photos",
                item=code,
            )
        else:
            checked[code] = photos_checked(list(uploads), problems)
    point_checked(inspection, lon, lat, problems)
    problems.raise_if_any(_("The inspection cannot be recorded."))

    now = timezone.now()
    ItemResult.objects.bulk_create(
        ItemResult(
            inspection=inspection,
            code=str(item["code"]),
            text=str(item["text"]),
            serious=bool(item.get("serious")),
            passed=got[str(item["code"])].passed,
            note=got[str(item["code"])].note.strip(),
        )
        for item in items
    )
    for code, item_checked in checked.items():
        for photo in item_checked:
            row = InspectionPhoto(
                inspection=inspection,
                item_code=code,
                name=photo.name,
                content_type=photo.content_type,
                sha256=photo.sha256,
            )
            row.file.save(
                f"{photo.sha256[:20]}.{photo.extension}", ContentFile(photo.content), save=False
            )
            row.save()
    inspection.status = InspectionStatus.DONE
    inspection.inspector, inspection.done_at = actor, now
    inspection.passed = all(a.passed for a in got.values())
    inspection.note, inspection.lon, inspection.lat = note.strip(), lon, lat
    inspection.save()
    fieldtasks.task_complete(actor, inspection)
    found: list[int] = []
    if rect is None:
        for item in items:
            answer = got[str(item["code"])]
            if not answer.passed:
                found.append(_open_rectification(actor, inspection, item, answer, now, lon, lat).pk)
    else:
        _reinspected(actor, rect, inspection, now)
    audit_record(
        actor=actor,
        action="inspections.record",
        target=inspection,
        detail={
            "venue": inspection.venue_id,
            "passed": inspection.passed,
            "rectifications": found,
            "photos": sum(len(c) for c in checked.values()),
        },
    )
    transaction.on_commit(partial(_announce, "recorded", inspection.pk))
    return inspection


def _reinspected(actor: User, rect: Rectification, inspection: Inspection, now: datetime) -> None:
    locked = Rectification.objects.unscoped().select_for_update().get(pk=rect.pk)
    if inspection.passed:
        _apply(locked, workflow.Command.PASS, actor, now, inspection.note)
        return
    _apply(locked, workflow.Command.FAIL, actor, now, inspection.note)
    attempt = locked.reinspections.count() + 1
    _reinspection(locked, max(locked.due_at, _rectify_by(inspection.venue.kind, now)), attempt)


def _apply(
    rect: Rectification, command: str, actor: User | None, now: datetime, note: str = ""
) -> Rectification:
    """The one place a rectification moves: the table's pair or 409; the new state's stamp,
    a transition row, the version bumped."""
    before = rect.status
    after = workflow.TRANSITIONS.get((before, command))
    if after is None:
        raise Conflict(
            _("A rectification %(status)s cannot be moved by “%(command)s”.")
            % {"status": rect.get_status_display(), "command": workflow.Command(command).label},
            code="transition_not_allowed",
        )
    fields = ["status", "version"]
    if after != before:
        setattr(rect, workflow.STATES[after].stamp, now)
        fields.append(workflow.STATES[after].stamp)
    rect.status = after
    rect.version += 1
    rect.save(update_fields=fields)
    RectificationTransition.objects.create(
        rectification=rect,
        from_status=before,
        to_status=after,
        command=command,
        actor=actor,
        at=now,
        note=note,
    )
    if after not in workflow.OPEN_STATUSES:
        _cancel(
            Inspection.objects.unscoped().filter(rectification=rect, status=InspectionStatus.DUE),
            now,
            gettext("The hazard is no longer followed."),
        )
    transaction.on_commit(partial(_announce, f"rectification {command}", rect.pk))
    return rect


@transaction.atomic
def rectification_apply(
    *,
    actor: User,
    rectification_id: int,
    command: str,
    expected_version: int | None = None,
    note: str = "",
) -> Rectification:
    """A command given by hand (cancel: the venue closed, the item was wrongly failed)."""
    rect = rectification_get(actor, rectification_id)
    if command not in workflow.COMMAND_ROLES or actor.role not in workflow.COMMAND_ROLES[command]:
        raise PermissionDenied(
            _("Your role may not do this to a rectification."), code="command_not_permitted"
        )
    if command == workflow.Command.CANCEL and not note.strip():
        raise InvalidInput(
            _("The rectification cannot be cancelled."),
            problems=[Problem("required", _("Say why."), field="note")],
        )
    rect = Rectification.objects.unscoped().select_for_update().get(pk=rect.pk)
    if expected_version is not None and expected_version != rect.version:
        raise Conflict(_("Someone changed the rectification; reload it."), code="stale_version")
    _apply(rect, command, actor, timezone.now(), note.strip())
    audit_record(
        actor=actor,
        action=f"inspections.rectification_{command}",
        target=rect,
        detail={"status": rect.status, "note": note.strip()[:200]},
    )
    return rect


def rectifications_sweep(now: datetime | None = None) -> int:
    """Mark every open rectification past its deadline overdue, once: a row already moved by
    another sweep (or rectified meanwhile) is skipped under its lock."""
    now = now or timezone.now()
    moved = 0
    for pk in rectifications_overdue_ids(now):
        with transaction.atomic():
            rect = (
                Rectification.objects.unscoped()
                .select_for_update(of=("self",))
                .select_related("grid", "venue")
                .filter(pk=pk, status=RectificationStatus.OPEN, due_at__lt=now)
                .first()
            )
            if rect is None:
                continue
            _apply(rect, workflow.Command.EXPIRE, None, now)
            notices.overdue(rect)
            audit_record(actor=None, action="inspections.rectification_expire", target=rect)
            moved += 1
    return moved
