"""The editing pages of linked command: a month of a centre's duty, and a centre's emergency
plan. Both hand the form to the action the API uses (roster_save, plan_save) and show its
refusals beside the fields they name, in the page's language."""

from __future__ import annotations

from calendar import monthrange
from collections.abc import Callable
from datetime import date, timedelta

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gridgov.accounts.requests import UserRequest
from gridgov.command import selectors
from gridgov.command.actions import plans as plan_actions
from gridgov.command.actions import rosters as roster_actions
from gridgov.command.actions.common import require_member
from gridgov.command.forms import DAY, NIGHT, PlanForm, RosterForm
from gridgov.command.models import CommandCentre, EmergencyPlan, Shift
from gridgov.command.views import month_start
from gridgov.core.errors import InvalidInput, Problem
from gridgov.core.pages import page_view
from gridgov.core.scope import Scope
from gridgov.worktime.calendar import is_working_day


def problems_on_form(
    form: forms.Form, error: InvalidInput, field_of: Callable[[Problem], str | None]
) -> None:
    """Each problem beside the form field it names, its label first so the message says which
    field is wrong; a problem of no field on the form goes above the form."""
    for problem in error.problems:
        name = field_of(problem)
        if name in form.fields:
            label = form.fields[name].label
            form.add_error(
                name, _("%(field)s: %(message)s") % {"field": label, "message": problem.message}
            )
        else:
            form.add_error(None, str(problem.message))
    if not error.problems:
        form.add_error(None, str(error.message))


def _standard_slot(shift: Shift, centre: CommandCentre) -> tuple[date, str] | None:
    """(day, DAY or NIGHT) when the shift is one of the centre's own standard shifts."""
    if shift.node_id != centre.node_id:
        return None
    day = timezone.localtime(shift.starts_at).date()
    (day_start, day_end), (night_start, night_end) = roster_actions.day_and_night(day)
    if (shift.starts_at, shift.ends_at) == (day_start, day_end):
        return day, DAY
    if (shift.starts_at, shift.ends_at) == (night_start, night_end):
        return day, NIGHT
    return None


@page_view
def roster_edit(request: UserRequest, centre_id: int) -> HttpResponse:
    """A month of the centre's day and night shifts, one person each; other shifts of the
    month (its grids', odd hours from the API) are kept as they are. A month leaving nights
    uncovered is refused with the gaps until the sender ticks that they saw them."""
    centre = selectors.centre_get(request.user, centre_id)
    require_member(request.user, centre)
    first = month_start(request.GET.get("month", ""))
    days = [first + timedelta(days=i) for i in range(monthrange(first.year, first.month)[1])]
    # The month's duty runs from its first morning to the next month's, so its last night is
    # its own and no midnight reads as a gap.
    start = roster_actions.day_and_night(first)[0][0]
    end = roster_actions.day_and_night(days[-1] + timedelta(days=1))[0][0]
    existing = selectors.shifts_in(Scope.under(centre.node), start, end).filter(
        centre=centre, starts_at__gte=start
    )
    initial: dict[str, int] = {}
    kept: list[roster_actions.ShiftIn] = []
    for shift in existing:
        standard = _standard_slot(shift, centre)
        if standard is not None and RosterForm.slot(*standard) not in initial:
            initial[RosterForm.slot(*standard)] = shift.user_id
            continue
        grid = shift.node.code if shift.node_id != centre.node_id else ""
        kept.append(roster_actions.ShiftIn(shift.user_id, shift.starts_at, shift.ends_at, grid))
    people = selectors.duty_people(centre, {s.user_id for s in existing})
    form = RosterForm(
        request.POST or None,
        initial=initial,
        days=days,
        people=[(p.pk, p.display_name or p.username) for p in people],
    )
    gaps: list[Problem] = []
    if request.method == "POST" and form.is_valid():
        shifts, names = list(kept), [""] * len(kept)
        for day in days:
            slots = zip((DAY, NIGHT), roster_actions.day_and_night(day), strict=True)
            for slot, (starts, ends) in slots:
                user_id = form.cleaned_data[RosterForm.slot(day, slot)]
                if user_id is not None:
                    shifts.append(roster_actions.ShiftIn(user_id, starts, ends))
                    names.append(RosterForm.slot(day, slot))
        try:
            roster_actions.roster_save(
                actor=request.user,
                centre=centre,
                start=start,
                end=end,
                shifts=shifts,
                accept_gaps=form.cleaned_data["accept_gaps"],
            )
        except InvalidInput as exc:
            if exc.code == "roster_gaps":
                gaps = exc.problems
                form.add_error("accept_gaps", str(exc.message))
            else:
                problems_on_form(
                    form, exc, lambda p: names[p.index] if p.index is not None else None
                )
        else:
            messages.success(request, _("The roster is saved."))
            return redirect(f"{request.path}?month={first:%Y-%m}")
    return render(
        request,
        "command/roster_edit.html",
        {
            "centre": centre,
            "month": first,
            "previous": (first - timedelta(days=1)).strftime("%Y-%m"),
            "next": (days[-1] + timedelta(days=1)).strftime("%Y-%m"),
            "rows": [
                (
                    day,
                    is_working_day(day),
                    form[RosterForm.slot(day, DAY)],
                    form[RosterForm.slot(day, NIGHT)],
                )
                for day in days
            ],
            "kept": len(kept),
            "form": form,
            "gaps": gaps,
        },
    )


def _plan_field(problem: Problem) -> str | None:
    """The form field of a plan_save problem: "levels.II.units" is units_II."""
    parts = problem.field.split(".")
    if len(parts) == 3 and parts[0] == "levels":
        return f"{parts[2]}_{parts[1]}"
    if problem.field == "levels" and problem.item:
        return f"units_{problem.item}"
    return problem.field or None


def _plan_form_page(
    request: UserRequest, centre: CommandCentre, plan: EmergencyPlan | None
) -> HttpResponse:
    units = [(c.pk, c.name) for c in selectors.plan_units(centre)]
    form = PlanForm(
        request.POST or None,
        initial=PlanForm.initial_of(plan) if plan else None,
        units=units,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = plan_actions.plan_save(
                actor=request.user,
                centre=centre,
                name=data["name"],
                kind=data["kind"],
                levels=form.levels(),
                checklist=form.checklist_items(),
                duration_hours=data["duration_hours"],
                order_limit_minutes=data["order_limit_minutes"],
                plan=plan,
            )
        except InvalidInput as exc:
            problems_on_form(form, exc, _plan_field)
        else:
            messages.success(request, _("The plan is saved."))
            return redirect("command:plan_edit", saved.pk)
    return render(request, "command/plan_edit.html", {"centre": centre, "plan": plan, "form": form})


@page_view
def plan_new(request: UserRequest, centre_id: int) -> HttpResponse:
    centre = selectors.centre_get(request.user, centre_id)
    require_member(request.user, centre, plan_actions.COMMANDERS)
    return _plan_form_page(request, centre, None)


@page_view
def plan_edit(request: UserRequest, plan_id: int) -> HttpResponse:
    plan = selectors.plan_get(request.user, plan_id)
    require_member(request.user, plan.centre, plan_actions.COMMANDERS)
    return _plan_form_page(request, plan.centre, plan)
