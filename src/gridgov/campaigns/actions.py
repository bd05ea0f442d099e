"""Every write of campaigns: define, change the form (a new version once answers exist),
push (the fan-out task's chunks), answer, import the call robot's results, close, and the
daily completion figures."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import CharField, Count, OuterRef, Q, Subquery, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext_lazy as _

from gridgov.audit.actions import audit_record
from gridgov.campaigns import selectors
from gridgov.campaigns.models import (
    Answer,
    CallImport,
    Campaign,
    CampaignGrid,
    CampaignLog,
    Channel,
    CompletionDaily,
    FormVersion,
    PushChunk,
    Status,
    Target,
    TargetKind,
    TargetState,
    WorkerCompletionDaily,
)
from gridgov.campaigns.runtime import answer_form_class, photo_fields, stored
from gridgov.campaigns.schema import form_check
from gridgov.campaigns.workflow import (
    ANSWER_ROLES,
    CENTRE_ROLES,
    STAMPS,
    TRANSITIONS,
    Command,
    allowed,
)
from gridgov.core.crypto import PERSON_PHONE, blind_index, mask_phone
from gridgov.core.errors import (
    Conflict,
    InvalidInput,
    NotFound,
    PermissionDenied,
    Problem,
    ProblemList,
)
from gridgov.fieldwork.actions import (
    TaskSpec,
    field_task_cancel,
    field_task_complete,
    field_tasks_create_many,
)
from gridgov.fieldwork.models import FieldTask
from gridgov.fieldwork.models import TargetKind as TaskTarget
from gridgov.fieldwork.workflow import Status as TaskStatus
from gridgov.jurisdiction.models import Node
from gridgov.jurisdiction.selectors import node_get, scope_root
from gridgov.registry.models import Home, Organisation, OrganisationKind, Person, ResidentKind
from gridgov.registry.validation import phone_check
from gridgov.tasks.actions import task_enqueue

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from gridgov.accounts.models import User

PUSH_TASK = "gridgov.campaigns.push"
PUSH_CHUNK_TASK = "gridgov.campaigns.push_chunk"
CLOSE_TASK = "gridgov.campaigns.cancel_open_tasks"
# The field task kind of a campaign target (registered in apps.ready).
TASK_KIND = "campaign"
TASK_KEY_PREFIX = "campaign:"
# A target's kind as the field task's target.
TASK_TARGETS = {
    "home": TaskTarget.HOME,
    "person": TaskTarget.PERSON,
    "venue": TaskTarget.ORGANISATION,
}
SMALL_VENUE = "small_venue"
# The categories a target list may be chosen by, per kind (an empty one: every row).
CATEGORIES: dict[str, frozenset[str]] = {
    TargetKind.HOMES: frozenset({""}),
    TargetKind.PEOPLE: frozenset({"", *ResidentKind.values}),
    TargetKind.VENUES: frozenset({SMALL_VENUE, *OrganisationKind.values}),
    TargetKind.LIST: frozenset({""}),
}
MAX_LIST_LINES = 20_000
MAX_CALL_LINES = 200_000
# What the call robot writes for a call that reached nobody: the target stays for a visit.
UNREACHED = frozenset(
    {"", "未接通", "无人接听", "空号", "关机", "停机", "拒接", "占线", "no answer"}
)


def _require_centre(actor: User) -> None:
    if actor.role not in CENTRE_ROLES or not actor.is_active:
        raise PermissionDenied(
            _("Only a centre (subdistrict, district or city) may do this."), code="not_centre"
        )


def _areas(actor: User, codes: Sequence[str], problems: ProblemList) -> list[Node]:
    nodes = []
    for index, code in enumerate(codes):
        try:
            nodes.append(node_get(actor, code))
        except NotFound:
            problems.add(
                "unknown_area",
                _("No such area in your jurisdiction."),
                field="areas",
                index=index,
                item=code,
            )
    if not codes:
        problems.add("required", _("Choose at least one area."), field="areas")
    return nodes


@dataclass(frozen=True)
class ListLine:
    line: int
    text: str


_DIGITS = re.compile(r"^[\d\s()+-]{7,20}$")


def _list_resolve(
    lines: Sequence[str], areas: list[Node]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Each line of an uploaded list, an address or a phone, matched to a home or a person in
    the chosen areas; the lines that match nothing are returned with why, never dropped."""
    matched: list[dict[str, Any]] = []
    unknown: list[dict[str, Any]] = []
    codes = [node.code for node in areas]
    for number, raw in enumerate(lines, start=1):
        text = " ".join(str(raw).split())
        if not text:
            continue
        if _DIGITS.match(text):
            problems = ProblemList()
            digits = phone_check(problems, text)
            person = (
                Person.objects.under_any(codes)
                .filter(
                    phone_index=blind_index(digits, field=PERSON_PHONE),
                    moved_out__isnull=True,
                )
                .values_list("id", flat=True)
                .first()
                if digits
                else None
            )
            if person is None:
                unknown.append({"line": number, "text": mask_phone(text), "why": "no_person"})
            else:
                matched.append({"line": number, "kind": "person", "ref": person})
            continue
        home = (
            Home.objects.under_any(codes).filter(address=text).values_list("id", flat=True).first()
        )
        if home is None:
            unknown.append({"line": number, "text": text, "why": "no_home"})
        else:
            matched.append({"line": number, "kind": "home", "ref": home})
    return matched, unknown


