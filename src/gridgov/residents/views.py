"""The residents' pages: report a problem, follow it by number, rate it or complain with the
secret received when reporting, and the public map. No login: every entry is rate-limited per
address, forms carry a honeypot and a one-time key, and nothing personal is ever shown back."""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import Any, Concatenate, ParamSpec, cast

from django import forms
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from gridgov.addresses.matcher import MAX_TEXT
from gridgov.core.errors import DomainError, InvalidInput, NotFound, Problem
from gridgov.events.actions.intake import DESCRIPTION_MAX
from gridgov.events.actions.residents import event_resident_report, reopen_days
from gridgov.events.catalogue import extra_number
from gridgov.events.models import Category, Channel, Event
from gridgov.events.selectors import category_tree
from gridgov.events.views import NearbyForm, PhotosField
from gridgov.events.workflow import TRANSITIONS, Command
from gridgov.jurisdiction.selectors import map_bounds
from gridgov.public.requests import limit, secret_link
from gridgov.residents import actions, selectors

P = ParamSpec("P")

DEFAULT_REPORTS_PER_HOUR = 10
DEFAULT_LOOKUPS_PER_HOUR = 30


def public_view(
    view: Callable[Concatenate[HttpRequest, P], HttpResponse],
) -> Callable[Concatenate[HttpRequest, P], HttpResponse]:
    """Domain errors as a browser expects them, without the login a staff page asks for."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, /, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404(str(exc.message)) from exc
        except DomainError as exc:
            return render(request, "core/error.html", {"error": exc}, status=exc.status)

    return wrapper


# Report ---------------------------------------------------------------------------------------


class ReportForm(forms.Form):
    category = forms.ChoiceField(label=gettext_lazy("What is the problem?"))
    description = forms.CharField(
        label=gettext_lazy("Description"),
        max_length=DESCRIPTION_MAX,
        widget=forms.Textarea({"rows": 4}),
    )
    lon = forms.FloatField(required=False, widget=forms.HiddenInput)
    lat = forms.FloatField(required=False, widget=forms.HiddenInput)
    address = forms.CharField(
        label=gettext_lazy("Address"),
        required=False,
        max_length=200,
        widget=forms.TextInput(
            {
                "autocomplete": "off",
                "data-suggest-url": reverse_lazy("residents:address_suggest"),
                "aria-controls": "address-suggestions",
            }
        ),
    )
    photos = PhotosField()
    contact_name = forms.CharField(
        label=gettext_lazy("Your name (optional)"), required=False, max_length=16
    )
    contact_phone = forms.CharField(
        label=gettext_lazy("Your phone (optional)"),
        required=False,
        max_length=20,
        widget=forms.TextInput({"inputmode": "tel", "autocomplete": "tel"}),
    )
    consent = forms.BooleanField(label=gettext_lazy("I have read the privacy notice above."))
    # Hidden from people by the stylesheet; robots fill every field they find.
    website = forms.CharField(required=False, label=gettext_lazy("Leave this field empty"))
    form_key = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.tree = category_tree()
        field = cast(forms.ChoiceField, self.fields["category"])
        field.choices = [("", "—")] + [
            (c.name, [(s.code, s.name) for s in c.subclasses]) for c in self.tree
        ]
        if not self.is_bound:
            self.initial.setdefault("form_key", uuid.uuid4().hex)

    @property
    def extra_groups(self) -> list[tuple[Category, list[dict[str, Any]]]]:
        """Each subclass's own questions; the page shows those of the chosen one."""
        return [
            (sub, [spec for spec in sub.extra_fields if spec["type"] != "photo"])
            for c in self.tree
            for sub in c.subclasses
            if any(spec["type"] != "photo" for spec in sub.extra_fields)
        ]

    def extra_values(self) -> dict[str, Any]:
        code = self.cleaned_data["category"]
        specs = next((specs for sub, specs in self.extra_groups if sub.code == code), [])
        values: dict[str, Any] = {}
        for spec in specs:
            raw = str(self.data.get(f"extra-{code}-{spec['code']}", "")).strip()
            if not raw:
                continue
            values[spec["code"]] = _typed(spec["type"], raw)
        return values

    def show_problems(self, problems: list[Problem]) -> None:
        for problem in problems:
            name = problem.field if problem.field in self.fields else None
            self.add_error(name, str(problem.message))


def _typed(kind: str, raw: str) -> Any:
    """A number as a number; anything else, or text that is no number, as typed (the action
    then names the field that is wrong)."""
    if kind != "number":
        return raw
    try:
        return extra_number(raw)
    except ValueError:
        return raw


def _report_page(request: HttpRequest, form: ReportForm, status: int) -> HttpResponse:
    return render(
        request,
        "residents/report.html",
        {
            "form": form,
            "bounds": map_bounds(selectors.public_root()),
            "reopen_days": reopen_days(),
            "chosen": str(form.data.get("category", "")) if form.is_bound else "",
        },
        status=status,
    )


