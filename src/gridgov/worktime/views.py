from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gridgov.accounts.requests import UserRequest
from gridgov.core.errors import InvalidInput, NotFound, PermissionDenied
from gridgov.core.pages import page_view
from gridgov.worktime.actions import calendar_year_set
from gridgov.worktime.arrangements import parse_arrangement
from gridgov.worktime.forms import ArrangementForm
from gridgov.worktime.models import FIRST_YEAR, LAST_YEAR
from gridgov.worktime.permissions import can_manage_calendar
from gridgov.worktime.selectors import (
    calendar_warning_for,
    calendar_warnings,
    calendar_year_days,
    calendar_years,
)


@page_view
def years(request: UserRequest) -> HttpResponse:
    may_edit = can_manage_calendar(request.user)
    statuses = calendar_years()
    missing = [s.year for s in statuses if not s.has_data]
    form = ArrangementForm(initial={"year": missing[-1] if missing else None})
    error = None
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied(_("Only the system administrator may change the calendar."))
        form = ArrangementForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                calendar_year_set(
                    actor=request.user,
                    year=data["year"],
                    rows=parse_arrangement(data["text"]),
                    complete=data["complete"],
                )
            except InvalidInput as exc:
                error = exc
            else:
                messages.success(
                    request, _("The %(year)d arrangement was saved.") % {"year": data["year"]}
                )
                return redirect("worktime:years")
    return render(
        request,
        "worktime/years.html",
        {
            "years": statuses,
            "form": form if may_edit else None,
            "error": error,
            "warnings": calendar_warnings(timezone.localdate()),
        },
        status=422 if error or form.errors else 200,
    )


@page_view
def year(request: UserRequest, year: int) -> HttpResponse:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise NotFound(_("No such calendar year."))
    return render(
        request,
        "worktime/year.html",
        {
            "year": year,
            "days": calendar_year_days(year),
            "warning": calendar_warning_for(date(year, 1, 1)),
        },
    )