def _form_problems(definition: Any) -> None:
    problems = ProblemList()
    form_check(definition, problems)
    problems.raise_if_any(_("The form is not valid."))


@transaction.atomic
def campaign_define(
    *,
    actor: User,
    title: str,
    instructions: str,
    form: dict[str, Any],
    target_kind: str,
    areas: Sequence[str],
    due_at: datetime,
    target_category: str = "",
    target_lines: Sequence[str] = (),
    template: str = "",
) -> Campaign:
    """A draft campaign at the centre's node; nothing reaches a grid until it is pushed."""
    _require_centre(actor)
    problems = ProblemList()
    if not title.strip():
        problems.add("required", _("Give the campaign a title."), field="title")
    form_check(form, problems)
    if target_kind not in TargetKind.values:
        problems.add(
            "unknown_target_kind", _("Choose a listed kind of target."), field="target_kind"
        )
    elif target_category not in CATEGORIES[target_kind]:
        problems.add(
            "unknown_category",
            _("Choose a listed category."),
            field="target_category",
            item=target_category,
        )
    if timezone.is_naive(due_at) or due_at <= timezone.now():
        problems.add("bad_deadline", _("The deadline is a moment in the future."), field="due_at")
    nodes = _areas(actor, areas, problems)
    matched: list[dict[str, Any]] = []
    unknown: list[dict[str, Any]] = []
    if target_kind == TargetKind.LIST:
        if not any(str(line).strip() for line in target_lines):
            problems.add("required", _("Upload the list of targets."), field="target_lines")
        elif len(target_lines) > MAX_LIST_LINES:
            problems.add(
                "too_many_lines",
                _("A list has at most %(max)d lines.") % {"max": MAX_LIST_LINES},
                field="target_lines",
            )
        elif nodes:
            matched, unknown = _list_resolve(target_lines, nodes)
            if not matched:
                problems.add(
                    "no_target_matched",
                    _("No line of the list matched a home or a person in the chosen areas."),
                    field="target_lines",
                )
    problems.raise_if_any(_("The campaign cannot be defined."))
    campaign = Campaign.objects.create(
        title=title.strip(),
        instructions=instructions.strip(),
        template=template,
        node=scope_root(actor),
        target_kind=target_kind,
        target_category=target_category,
        target_list=matched,
        unknown_lines=unknown,
        due_at=due_at,
        created_by=actor,
    )
    campaign.areas.set(nodes)
    FormVersion.objects.create(campaign=campaign, number=1, definition=form, created_by=actor)
    audit_record(
        actor=actor,
        action="campaigns.define",
        target=campaign,
        detail={
            "title": campaign.title,
            "targets": target_kind,
            "areas": [n.code for n in nodes],
            "unknown_lines": len(unknown),
        },
    )
    return campaign