@public_view
@require_http_methods(["GET", "POST"])
def report(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _report_page(request, ReportForm(), 200)
    limit(request, "report", "RESIDENT_REPORTS_PER_HOUR", DEFAULT_REPORTS_PER_HOUR)
    form = ReportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _report_page(request, form, 422)
    data = form.cleaned_data
    if data["website"]:
        form.add_error(None, _("The report could not be sent."))
        return _report_page(request, form, 400)
    root = selectors.public_root()
    lon, lat = data["lon"], data["lat"]
    if lon is None or lat is None:
        point = selectors.address_point(root, text=data["address"])
        if point is None:
            hint = _("Tap the map where the problem is, or write an address we know.")
            form.add_error(None, f"{hint} {selectors.address_reading(data['address'])}".strip())
            return _report_page(request, form, 422)
        lon, lat = point
    try:
        # The report and its secret, or neither: a report nobody can follow is lost.
        with transaction.atomic():
            event, _created = event_resident_report(
                within=root,
                channel=Channel.SNAP_REPORT,
                source_system="residents",
                idempotency_key=data["form_key"],
                category_code=data["category"],
                description=data["description"],
                lon=lon,
                lat=lat,
                extra=form.extra_values(),
                address=data["address"],
                photos=data["photos"],
                contact_name=data["contact_name"],
                contact_phone=data["contact_phone"],
            )
            secret = actions.resident_secret_issue(event=event)
    except InvalidInput as exc:
        form.show_problems(exc.problems)
        return _report_page(request, form, 422)
    request.session[JUST_FILED] = {"number": event.number, "secret": secret}
    return redirect("residents:reported", event.number)


@public_view
@require_GET
def report_nearby(request: HttpRequest) -> HttpResponse:
    """The staff form's "already reported nearby", asked by the residents' form as soon as a
    category and a point are chosen: public categories only, text masked as every public
    answer is, and no place or name."""
    form = NearbyForm(request.GET)
    nearby = selectors.public_nearby(**form.cleaned_data) if form.is_valid() else []
    return render(request, "events/_nearby.html", {"nearby": nearby, "public": True})


# The secret waits in the reporter's session for the page after the redirect, which shows it
# once: it never travels in the redirect's address.
JUST_FILED = "resident_just_filed"


@public_view
@never_cache
@require_GET
def reported(request: HttpRequest, number: str) -> HttpResponse:
    """The number to keep and, right after filing, the secret link and code; anyone may open
    this address, so the secret comes from the reporter's session, and only once."""
    kept = request.session.pop(JUST_FILED, None) or {}
    secret = str(kept.get("secret", "")) if kept.get("number") == number else ""
    context = {"number": number}
    if secret:
        context |= {
            "link": secret_link(request, number, secret),
            "code": "-".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        }
    return render(request, "residents/reported.html", context)


# Follow, rate, complain -----------------------------------------------------------------------


class LookupForm(forms.Form):
    number = forms.CharField(label=gettext_lazy("Report number"), max_length=16)
    k = forms.CharField(
        label=gettext_lazy("Code you received when reporting (if you have it)"),
        required=False,
        max_length=32,
        widget=forms.TextInput({"autocapitalize": "characters", "autocomplete": "off"}),
    )
    score = forms.TypedChoiceField(
        required=False, coerce=int, choices=[(i, i) for i in range(1, 6)], empty_value=None
    )
    reason = forms.CharField(required=False, max_length=500, widget=forms.Textarea({"rows": 3}))


def _find(number: str, secret: str) -> tuple[Event, bool]:
    """The report and whether it is the caller's own: with a secret, it must be the right one;
    without, only what is public of it."""
    if secret:
        return selectors.resident_event(number, secret), True
    return selectors.public_report(number), False


@public_view
@never_cache
@require_http_methods(["GET", "POST"])
def status(request: HttpRequest, number: str = "") -> HttpResponse:
    """/status/ asks for the number and the code; /status/<number>/?k=<code> is the link the
    reporter received. Only the code lets one rate, reopen or read a report that is not public;
    the number alone shows what the public map shows."""
    data: Mapping[str, Any]
    if request.method == "POST":
        data = request.POST
    elif number:
        data = {"number": number, "k": str(request.GET.get("k", ""))}
    else:
        return render(request, "residents/status.html", {"form": LookupForm()})
    limit(request, "lookup", "RESIDENT_LOOKUPS_PER_HOUR", DEFAULT_LOOKUPS_PER_HOUR)
    form = LookupForm(data)
    context: dict[str, Any] = {"form": form}
    if not form.is_valid():
        return render(request, "residents/status.html", context, status=422)
    number, secret = form.cleaned_data["number"], form.cleaned_data["k"].strip()
    doing = request.POST.get("do", "")
    try:
        if doing == "rate":
            actions.resident_rate(number=number, secret=secret, score=form.cleaned_data["score"])
            context["done"] = _("Thank you for your rating.")
        elif doing == "reopen":
            actions.resident_reopen(
                number=number, secret=secret, reason=form.cleaned_data["reason"]
            )
            context["done"] = _("Your complaint reopened the report.")
        event, own = _find(number, secret)
    except NotFound as exc:
        context["error"] = exc.message
        return render(request, "residents/status.html", context, status=404)
    except DomainError as exc:
        context["error"] = exc.message
        context["problems"] = exc.problems
        event, own = _find(number, secret)
    state, note = selectors.public_state(event)
    context.update(
        event=event,
        own=own,
        secret=secret,
        state=state,
        note=note,
        updated=selectors.updated_at(event),
        timeline=selectors.public_timeline(event),
        may_rate=own and (event.status, Command.EVALUATE) in TRANSITIONS,
        may_reopen=own and (event.status, Command.REOPEN) in TRANSITIONS and _within_reopen(event),
        reopen_days=reopen_days(),
    )
    return render(request, "residents/status.html", context)


def _within_reopen(event: Event) -> bool:
    return bool(
        event.closed_at and timezone.now() <= event.closed_at + timedelta(days=reopen_days())
    )


# Public map -----------------------------------------------------------------------------------


@public_view
@require_GET
def public_map(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "residents/map.html",
        {"bounds": map_bounds(selectors.public_root()), "days": selectors.MAP_DAYS},
    )


@public_view
@require_GET
def public_map_data(request: HttpRequest) -> JsonResponse:
    """Recent reports of public categories as GeoJSON: rounded point, category, state."""
    features = []
    for event in selectors.recent_public():
        lon, lat = selectors.public_point(event)
        state, note = selectors.public_state(event)
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [lon, lat]},
                "properties": {
                    "number": event.number,
                    "category": event.category.name,
                    "state": state,
                    "note": note,
                    "reported": event.created_at.isoformat(),
                    "photos": [
                        reverse("residents:photo", args=[p.pk])
                        for p in getattr(event, "public_photos", [])
                    ],
                },
            }
        )
    response = JsonResponse({"type": "FeatureCollection", "features": features})
    response["Cache-Control"] = "public, max-age=60"
    return response


