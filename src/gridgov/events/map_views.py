"""The events a staff map draws, as JSON for its script: markers of the open events (or of one
state) under a node, and the points of a heat layer over a chosen period. Read through the
caller's scope like every other event list; the map shows names and flags, never people."""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from typing import Any

from django import forms
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gridgov.accounts.requests import UserRequest
from gridgov.core.pages import page_view
from gridgov.events import selectors
from gridgov.events.selectors import HEAT_DEFAULT_DAYS, HEAT_MAX_DAYS
from gridgov.events.workflow import Status
from gridgov.jurisdiction.selectors import node_get


class MapFilterForm(forms.Form):
    node = forms.CharField(max_length=32)
    status = forms.ChoiceField(required=False, choices=[("", "—"), *Status.choices])
    category = forms.RegexField(
        required=False,
        regex=r"^\d{2}(\d{2})?$",
        error_messages={"invalid": gettext_lazy("A category code has two or four digits.")},
    )


class HeatForm(MapFilterForm):
    since = forms.DateField(required=False)
    until = forms.DateField(required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        until: date = data.get("until") or timezone.localdate()
        since: date = data.get("since") or until - timedelta(days=HEAT_DEFAULT_DAYS - 1)
        if since > until:
            self.add_error("since", _("The period starts after it ends."))
        elif (until - since).days >= HEAT_MAX_DAYS:
            self.add_error("since", _("A period is at most a year long."))
        data["since"], data["until"] = since, until
        return data


def _json(body: Any, status: int = 200) -> HttpResponse:
    """Compact JSON: a district's five thousand markers are a megabyte spelled out."""
    text = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
    return HttpResponse(text, status=status, content_type="application/json")


def _refused(form: forms.Form) -> HttpResponse:
    return _json({"errors": {name: list(errs) for name, errs in form.errors.items()}}, 400)


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


# The browser keeps its own answer this long: a filter changed and changed back, or the page
# opened again, draws without asking (each user's own answer: private).
MAP_CACHE_SECONDS = 30


@page_view
def events_map(request: UserRequest) -> HttpResponse:
    """Markers as columns, each name once: a district's five thousand as GeoJSON features
    were 1.1 MB to download and parse. `events` rows are [lon, lat, number, state, category
    index, overdue 0/1]; `states` names each state, `categories` each category index."""
    form = MapFilterForm(request.GET)
    if not form.is_valid():
        return _refused(form)
    data = form.cleaned_data
    node = node_get(request.user, data["node"])
    rows = selectors.events_on_map(
        request.user, node, status=data["status"], category=data["category"]
    )
    categories: dict[str, int] = {}
    events = [
        [
            round(row["lon"], 6),
            round(row["lat"], 6),
            row["number"],
            row["status"],
            categories.setdefault(row["category__name"], len(categories)),
            1 if row["overdue"] else 0,
        ]
        for row in rows
    ]
    response = _json(
        {
            "states": {value: str(label) for value, label in Status.choices},
            "categories": list(categories),
            "events": events,
        }
    )
    response["Cache-Control"] = f"private, max-age={MAP_CACHE_SECONDS}"
    return response


@page_view
def heat(request: UserRequest) -> HttpResponse:
    """[lat, lon] of every event reported under the node in the period, for the heat layer."""
    form = HeatForm(request.GET)
    if not form.is_valid():
        return _refused(form)
    data = form.cleaned_data
    node = node_get(request.user, data["node"])
    points = selectors.heat_points(
        request.user,
        node,
        since=_start_of(data["since"]),
        until=_start_of(data["until"] + timedelta(days=1)),
        category=data["category"],
    )
    return _json({"since": data["since"].isoformat(), "until": data["until"].isoformat(),
                  "points": points})  # fmt: skip