def _locked(actor: User, campaign_id: int) -> Campaign:
    selectors.campaign_get(actor, campaign_id)
    return Campaign.objects.unscoped().select_for_update().get(pk=campaign_id)


@transaction.atomic
def campaign_form_change(*, actor: User, campaign_id: int, form: dict[str, Any]) -> FormVersion:
    """Change the form: in place while no answer names the current version, else as a new
    version, so every answer keeps the form it was given on."""
    _require_centre(actor)
    campaign = _locked(actor, campaign_id)
    if campaign.status == Status.CLOSED:
        raise Conflict(_("The campaign is closed."), code="campaign_closed")
    _form_problems(form)
    current = selectors.form_current(campaign)
    if current.definition == form:
        return current
    if Answer.objects.unscoped().filter(form_version=current).exists():
        version = FormVersion.objects.create(
            campaign=campaign, number=current.number + 1, definition=form, created_by=actor
        )
    else:
        current.definition = form
        current.save(update_fields=["definition"])
        version = current
    audit_record(
        actor=actor,
        action="campaigns.form_change",
        target=campaign,
        detail={"version": version.number, "new_version": version.pk != current.pk},
    )
    return version


def campaign_apply(
    *, actor: User | None, campaign: Campaign, command: str, expected_version: int | None = None
) -> Campaign:
    """The one writer of a campaign's status; the caller holds the row lock."""
    target = TRANSITIONS.get((campaign.status, command))
    if target is None:
        raise Conflict(
            _("The campaign is %(status)s; allowed now: %(allowed)s")
            % {
                "status": campaign.get_status_display(),
                "allowed": ", ".join(allowed(campaign.status)) or "-",
            },
            code="transition_not_allowed",
        )
    if expected_version is not None and expected_version != campaign.version:
        raise Conflict(_("The campaign changed meanwhile; reload it."), code="stale_version")
    now = timezone.now()
    previous = campaign.status
    changed = (
        Campaign.objects.unscoped()
        .filter(pk=campaign.pk, version=campaign.version)
        .update(status=target, version=campaign.version + 1, **{STAMPS[target]: now})
    )
    if not changed:
        raise Conflict(_("The campaign changed meanwhile; reload it."), code="stale_version")
    campaign.status, campaign.version = target, campaign.version + 1
    setattr(campaign, STAMPS[target], now)
    CampaignLog.objects.create(
        campaign=campaign,
        command=command,
        from_status=previous,
        to_status=target,
        actor=actor,
        at=now,
    )
    audit_record(
        actor=actor,
        action=f"campaigns.{command}",
        target=campaign,
        detail={"from": previous, "to": target},
    )
    return campaign


@transaction.atomic
def campaign_push(
    *, actor: User, campaign_id: int, expected_version: int | None = None
) -> Campaign:
    """Start the fan-out: the push task writes the targets chunk by chunk."""
    _require_centre(actor)
    campaign = _locked(actor, campaign_id)
    campaign = campaign_apply(
        actor=actor, campaign=campaign, command=Command.PUSH, expected_version=expected_version
    )
    task_enqueue(task=PUSH_TASK, campaign_id=campaign.pk)
    return campaign


@transaction.atomic
def campaign_close(
    *, actor: User, campaign_id: int, expected_version: int | None = None
) -> Campaign:
    """Close the campaign; its tasks still open are cancelled by a task, in batches."""
    _require_centre(actor)
    campaign = _locked(actor, campaign_id)
    campaign = campaign_apply(
        actor=actor, campaign=campaign, command=Command.CLOSE, expected_version=expected_version
    )
    task_enqueue(task=CLOSE_TASK, campaign_id=campaign.pk)
    return campaign