@public_view
@require_GET
def public_outline(request: HttpRequest) -> HttpResponse:
    """The districts' and subdistricts' outlines the residents' maps draw to orient by, with or
    without tiles; the same for everyone, so browsers and proxies may keep it a while."""
    response = HttpResponse(selectors.public_outline(), content_type="application/json")
    response["Cache-Control"] = "public, max-age=3600"
    return response


@public_view
@require_GET
def photo(request: HttpRequest, attachment_id: int) -> HttpResponse:
    """A photo staff approved, of an event in a public category; nothing else exists here."""
    found = selectors.public_photo(attachment_id)
    if found is None:
        raise Http404
    with found.file.open("rb") as stored:
        response = HttpResponse(stored.read(), content_type=found.content_type)
    response["Cache-Control"] = "public, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# Addresses and grid workers -------------------------------------------------------------------

DEFAULT_ADDRESS_LOOKUPS_PER_HOUR = 300
ADDRESS_MIN_CHARS = 4


@public_view
@require_GET
def address_suggest(request: HttpRequest) -> JsonResponse:
    """The standard addresses a typed address may mean, with their points, for the report
    form's and the grid-worker lookup's address box: asked as one types, so its own limit."""
    text = str(request.GET.get("q", "")).strip()[:MAX_TEXT]
    if len(text) < ADDRESS_MIN_CHARS:
        return JsonResponse({"suggestions": []})
    limit(request, "address", "RESIDENT_ADDRESS_LOOKUPS_PER_HOUR", DEFAULT_ADDRESS_LOOKUPS_PER_HOUR)
    found = selectors.address_suggestions(selectors.public_root(), text)
    return JsonResponse(
        {
            "suggestions": [
                {"code": s.code, "label": s.label, "lon": s.lon, "lat": s.lat} for s in found
            ]
        }
    )


class GridWorkerForm(forms.Form):
    address = forms.CharField(label=gettext_lazy("Your address"), max_length=MAX_TEXT)
    code = forms.CharField(required=False, max_length=32, widget=forms.HiddenInput)


@public_view
@require_GET
def grid_worker(request: HttpRequest) -> HttpResponse:
    """ "My grid worker": the grid of an address and the staff posted for it (上岗公示) — name,
    duty and duty phone, nothing else of them."""
    if "address" not in request.GET:
        return render(request, "residents/grid_worker.html", {"form": GridWorkerForm()})
    limit(request, "lookup", "RESIDENT_LOOKUPS_PER_HOUR", DEFAULT_LOOKUPS_PER_HOUR)
    form = GridWorkerForm(request.GET)
    context: dict[str, Any] = {"form": form}
    if not form.is_valid():
        return render(request, "residents/grid_worker.html", context, status=422)
    data = form.cleaned_data
    found = selectors.grid_workers(selectors.public_root(), code=data["code"], text=data["address"])
    if found is None:
        context["not_found"] = selectors.address_reading(data["address"])
        return render(request, "residents/grid_worker.html", context, status=404)
    context["found"] = found
    return render(request, "residents/grid_worker.html", context)
