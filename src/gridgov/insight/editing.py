"""The index editor: the city's command centre changes an index's components and weights.

The form posts every component row at once; `actions.index_define` checks them together
(weights summing to exactly 100, known measures, ranges) and writes all of them or none, so
a refused form comes back with what was typed and every problem named by its field.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gridgov.accounts.requests import UserRequest
from gridgov.core.errors import InvalidInput, NotFound, PermissionDenied, ProblemList
from gridgov.core.pages import page_view
from gridgov.core.problem_labels import labelled
from gridgov.insight import actions, selectors
from gridgov.insight.indices import ComponentSpec
from gridgov.insight.models import Direction, Index, Normalisation
from gridgov.jurisdiction.models import Level

# Empty rows offered under the components, to add one.
SPARE_ROWS = 2
FIELD_LABELS = {
    "name": gettext_lazy("name"),
    "levels": gettext_lazy("levels computed"),
    "measure": gettext_lazy("measure"),
    "weight": gettext_lazy("weight"),
    "low": gettext_lazy("low end"),
    "high": gettext_lazy("high end"),
    "threshold_sd": gettext_lazy("standard deviations"),
    "threshold_pct": gettext_lazy("month-on-month change (%)"),
    "threshold_floor": gettext_lazy("smallest move (points)"),
}
RULE_FIELDS = ("threshold_sd", "threshold_pct", "threshold_floor")


@dataclass
class Row:
    measure: str = ""
    direction: str = Direction.HIGHER_BETTER
    weight: str = ""
    normalisation: str = Normalisation.RANGE
    low: str = ""
    high: str = ""


def _require_editor(request: UserRequest) -> None:
    if not actions.may_define_indices(request.user):
        raise PermissionDenied(_("Only the city's command centre defines the indices."))


def _text(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def _rows_of(index: Index) -> list[Row]:
    return [
        Row(c.measure, c.direction, f"{c.weight:g}", c.normalisation, _text(c.low), _text(c.high))
        for c in index.components.all()
    ]


def _rows_posted(post: Any) -> list[Row]:
    rows = []
    for n in range(int(post.get("rows", "0") or 0)):
        row = Row(*(post.get(f"c-{n}-{f}", "").strip() for f in Row.__dataclass_fields__))
        if row.measure:
            rows.append(row)
    return rows


def _number(raw: str, field: str, item: str, problems: ProblemList) -> float | None:
    if not raw:
        return None
    try:
        return float(raw)
    except ValueError:
        problems.add("not_a_number", _("Not a number."), field=field, item=item)
        return None


def _define(request: UserRequest, index: Index, rows: list[Row]) -> None:
    """Parse the form, then let the action check and write it whole."""
    post, problems = request.POST, ProblemList()
    specs = [
        ComponentSpec(
            r.measure,
            r.direction,
            _number(r.weight, "weight", r.measure, problems) or 0.0,
            r.normalisation,
            _number(r.low, "low", r.measure, problems),
            _number(r.high, "high", r.measure, problems),
        )
        for r in rows
    ]
    rule = {f: _number(post.get(f, ""), f, "", problems) for f in RULE_FIELDS}
    levels = [int(v) for v in post.getlist("levels") if v.isdigit()]
    if not levels:
        problems.add("no_levels", _("Choose at least one level."), field="levels")
    if not post.get("name", "").strip():
        problems.add("required", _("A name is required."), field="name")
    problems.raise_if_any(_("The index is not valid."))
    actions.index_define(
        actor=request.user,
        code=index.code,
        name=post["name"].strip(),
        levels=levels,
        components=specs,
        description=post.get("description", "").strip(),
        **{f: v for f, v in rule.items() if v is not None},
    )


@page_view
def index_list(request: UserRequest) -> HttpResponse:
    _require_editor(request)
    indices = Index.objects.prefetch_related("components").order_by("code")
    return render(request, "insight/indices.html", {"indices": indices})


@page_view
def index_edit(request: UserRequest, code: str) -> HttpResponse:
    _require_editor(request)
    index = Index.objects.filter(code=code).first()
    if index is None:
        raise NotFound(_("No such index."), code="index_not_found")
    error: InvalidInput | None = None
    rows = _rows_of(index)
    if request.method == "POST":
        rows = _rows_posted(request.POST)
        try:
            _define(request, index, rows)
        except InvalidInput as refused:
            error = refused
            error.problems = labelled(refused.problems, FIELD_LABELS)
        else:
            messages.success(request, _("The index is saved."))
            return redirect("insight:index_edit", index.code)
    rows += [Row() for _n in range(SPARE_ROWS)]
    post = request.POST if error else None
    return render(
        request,
        "insight/index_edit.html",
        {
            "index": index,
            "rows": rows,
            "error": error,
            "name": post.get("name", "") if post else index.name,
            "description": post.get("description", "") if post else index.description,
            "levels_chosen": {int(v) for v in post.getlist("levels") if v.isdigit()}
            if post
            else set(index.levels),
            "rule_fields": [
                (f, FIELD_LABELS[f], post.get(f, "") if post else _text(getattr(index, f)))
                for f in RULE_FIELDS
            ],
            "levels": Level.choices,
            "measures": selectors.measure_infos(),
            "directions": Direction.choices,
            "normalisations": Normalisation.choices,
            "total": sum(_weight(r.weight) for r in rows),
        },
    )


def _weight(raw: str) -> float:
    try:
        return float(raw)
    except ValueError:
        return 0.0