def _tasks_cancel(actor: User | None, keys: list[str], reason: str) -> int:
    """Cancel the open field tasks of these source keys, each through fieldwork's action."""
    tasks = FieldTask.objects.unscoped().filter(source_key__in=keys, status=TaskStatus.OPEN)
    cancelled = 0
    for task in tasks.select_related("grid"):
        field_task_cancel(actor=actor, task=task, reason=reason)
        cancelled += 1
    return cancelled


def campaign_tasks_cancel(*, campaign_id: int, batch_size: int) -> int:
    """A closed campaign's tasks still open, a batch at a time (the close task's chunk): no
    worker is sent to a target after the deadline; returns how many were cancelled."""
    keys = list(
        FieldTask.objects.unscoped()
        .filter(source_key__startswith=task_key(campaign_id, ""), status=TaskStatus.OPEN)
        .values_list("source_key", flat=True)[:batch_size]
    )
    with transaction.atomic():
        return _tasks_cancel(None, keys, str(_("The campaign is closed")))


@dataclass(frozen=True)
class Source:
    """Where one chunk of targets comes from: (id, grid_id, label, phone_index) rows after an id."""

    kind: str
    rows: Any


def _source(campaign: Campaign, areas: list[Node]) -> Source:
    codes = [node.code for node in areas]
    category = campaign.target_category
    if campaign.target_kind == TargetKind.HOMES:
        homes = Home.objects.under_any(codes)
        return Source("home", homes.values_list("id", "grid_id", "address", "id"))
    if campaign.target_kind == TargetKind.PEOPLE:
        people = Person.objects.under_any(codes).filter(moved_out__isnull=True)
        if category:
            people = people.filter(kind=category)
        return Source(
            "person", people.values_list("id", "grid_id", "name", "phone_masked", "phone_index")
        )
    venues = Organisation.objects.under_any(codes)
    venues = (
        venues.filter(small_venue=True) if category == SMALL_VENUE else venues.filter(kind=category)
    )
    return Source("venue", venues.values_list("id", "grid_id", "name", "id"))


def _label(kind: str, row: tuple[Any, ...]) -> tuple[str, str]:
    """The target's label (a person's name with the masked phone) and its phone index."""
    if kind == "person":
        _id, _grid, name, masked, index = row
        return (f"{name} {masked}".strip(), index)
    return (str(row[2]), "")


def _listed_rows(campaign: Campaign, after: int, upto: int) -> list[tuple[int, str, int]]:
    """The matched lines of an uploaded list in (after, upto]: (line, kind, ref)."""
    return [
        (entry["line"], entry["kind"], entry["ref"])
        for entry in campaign.target_list
        if after < entry["line"] <= upto
    ]


def _listed_targets(campaign: Campaign, lines: list[tuple[int, str, int]]) -> list[Target]:
    homes = Home.objects.unscoped().in_bulk([ref for _, kind, ref in lines if kind == "home"])
    people = Person.objects.unscoped().in_bulk([ref for _, kind, ref in lines if kind == "person"])
    targets = []
    for _line, kind, ref in lines:
        if kind == "home" and ref in homes:
            home = homes[ref]
            targets.append(
                Target(
                    campaign=campaign,
                    grid_id=home.grid_id,
                    key=f"home:{ref}",
                    kind=kind,
                    ref_id=ref,
                    label=home.address,
                )
            )
        elif kind == "person" and ref in people:
            person = people[ref]
            targets.append(
                Target(
                    campaign=campaign,
                    grid_id=person.grid_id,
                    key=f"person:{ref}",
                    kind=kind,
                    ref_id=ref,
                    label=f"{person.name} {person.phone_masked}".strip(),
                    phone_index=person.phone_index,
                )
            )
    return targets


def task_key(campaign_id: int, key: str) -> str:
    """The field task's source key of a target: unique across campaigns."""
    return f"{TASK_KEY_PREFIX}{campaign_id}:{key}"


