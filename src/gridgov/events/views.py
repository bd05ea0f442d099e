"""The event loop's pages: report, work queues, and an event's card, timeline and commands.

Forms live here because the events package keeps its writes in actions; a
form only turns what the browser sent into the action's arguments and the
action's problems back into errors beside the fields they concern.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gridgov.accounts.models import User
from gridgov.accounts.requests import UserRequest
from gridgov.accounts.roles import Capability, Role, roles_with
from gridgov.addresses.forms import address_input
from gridgov.core.errors import Conflict, InvalidInput, PermissionDenied, Problem, ProblemList
from gridgov.core.pages import page_view
from gridgov.events import queues, selectors
from gridgov.events.actions import attachments, casework, extensions, intake, loop
from gridgov.events.actions.dispatch import dispatch_choices
from gridgov.events.catalogue import extra_number
from gridgov.events.models import Event, EventAttachment
from gridgov.events.paging import CappedPaginator
from gridgov.events.photos import Upload, kept_entries, photos_kept
from gridgov.events.workflow import (
    AUTO_ESCALATE,
    COMMAND_ROLES,
    OPEN_STATUSES,
    REPORTER_ROLES,
    Command,
    Outcome,
    Stage,
    Status,
    allowed_commands,
)
from gridgov.jurisdiction.selectors import map_bounds, node_get, scope_root
from gridgov.worktime.calendar import deadline

PAGE_SIZE = 50


# Report ---------------------------------------------------------------------------------------


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Any number of photos; the action checks each file's bytes, not its name."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", gettext_lazy("Photos"))
        super().__init__(widget=MultipleFileInput(attrs={"accept": "image/*"}), **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Upload]:
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(PhotosField, self).clean(f, initial) for f in files]


class ReportForm(forms.Form):
    """A report with its category's extra fields; the schema comes from the chosen subclass."""

    category_class = forms.ChoiceField(label=gettext_lazy("Class"))
    category = forms.ChoiceField(label=gettext_lazy("Category"))
    description = forms.CharField(
        label=gettext_lazy("Description"),
        max_length=intake.DESCRIPTION_MAX,
        widget=forms.Textarea({"rows": 4}),
    )
    lon = forms.FloatField(
        label=gettext_lazy("Longitude"), required=False, widget=forms.NumberInput({"step": "any"})
    )
    lat = forms.FloatField(
        label=gettext_lazy("Latitude"), required=False, widget=forms.NumberInput({"step": "any"})
    )
    address = forms.CharField(
        label=gettext_lazy("Address"), required=False, max_length=200, widget=address_input()
    )
    photos = PhotosField()
    kept_photos = forms.CharField(required=False, widget=forms.HiddenInput)
    # Set by the page's script (events/offline.js): one key per report written, however often
    # the device sends it.
    idempotency_key = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)

    def __init__(self, *args: Any, owner: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.owner = owner
        tree = selectors.category_tree()
        _choice_field(self, "category_class").choices = [("", "—")] + [
            (c.code, f"{c.code} {c.name}") for c in tree
        ]
        chosen_class = self._value("category_class")
        chosen = self._value("category")
        if not chosen_class and chosen:
            chosen_class = chosen[:2]
        subclasses = next((c.subclasses for c in tree if c.code == chosen_class), [])
        _choice_field(self, "category").choices = [("", "—")] + [
            (s.code, f"{s.code} {s.name}") for s in subclasses
        ]
        self.chosen_class = chosen_class
        self.chosen_category = next((s for s in subclasses if s.code == chosen), None)
        self.extra_specs = self.chosen_category.extra_fields if self.chosen_category else []
        for spec in self.extra_specs:
            if spec["type"] == "photo":
                # The category's photo (a manhole's) is asked for by the one photo field,
                # under the category's label, instead of a second file field beside it.
                self.fields["photos"].label = spec["label"]
                self.fields["photos"].required = bool(spec.get("required"))
            else:
                self.fields[f"extra_{spec['code']}"] = _extra_field(spec)
        self.kept_count = len(kept_entries(self._value("kept_photos"), owner=owner))
        if self.kept_count:
            # Photos kept from the last try count: the file input may come back empty.
            self.fields["photos"].required = False

    def _value(self, name: str) -> str:
        source = self.data if self.is_bound else self.initial
        return str(source.get(name) or "")

    @property
    def extra_bound(self) -> list[forms.BoundField]:
        return [self[f"extra_{s['code']}"] for s in self.extra_specs if s["type"] != "photo"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("lon") is None or data.get("lat") is None:
            self.add_error(None, _("Set the place on the map."))
        return data

    def extra_values(self) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for spec in self.extra_specs:
            value = self.cleaned_data.get(f"extra_{spec['code']}")
            if value in (None, ""):
                continue
            if spec["type"] == "number":
                value = extra_number(value)
            elif spec["type"] == "date":
                value = value.isoformat()
            values[spec["code"]] = value
        photos = self.photo_uploads()
        for spec in self.extra_specs:
            if spec["type"] == "photo" and photos:
                # The category's photo field is named by the first photo sent.
                values[spec["code"]] = photos[0].name or spec["code"]
        return values

    def photo_uploads(self) -> list[Upload]:
        """The photos kept from a try that came back with an error, then those sent now."""
        kept = photos_kept(self._value("kept_photos"), owner=self.owner)
        return [*kept, *(self.cleaned_data.get("photos") or [])]

    def keep_photos(self) -> None:
        """The form comes back with an error: keep the photos sent, for the next try."""
        sent = getattr(self, "cleaned_data", {}).get("photos") or []
        signed = attachments.photos_keep(sent, owner=self.owner, already=self._value("kept_photos"))
        data = cast(QueryDict, self.data).copy()
        data["kept_photos"] = signed
        self.data = data
        self.kept_count = len(kept_entries(signed, owner=self.owner))

    def intake(self) -> dict[str, Any]:
        """The arguments every intake action shares."""
        data = self.cleaned_data
        return {
            "category_code": data["category"],
            "description": data["description"],
            "lon": data["lon"],
            "lat": data["lat"],
            "extra": self.extra_values(),
            "address": data["address"],
            "photos": self.photo_uploads(),
        }

    def show_problems(self, problems: list[Problem]) -> None:
        """Each problem of the action beside its field; the rest above the form."""
        for problem in problems:
            name = problem.field.replace("extra.", "extra_", 1)
            if name == "location" or name not in self.fields:
                self.add_error(None, str(problem.message))
            else:
                self.add_error(name, str(problem.message))


def _choice_field(form: forms.Form, name: str) -> forms.ChoiceField:
    return cast(forms.ChoiceField, form.fields[name])


def _extra_field(spec: dict[str, Any]) -> forms.Field:
    common: dict[str, Any] = {"label": spec["label"], "required": bool(spec.get("required"))}
    kind = spec["type"]
    if kind == "number":
        return forms.FloatField(**common)
    if kind == "choice":
        return forms.ChoiceField(choices=[("", "—")] + [(c, c) for c in spec["choices"]], **common)
    if kind == "date":
        return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **common)
    return forms.CharField(max_length=200, **common)


def _reporter_only(user: User) -> None:
    if user.role not in REPORTER_ROLES:
        raise PermissionDenied(_("Your role may not report events."))


@page_view
def report(request: UserRequest) -> HttpResponse:
    _reporter_only(request.user)
    if request.method != "POST":
        return _report_page(request, ReportForm(), 200)
    form = ReportForm(request.POST, request.FILES, owner=str(request.user.pk))
    if form.is_valid():
        try:
            event = intake.event_report_once(
                actor=request.user,
                idempotency_key=form.cleaned_data["idempotency_key"],
                **form.intake(),
            )
        except InvalidInput as exc:
            form.show_problems(exc.problems)
        else:
            attachments.photos_discard(form.cleaned_data["kept_photos"], owner=form.owner)
            messages.success(request, _("Event %(number)s reported.") % {"number": event.number})
            return redirect("events:detail", event.number)
    form.keep_photos()
    return _report_page(request, form, 422)


def _report_page(request: UserRequest, form: ReportForm, status: int) -> HttpResponse:
    """The form over a map of the user's jurisdiction, whose boundaries the API serves, opened
    on the grids in it (a point outside every grid is refused)."""
    root = scope_root(request.user)
    return render(
        request,
        "events/report.html",
        {
            "form": form,
            "hotline": isinstance(form, HotlineForm),
            "geojson_url": reverse("api:node_geojson", args=[root.code]),
            "bounds": map_bounds(root),
        },
        status=status,
    )


class HotlineForm(ReportForm):
    """A 12345 call as the dispatcher takes it down; the caller's details are masked on save."""

    ticket = forms.CharField(label=gettext_lazy("Hotline ticket"), max_length=32)
    caller_name = forms.CharField(label=gettext_lazy("Caller"), required=False, max_length=16)
    caller_phone = forms.CharField(label=gettext_lazy("Caller's phone"), required=False)

    field_order = ["ticket", "caller_name", "caller_phone"]


def _hotline_only(user: User) -> None:
    if user.role not in COMMAND_ROLES[Command.REGISTER]:
        raise PermissionDenied(_("Only dispatchers enter hotline calls."))


@page_view
def hotline(request: UserRequest) -> HttpResponse:
    _hotline_only(request.user)
    if request.method != "POST":
        return _report_page(request, HotlineForm(), 200)
    form = HotlineForm(request.POST, request.FILES, owner=str(request.user.pk))
    if form.is_valid():
        data = form.cleaned_data
        try:
            event = intake.event_hotline_report(
                actor=request.user,
                ticket=data["ticket"],
                caller_name=data["caller_name"],
                caller_phone=data["caller_phone"],
                **form.intake(),
            )
        except InvalidInput as exc:
            form.show_problems(exc.problems)
        else:
            attachments.photos_discard(form.cleaned_data["kept_photos"], owner=form.owner)
            messages.success(
                request, _("Hotline call %(number)s entered.") % {"number": event.number}
            )
            return redirect("events:detail", event.number)
    form.keep_photos()
    return _report_page(request, form, 422)


@page_view
def report_fields(request: UserRequest) -> HttpResponse:
    """The subclass select and the chosen subclass's extra fields, swapped in as the user
    picks; without script the form still posts and comes back with the right fields."""
    _reporter_only(request.user)
    return render(request, "events/_report_fields.html", {"form": ReportForm(initial=request.GET)})


class NearbyForm(forms.Form):
    category = forms.CharField(max_length=16)
    lon = forms.FloatField()
    lat = forms.FloatField()


@page_view
def report_nearby(request: UserRequest) -> HttpResponse:
    """Open reports of the chosen category near the chosen point, asked by the form as soon
    as both are set, so the same manhole is not reported twice; the dispatcher's duplicate
    check, run before the report rather than after."""
    _reporter_only(request.user)
    form = NearbyForm(request.GET)
    nearby = (
        selectors.nearby_open(
            request.user,
            category_code=form.cleaned_data["category"],
            lon=form.cleaned_data["lon"],
            lat=form.cleaned_data["lat"],
            at=timezone.now(),
        )
        if form.is_valid()
        else []
    )
    return render(request, "events/_nearby.html", {"nearby": nearby})


# Queues ---------------------------------------------------------------------------------------


class QueueFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=gettext_lazy("Status"), required=False, choices=[("", "—"), *Status.choices]
    )
    category = forms.ChoiceField(label=gettext_lazy("Category"), required=False)
    since = forms.DateField(
        label=gettext_lazy("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=gettext_lazy("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    q = forms.CharField(label=gettext_lazy("Search"), required=False, max_length=100)
    # Set by the links of a home's breakdowns (overdue by subdistrict, by department).
    node = forms.CharField(required=False, max_length=32, widget=forms.HiddenInput)
    department = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choice_field(self, "category").choices = [("", "—")] + [
            (c.name, [(c.code, c.name)] + [(s.code, s.name) for s in c.subclasses])
            for c in selectors.category_tree()
        ]

    def filters(self) -> queues.QueueFilter:
        if not self.is_valid():
            return queues.QueueFilter()
        data = self.cleaned_data
        return queues.QueueFilter(
            status=data["status"],
            category=data["category"],
            since=data["since"],
            until=data["until"],
            text=data["q"],
            node=data["node"],
            department=data["department"],
        )


def _whistle_link(user: User) -> tuple[str | Promise, str] | None:
    """Where whistle-and-report goes on: the centre's whistles, a department's summonses."""
    if user.role == Role.DEPARTMENT_HANDLER:
        return gettext_lazy("Summonses"), reverse("whistle:queue")
    if user.role in COMMAND_ROLES[Command.REGISTER]:
        return gettext_lazy("Whistles"), reverse("whistle:list")
    return None


STATS_ROLES = roles_with(Capability.READ_EVENT_FIGURES)
STATS_DAYS = 30


@page_view
def stats(request: UserRequest) -> HttpResponse:
    """Where cases closed and how fast reports were answered ("问题响应五分钟") over the last
    30 days, for the user's jurisdiction or a node inside it."""
    user = request.user
    if user.role not in STATS_ROLES:
        raise PermissionDenied(_("Your role has no event figures."))
    code = request.GET.get("node", "")
    node = node_get(user, code) if code else scope_root(user)
    since = timezone.now() - timedelta(days=STATS_DAYS)
    context = {
        "node": node,
        "days": STATS_DAYS,
        "since": since,
        "levels": selectors.closure_by_level(user, node, since),
        "response": selectors.response_time_stats(user, node, since),
        "five_minutes": int(selectors.FIVE_MINUTES),
    }
    return render(request, "events/stats.html", context)


@page_view
def queue(request: UserRequest) -> HttpResponse:
    user = request.user
    key = request.GET.get("tab") or queues.queues_for(user)[0].key
    form = QueueFilterForm(request.GET)
    events = queues.queue_events(user, key, form.filters())
    page = CappedPaginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "tabs": _tabs(user),
        "tab": key,
        "form": form,
        "page": page,
        "whistle": _whistle_link(request.user),
        "query": _query_without(request, "page"),
        "can_report": user.role in REPORTER_ROLES,
        "can_enter_hotline": user.role in COMMAND_ROLES[Command.REGISTER],
        "can_see_stats": user.role in STATS_ROLES,
        "saved_filters": selectors.saved_filters(user),
        "filter_query": casework.filter_query(request.GET.urlencode()),
        "bulk": _bulk_command(user, key),
    }
    return render(request, "events/queue.html", context)


def _bulk_command(user: User, key: str) -> Command | None:
    """The command the tab's events wait for, when the user may give it to many at once."""
    waits_for = queues.QUEUES[key].waits_for if key in queues.QUEUES else None
    if waits_for in casework.BULK_COMMANDS and user.role in COMMAND_ROLES[waits_for]:
        return waits_for
    return None


def _query_without(request: UserRequest, name: str) -> str:
    query = request.GET.copy()
    query.pop(name, None)
    return query.urlencode()


@page_view
def queue_counts(request: UserRequest) -> HttpResponse:
    """The tab bar alone; the queue page polls it so the counts stay current."""
    return render(
        request,
        "events/_tabs.html",
        {
            "tabs": _tabs(request.user),
            "tab": request.GET.get("tab", ""),
            "whistle": _whistle_link(request.user),
        },
    )


@dataclass(frozen=True)
class Tab:
    key: str
    label: str | Promise
    count: int

    @property
    def shown(self) -> str:
        """999+ past the cap the tabs count to."""
        cap = queues.TAB_COUNT_CAP
        return f"{cap}+" if self.count > cap else str(self.count)


def _tabs(user: User) -> list[Tab]:
    counts = queues.queue_counts(user)
    return [Tab(q.key, q.label, counts[q.key]) for q in queues.queues_for(user)]


# Detail and commands --------------------------------------------------------------------------


@dataclass(frozen=True)
class Clock:
    """One attempt at a stage, as the time-limit table shows it."""

    stage: str | Promise
    started_at: datetime
    due_at: datetime
    ended_at: datetime | None
    outcome: str
    outcome_label: str | Promise
    paused_at: datetime | None
    paused_minutes: int
    overdue: bool


def _clocks(event: Event, now: datetime) -> list[Clock]:
    clocks = []
    for row in selectors.event_deadlines(event):
        ticking = row.ended_at is None and row.paused_at is None
        clocks.append(
            Clock(
                stage=Stage(row.stage).label,
                started_at=row.started_at,
                due_at=row.due_at,
                ended_at=row.ended_at,
                outcome=row.outcome,
                outcome_label=Outcome(row.outcome).label if row.outcome else "",
                paused_at=row.paused_at,
                paused_minutes=row.paused_minutes,
                overdue=row.outcome == Outcome.OVERDUE or (ticking and now > row.due_at),
            )
        )
    return clocks


class CommandForm(forms.Form):
    """What any command may carry; the action decides which parts it needs."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(label=gettext_lazy("Note"), required=False, widget=forms.Textarea)
    reason = forms.CharField(label=gettext_lazy("Reason"), required=False, widget=forms.Textarea)
    target = forms.RegexField(regex=r"^(department|node):[\w-]+$", required=False)
    score = forms.TypedChoiceField(
        label=gettext_lazy("Rating"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "—")] + [(n, str(n)) for n in range(5, 0, -1)],
    )
    amount = forms.IntegerField(label=gettext_lazy("Extra time"), required=False, min_value=1)
    unit = forms.ChoiceField(
        label=gettext_lazy("Unit"), required=False, choices=[("day", ""), ("hour", "")]
    )
    master = forms.CharField(required=False, max_length=16)
    photos = PhotosField()

    def payload(self) -> dict[str, Any]:
        data = self.cleaned_data
        payload: dict[str, Any] = {}
        if data.get("target"):
            kind, code = data["target"].split(":", 1)
            payload[kind] = code
        if data.get("score") is not None:
            payload["score"] = data["score"]
        if data.get("amount") is not None:
            payload.update(amount=data["amount"], unit=data.get("unit") or "day")
        if data.get("master"):
            payload["master"] = data["master"]
        return payload


# What each command's form asks for besides the hidden version.
COMMAND_INPUTS: dict[Command, tuple[str, ...]] = {
    Command.REGISTER: ("note",),
    Command.REJECT: ("reason",),
    Command.SELF_HANDLE: ("note", "photos"),
    Command.DISPATCH: ("target", "note"),
    Command.ACCEPT: ("note",),
    Command.RETURN: ("reason",),
    Command.HANDLE: ("note", "photos"),
    Command.VERIFY: ("note", "photos"),
    Command.REWORK: ("reason", "photos"),
    Command.CLOSE: ("note",),
    Command.EVALUATE: ("score", "note"),
    Command.REQUEST_EXTENSION: ("extension", "reason"),
    Command.APPROVE_EXTENSION: ("note",),
    Command.REJECT_EXTENSION: ("reason",),
    Command.SUSPEND: ("reason",),
    Command.RESUME: ("note",),
    Command.CANCEL: ("reason",),
    Command.REOPEN: ("reason",),
    Command.MERGE: ("master", "note"),
    Command.ESCALATE: ("reason",),
    Command.SUPERVISE: ("reason",),
}


@dataclass
class CommandView:
    command: Command
    inputs: tuple[str, ...]
    errors: list[str]

    @property
    def label(self) -> str | Promise:
        return self.command.label

    @property
    def note_required(self) -> bool:
        return self.command in loop.NOTE_REQUIRED


@dataclass(frozen=True)
class Step:
    """One timeline row as the page shows it."""

    command: str
    label: str | Promise
    to_status: str
    to_label: str | Promise
    at: datetime
    actor: User | None
    note: str
    reason: str
    detail: str
    photos: list[EventAttachment]


def _steps(user: User, event: Event) -> list[Step]:
    photos: dict[int | None, list[EventAttachment]] = {}
    for attachment in selectors.event_attachments(event):
        photos.setdefault(attachment.transition_id, []).append(attachment)
    rows = list(selectors.event_timeline(user, event))
    names = selectors.payload_names(
        [row.payload or {} for row in rows], _NODE_KEYS, _DEPARTMENT_KEY
    )
    steps = []
    for row in rows:
        payload = row.payload or {}
        detail = ", ".join(
            f"{_PAYLOAD_LABELS[k]}: {_payload_value(k, payload, names)}"
            for k in _PAYLOAD_LABELS
            if k in payload
        )
        steps.append(
            Step(
                command=row.command,
                label=(
                    Command(row.command).label
                    if row.command in Command.values
                    else _COMMAND_LABELS.get(row.command, row.command)
                ),
                to_status=row.to_status,
                to_label=Status(row.to_status).label if row.to_status in Status.values else "",
                at=row.at,
                actor=row.actor,
                note=row.note,
                reason=row.reason,
                detail=detail,
                photos=photos.get(row.pk, []),
            )
        )
    return steps


# Timeline steps that are not commands of the loop.
_COMMAND_LABELS: dict[str, str | Promise] = {
    "report": gettext_lazy("report"),
    AUTO_ESCALATE: gettext_lazy("escalated when its time ran out"),
}
_PAYLOAD_LABELS: dict[str, str | Promise] = {
    "department": gettext_lazy("department"),
    "master": gettext_lazy("merged into"),
    "to": gettext_lazy("escalated to"),
    "node": gettext_lazy("level"),
    "score": gettext_lazy("rating"),
    "minutes": gettext_lazy("extension asked for"),
    "amount": gettext_lazy("extension asked for"),
}
# Payload keys that hold a node's code, and the one that holds a department's.
_NODE_KEYS = ("to", "node")
_DEPARTMENT_KEY = "department"


def _payload_value(key: str, payload: dict[str, Any], names: dict[tuple[str, str], str]) -> str:
    value = payload[key]
    if key in _NODE_KEYS:
        return names.get(("node", str(value)), str(value))
    if key == _DEPARTMENT_KEY:
        return names.get(("department", str(value)), str(value))
    if key == "minutes" and isinstance(value, int):
        return _working_time(value)
    if key == "amount" and isinstance(value, int):
        if payload.get("unit") == "hour":
            return _("%(n)d working hours") % {"n": value}
        return _("%(n)d working days") % {"n": value}
    return str(value)


def _working_time(minutes: int) -> str:
    """An extension in working time, in hours when whole: 2880 minutes read as 48 hours."""
    if minutes % 60:
        return _("%(n)d working minutes") % {"n": minutes}
    return _("%(n)d working hours") % {"n": minutes // 60}


def _extra(event: Event) -> list[tuple[str, Any]]:
    """The category's extra fields with the event's values, in the catalogue's order."""
    return [
        (spec["label"], event.extra[spec["code"]])
        for spec in event.category.extra_fields
        if spec["code"] in event.extra
    ]


def detail_context(
    user: User, event: Event, failed: Command | None = None, errors: list[str] | None = None
) -> dict[str, Any]:
    commands = allowed_commands(user, event)
    return {
        "event": event,
        "timeline": _steps(user, event),
        "extra": _extra(event),
        "clocks": _clocks(event, timezone.now()),
        "commands": [
            CommandView(c, COMMAND_INPUTS[c], (errors or []) if c == failed else [])
            for c in commands
        ],
        "duplicates": (
            selectors.duplicate_candidates(user, event) if Command.MERGE in commands else []
        ),
        **(dispatch_choices(user, event) if Command.DISPATCH in commands else {}),
        "can_blow": user.role == Role.SUBDISTRICT_DISPATCHER and event.status in OPEN_STATUSES,
        "comments": selectors.event_comments(event),
        "can_comment": user.role in casework.COMMENT_ROLES,
        "mentionable": casework.mention_departments(event).order_by("name"),
        "reply_templates": selectors.reply_templates(event.category) if commands else [],
    }


@page_view
def detail(request: UserRequest, number: str) -> HttpResponse:
    event = selectors.event_get(request.user, number)
    return render(request, "events/detail.html", detail_context(request.user, event))


@page_view
def command(request: UserRequest, number: str, name: str) -> HttpResponse:
    user = request.user
    event = selectors.event_get(user, number)
    if request.method != "POST":
        return redirect("events:detail", number)
    form = CommandForm(request.POST, request.FILES)
    cmd = Command(name) if name in Command.values else None
    if cmd is None or not form.is_valid():
        errors = [str(e) for field in form.errors.values() for e in field] or [
            _("Unknown command %(command)s.") % {"command": name}
        ]
        return _refused(request, event, cmd, errors, 422)
    try:
        moved = loop.event_apply(
            actor=user,
            event_id=event.pk,
            command=cmd,
            expected_version=form.cleaned_data["version"],
            note=form.cleaned_data["note"],
            reason=form.cleaned_data["reason"],
            payload=form.payload(),
            photos=form.cleaned_data["photos"],
        )
    except Conflict as exc:
        # Whatever the action found, a version other than the one the form showed means
        # the page was out of date: say so, rather than why the old button no longer fits.
        now = selectors.event_get(user, number)
        if now.version != form.cleaned_data["version"]:
            message = _("Someone else changed this event in the meantime; reload it and try again.")
            response = _refused(request, now, cmd, [message], 409, stale=True)
        else:
            response = _refused(request, now, cmd, [str(exc.message)], 409)
        return response
    except InvalidInput as exc:
        return _refused(request, event, cmd, [str(p.message) for p in exc.problems], 422)
    messages.success(
        request,
        _("%(command)s: event %(number)s is now %(status)s.")
        % {"command": cmd.label, "number": moved.number, "status": moved.get_status_display()},
    )
    if selectors.events_visible(user).filter(pk=moved.pk).exists():
        return redirect("events:detail", moved.number)
    return redirect("events:queue")


def _refused(
    request: UserRequest,
    event: Event,
    cmd: Command | None,
    errors: list[str],
    status: int,
    *,
    stale: bool = False,
) -> HttpResponse:
    """The detail page again, the errors in the command's form, or above the page when the
    form is gone (the command no longer fits, or the page was out of date)."""
    context = detail_context(request.user, event, None if stale else cmd, errors)
    if stale or cmd is None or cmd not in [c.command for c in context["commands"]]:
        context["page_errors"] = errors
        context["stale"] = stale
    return render(request, "events/detail.html", context, status=status)


@page_view
def extension_preview(request: UserRequest, number: str) -> HttpResponse:
    """The due time an extension request would give, on the working calendar, before it is
    sent; nothing is written."""
    event = selectors.event_get(request.user, number)
    problems = ProblemList()
    amount = request.GET.get("amount", "")
    payload = {
        "amount": int(amount) if amount.isdigit() else amount,
        "unit": request.GET.get("unit"),
    }
    asked = extensions.extension_checked(payload, problems)
    running = next((d for d in selectors.event_deadlines(event) if d.ended_at is None), None)
    if asked is None or running is None or running.stage != Stage.HANDLE:
        errors = [str(p.message) for p in problems.problems] or [
            _("The event has no handling time limit running.")
        ]
        return render(request, "events/_extension_preview.html", {"errors": errors})
    minutes = extensions.extension_minutes(event.category, *asked)
    due = deadline(running.due_at, minutes, natural=event.category.natural_time)
    return render(
        request, "events/_extension_preview.html", {"before": running.due_at, "after": due}
    )


@page_view
def attachment(request: UserRequest, number: str, attachment_id: int) -> HttpResponse:
    """A photo's bytes, for those who may open its event; its type was sniffed on upload and
    photos are small enough to send whole."""
    photo = selectors.attachment_get(request.user, number, attachment_id)
    with photo.file.open("rb") as stored:
        response = HttpResponse(stored.read(), content_type=photo.content_type)
    response["Cache-Control"] = "private, max-age=3600"
    return response