def _task_specs(campaign: Campaign, targets: list[Target]) -> list[TaskSpec]:
    return [
        TaskSpec(
            kind=TASK_KIND,
            title=campaign.title,
            grid_id=t.grid_id,
            source_key=task_key(campaign.pk, t.key),
            due_at=campaign.due_at,
            target_kind=TASK_TARGETS[t.kind],
            target_id=t.ref_id,
            target_label=t.label[:200],
            note=campaign.instructions,
            payload={"campaign": campaign.pk, "key": t.key},
        )
        for t in targets
    ]


def _open_task_id() -> Subquery:
    """The id of a target's open field task, found by its source key in the target's query
    (the key's unique index), so an answer does not look it up again."""
    key = Concat(
        Value(TASK_KEY_PREFIX),
        Cast(OuterRef("campaign_id"), CharField()),
        Value(":"),
        OuterRef("key"),
        output_field=CharField(),
    )
    return Subquery(
        FieldTask.objects.unscoped().filter(source_key=key, status=TaskStatus.OPEN).values("pk")[:1]
    )


def _source_ids(campaign: Campaign) -> list[int]:
    """The ids (or list line numbers) the push covers, in order."""
    if campaign.target_kind == TargetKind.LIST:
        return sorted(entry["line"] for entry in campaign.target_list)
    source = _source(campaign, list(campaign.areas.all()))
    return list(source.rows.order_by("id").values_list("id", flat=True))


@transaction.atomic
def campaign_push_plan(*, campaign_id: int, chunk_size: int) -> list[int]:
    """Cut a pushing campaign into chunks of at most chunk_size source rows, once (a
    redelivered plan returns the chunks already cut); returns the ids of the chunks not done.
    A push with nothing to write is finished here."""
    campaign = Campaign.objects.unscoped().select_for_update().get(pk=campaign_id)
    if campaign.status != Status.PUSHING:
        return []
    chunks = PushChunk.objects.filter(campaign=campaign)
    if not chunks.exists():
        ids = _source_ids(campaign)
        if not ids:
            campaign_apply(actor=None, campaign=campaign, command=Command.FINISH_PUSH)
            return []
        bounds = [0, *ids[chunk_size - 1 :: chunk_size]]
        if bounds[-1] != ids[-1]:
            bounds.append(ids[-1])
        PushChunk.objects.bulk_create(
            [
                PushChunk(campaign=campaign, after=after, upto=upto)
                for after, upto in zip(bounds, bounds[1:], strict=False)
            ]
        )
    return list(chunks.filter(done_at__isnull=True).order_by("after").values_list("id", flat=True))


def _chunk_targets(campaign: Campaign, chunk: PushChunk) -> list[Target]:
    if campaign.target_kind == TargetKind.LIST:
        return _listed_targets(campaign, _listed_rows(campaign, chunk.after, chunk.upto))
    source = _source(campaign, list(campaign.areas.all()))
    targets = []
    for row in source.rows.filter(id__gt=chunk.after, id__lte=chunk.upto).order_by("id"):
        label, phone_index = _label(source.kind, row)
        targets.append(
            Target(
                campaign=campaign,
                grid_id=row[1],
                key=f"{source.kind}:{row[0]}",
                kind=source.kind,
                ref_id=row[0],
                label=label[:255],
                phone_index=phone_index,
            )
        )
    return targets


@transaction.atomic
def campaign_push_chunk(*, chunk_id: int) -> int:
    """Write one chunk's targets and field tasks; returns how many targets were written.

    Chunks of one campaign run side by side (only the chunk's row is locked while it is
    written). A chunk already done writes nothing, and targets and field tasks are unique
    per key, so a redelivered or doubled chunk writes nothing twice. The chunk that finds
    itself the last one not done finishes the push, under the campaign's lock, which every
    chunk takes after its writes so the last two cannot both miss each other."""
    chunk = (
        PushChunk.objects.select_for_update().select_related("campaign").filter(pk=chunk_id).first()
    )
    if chunk is None or chunk.done_at is not None:
        return 0
    campaign = chunk.campaign
    if campaign.status != Status.PUSHING:
        return 0
    targets = _chunk_targets(campaign, chunk)
    Target.objects.bulk_create(targets, ignore_conflicts=True, batch_size=len(targets) or 1)
    field_tasks_create_many(
        actor=None, specs=_task_specs(campaign, targets), chunk_size=len(targets) or 1
    )
    CampaignGrid.objects.bulk_create(
        [CampaignGrid(campaign=campaign, grid_id=g) for g in {t.grid_id for t in targets}],
        ignore_conflicts=True,
    )
    chunk.done_at = timezone.now()
    chunk.save(update_fields=["done_at"])
    campaign = Campaign.objects.unscoped().select_for_update().get(pk=campaign.pk)
    left = PushChunk.objects.filter(campaign=campaign, done_at__isnull=True).exists()
    if not left and campaign.status == Status.PUSHING:
        campaign_apply(actor=None, campaign=campaign, command=Command.FINISH_PUSH)
    return len(targets)


def campaign_push_batch(*, campaign_id: int, batch_size: int) -> bool:
    """The push run in one process (the demo, tests): plan, then the next chunk not done;
    True while more remain."""
    left = campaign_push_plan(campaign_id=campaign_id, chunk_size=batch_size)
    if not left:
        return False
    campaign_push_chunk(chunk_id=left[0])
    return len(left) > 1


def _require_answerer(actor: User) -> None:
    if actor.role not in ANSWER_ROLES or not actor.is_active:
        raise PermissionDenied(_("Only the grid's workers answer a campaign."), code="not_answerer")


def _form_errors(form: Any) -> list[Problem]:
    return [
        Problem("invalid_answer", str(message), field=name)
        for name, messages in form.errors.items()
        for message in messages
    ]


def _photo_store(
    campaign_id: int, target_id: int, photos: dict[str, UploadedFile[Any]]
) -> dict[str, str]:
    stored_paths = {}
    for name, upload in photos.items():
        extension = (upload.name or "photo.jpg").rsplit(".", 1)[-1].lower()[:5]
        stored_paths[name] = default_storage.save(
            f"campaigns/{campaign_id}/{target_id}-{name}.{extension}", upload
        )
    return stored_paths


@transaction.atomic
def answer_submit(
    *,
    actor: User,
    target_id: int,
    data: Mapping[str, Any],
    files: dict[str, list[UploadedFile[Any]]] | None = None,
    point: tuple[float, float] | None = None,
) -> Answer:
    """Answer one target of the actor's grids on the current form: a refused answer writes
    nothing; an answered target answers 409."""
    target = (
        selectors.targets_visible(actor)
        .select_for_update(of=("self",))
        .annotate(open_task_id=_open_task_id())
        .filter(pk=target_id)
        .first()
    )
    if target is None:
        raise NotFound(_("No such campaign target."), code="target_not_found")
    _require_answerer(actor)
    campaign = target.campaign
    if campaign.status != Status.RUNNING:
        raise Conflict(
            _("The campaign is %(status)s; it takes no answers.")
            % {"status": campaign.get_status_display()},
            code="campaign_not_running",
        )
    if target.state != TargetState.OPEN:
        raise Conflict(_("This target is already answered."), code="already_answered")
    version = selectors.form_current(campaign)
    form = answer_form_class(version.definition)(data=data, files=MultiValueDict(files or {}))
    if not form.is_valid():
        raise InvalidInput(_("The answer does not fit the form."), problems=_form_errors(form))
    cleaned = {
        name: value for name, value in form.cleaned_data.items() if value not in (None, "", [])
    }
    photos = _photo_store(campaign.pk, target.pk, photo_fields(cleaned))
    values = {name: photos.get(name) or stored(value) for name, value in cleaned.items()}
    now = timezone.now()
    answer = Answer.objects.create(
        target=target,
        campaign=campaign,
        form_version=version,
        values=values,
        channel=Channel.VISIT,
        answered_by=actor,
        answered_at=now,
        lon=point[0] if point else None,
        lat=point[1] if point else None,
    )
    Target.objects.unscoped().filter(pk=target.pk).update(
        state=TargetState.VISITED, done_at=now, done_by=actor
    )
    if target.open_task_id is not None:
        # Its completion (transition and audit row) is the answer's trail: one audit row.
        field_task_complete(
            actor=actor,
            task=FieldTask(pk=target.open_task_id),
            result=values,
            lon=point[0] if point else None,
            lat=point[1] if point else None,
        )
    else:
        audit_record(
            actor=actor,
            action="campaigns.answer",
            target=answer,
            detail={"campaign": campaign.pk, "target": target.pk, "version": version.number},
        )
    target.state, target.done_at, target.done_by = TargetState.VISITED, now, actor
    return answer


CALL_HEADERS = {
    "phone": ("电话", "手机号", "phone"),
    "answer": ("结果", "回答", "answer"),
    "time": ("时间", "通话时间", "time"),
}
TIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M")


def _call_time(raw: str) -> datetime | None:
    for pattern in TIME_FORMATS:
        try:
            # Made aware in the site's zone (Asia/Shanghai), as the robot writes local time.
            return timezone.make_aware(datetime.strptime(raw.strip(), pattern))  # noqa: DTZ007
        except ValueError:
            continue
    return None


def _call_columns(header: list[str]) -> dict[str, int]:
    names = [h.strip().lower() for h in header]
    columns = {}
    for key, candidates in CALL_HEADERS.items():
        for candidate in candidates:
            if candidate in names:
                columns[key] = names.index(candidate)
                break
    return columns


@transaction.atomic
def calls_import(*, actor: User, campaign_id: int, content: bytes) -> CallImport:
    """The call robot's results (phone, answer, time per line) matched to the campaign's
    person targets: a reached target is done by the call, an unreached one stays for a door
    visit, and every line that cannot be used is kept in the import with why."""
    _require_centre(actor)
    campaign = _locked(actor, campaign_id)
    if campaign.status != Status.RUNNING:
        raise Conflict(
            _("The campaign is %(status)s; it takes no answers.")
            % {"status": campaign.get_status_display()},
            code="campaign_not_running",
        )
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput(
            _("The file is not UTF-8 text."),
            problems=[Problem("bad_encoding", _("Save the file as CSV in UTF-8."), field="file")],
        ) from exc
    reader = csv.reader(io.StringIO(text))
    header = next(reader, [])
    columns = _call_columns(header)
    missing = [key for key in ("phone", "answer", "time") if key not in columns]
    if missing:
        raise InvalidInput(
            _("The file lacks columns."),
            problems=[
                Problem(
                    "missing_column",
                    _("The file needs this column."),
                    field="file",
                    item=CALL_HEADERS[key][0],
                )
                for key in missing
            ],
        )
    lines = list(reader)
    if len(lines) > MAX_CALL_LINES:
        raise InvalidInput(
            _("A file has at most %(max)d lines.") % {"max": MAX_CALL_LINES}, code="too_many_lines"
        )
    version = selectors.form_current(campaign)
    record = CallImport.objects.create(campaign=campaign, imported_by=actor, lines=len(lines))
    unknown: list[dict[str, Any]] = []
    parsed: list[tuple[int, str, str, datetime]] = []
    for number, line in enumerate(lines, start=2):
        cells = {
            key: (line[index].strip() if index < len(line) else "")
            for key, index in columns.items()
        }
        problems = ProblemList()
        digits = phone_check(problems, cells["phone"])
        moment = _call_time(cells["time"])
        shown = mask_phone(digits) if digits else mask_phone(cells["phone"])
        if not digits:
            unknown.append({"line": number, "phone": shown, "why": str(_("not a phone number"))})
        elif moment is None:
            unknown.append(
                {"line": number, "phone": shown, "why": str(_("the time is not YYYY-MM-DD HH:MM"))}
            )
        else:
            parsed.append(
                (number, blind_index(digits, field=PERSON_PHONE), cells["answer"], moment)
            )
    targets = {
        t.phone_index: t
        for t in Target.objects.unscoped()
        .select_for_update()
        .filter(campaign=campaign, phone_index__in={p[1] for p in parsed})
        .exclude(phone_index="")
    }
    reached = unreached = 0
    answers = []
    done_ids = []
    for number, index, said, moment in parsed:
        target = targets.get(index)
        if target is None:
            unknown.append(
                {
                    "line": number,
                    "phone": "",
                    "why": str(_("no target of the campaign has this phone")),
                }
            )
            continue
        if said.strip().lower() in UNREACHED:
            unreached += 1
            continue
        if target.state != TargetState.OPEN:
            unknown.append(
                {
                    "line": number,
                    "phone": target.label,
                    "why": str(_("the target is already answered")),
                }
            )
            continue
        target.state = TargetState.CALLED
        answers.append(
            Answer(
                target=target,
                campaign=campaign,
                form_version=version,
                values={},
                channel=Channel.CALL,
                call_result=said[:255],
                answered_at=moment,
            )
        )
        done_ids.append((target.pk, moment))
        reached += 1
    Answer.objects.bulk_create(answers)
    for target_id, moment in done_ids:
        Target.objects.unscoped().filter(pk=target_id).update(
            state=TargetState.CALLED, done_at=moment
        )
    _tasks_cancel(
        actor,
        [task_key(campaign.pk, t.key) for t in targets.values() if t.state == TargetState.CALLED],
        str(_("Reached by the call robot")),
    )
    record.reached, record.unreached, record.unknown = reached, unreached, unknown
    record.save(update_fields=["reached", "unreached", "unknown"])
    audit_record(
        actor=actor,
        action="campaigns.calls_import",
        target=record,
        detail={
            "campaign": campaign.pk,
            "lines": len(lines),
            "reached": reached,
            "unknown": len(unknown),
        },
    )
    return record


def _day_end(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


@transaction.atomic
def completion_rebuild(*, day: date) -> int:
    """The day's completion rows for every campaign running at some moment of it: targets
    and those done by the day's end, per grid, and per worker who answered."""
    end = _day_end(day)
    start = end - timedelta(days=1)
    campaigns = (
        Campaign.objects.unscoped()
        .filter(running_at__lt=end)
        .filter(Q(closed_at__isnull=True) | Q(closed_at__gte=start))
        .values_list("id", flat=True)
    )
    CompletionDaily.objects.filter(day=day).delete()
    WorkerCompletionDaily.objects.filter(day=day).delete()
    written = 0
    for campaign_id in list(campaigns):
        targets = Target.objects.unscoped().filter(campaign_id=campaign_id)
        done_by_end = Q(done_at__lt=end) & ~Q(state=TargetState.OPEN)
        grid_rows = (
            targets.values("grid_id")
            .annotate(
                total=Count("id"),
                done=Count("id", filter=done_by_end),
                called=Count("id", filter=done_by_end & Q(state=TargetState.CALLED)),
            )
            .order_by()
        )
        CompletionDaily.objects.bulk_create(
            [
                CompletionDaily(
                    day=day,
                    campaign_id=campaign_id,
                    grid_id=r["grid_id"],
                    targets=r["total"],
                    done=r["done"],
                    called=r["called"],
                )
                for r in grid_rows
            ]
        )
        worker_rows = (
            targets.filter(done_by_end, done_by__isnull=False)
            .values("grid_id", "done_by")
            .annotate(done=Count("id"))
            .order_by()
        )
        WorkerCompletionDaily.objects.bulk_create(
            [
                WorkerCompletionDaily(
                    day=day,
                    campaign_id=campaign_id,
                    grid_id=r["grid_id"],
                    worker_id=r["done_by"],
                    done=r["done"],
                )
                for r in worker_rows
            ]
        )
        written += len(grid_rows)
    return written
