"""Pages: the grid worker's phone (one list, a task's result, a patrol, a visit, the daily
log, services, duty) and the centre's desk (assign, attendance and leave, logs, coverage).
Thin: forms in, the same actions as the API, errors shown beside the form."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gridgov.accounts.requests import UserRequest
from gridgov.accounts.roles import Capability, Role, roles_with
from gridgov.core.errors import Conflict, DomainError, InvalidInput, PermissionDenied
from gridgov.core.pages import page_view
from gridgov.events.views import ReportForm
from gridgov.fieldwork import forms, selectors
from gridgov.fieldwork.actions import (
    checkin_record,
    field_task_complete,
    field_task_create,
    field_task_report_finding,
)
from gridgov.fieldwork.actions.duty import (
    leave_enter,
    service_record,
    worklog_figures,
    worklog_submit,
)
from gridgov.fieldwork.actions.patrols import (
    PointIn,
    patrol_check,
    patrol_end,
    patrol_figures,
    patrol_finding,
    patrol_plan_save,
    patrol_start,
)
from gridgov.fieldwork.actions.tasks import ASSIGN_ROLES, end_of_working_day
from gridgov.fieldwork.actions.visits import care_plan_save, person_label, visit_record
from gridgov.fieldwork.kinds import (
    ASSIGNED,
    FIELD_ROLES,
    GRID_WORKERS,
    PATROL,
    VISIT,
    doers_of,
    task_kind,
)
from gridgov.fieldwork.models import Duty, FieldTask, PatrolPoint
from gridgov.jurisdiction.models import Level
from gridgov.jurisdiction.selectors import node_get, scope_root
from gridgov.registry.selectors import person_search

FIGURE_ROLES = roles_with(Capability.READ_GRID_FIGURES)
FIGURE_LABELS = {
    "tasks_done": _("Tasks done"),
    "patrols": _("Patrols"),
    "visits": _("Care visits"),
    "other_tasks": _("Other tasks"),
    "patrol_checks": _("Patrol check-ins"),
    "events_reported": _("Events reported"),
    "services": _("Services given"),
}


def _require_worker(request: UserRequest) -> None:
    if request.user.role != Role.GRID_WORKER:
        raise PermissionDenied(_("This page is a grid worker's."), code="not_grid_worker")


def _require(request: UserRequest, roles: frozenset[str]) -> None:
    if request.user.role not in roles:
        raise PermissionDenied(_("Your role may not use this page."), code="forbidden")


def _refused(form: Any, exc: DomainError) -> int:
    """The action's refusal beside the form: its message and each problem."""
    form.add_error(None, str(exc.message))
    for problem in exc.problems:
        form.add_error(None, str(problem.message))
    return exc.status


@page_view
def task_list(request: UserRequest) -> HttpResponse:
    """The worker's one list: today's and overdue tasks first, then the rest, with duty (a
    grid worker's; a community's staff sees the tasks it was given, without duty)."""
    _require(request, FIELD_ROLES)
    user = request.user
    rows = selectors.worker_list(user)
    end = selectors.today_end()
    last = selectors.last_checkin(user)
    return render(
        request,
        "fieldwork/tasks.html",
        {
            "today": [r for r in rows if r.due_at is None or r.due_at < end],
            "later": [r for r in rows if r.due_at is not None and r.due_at >= end],
            "keeps_duty": user.role == Role.GRID_WORKER,
            "on_duty": last is not None and last.duty == Duty.START,
            "last_checkin": last,
            "duty_form": forms.DutyForm(),
        },
    )


@page_view
def duty(request: UserRequest) -> HttpResponse:
    _require_worker(request)
    form = forms.DutyForm(request.POST or None)
    status = 422
    if request.method == "POST" and form.is_valid() and form.require_position():
        lon, lat = form.position()
        try:
            checkin_record(
                actor=request.user,
                duty=form.cleaned_data["duty"],
                lon=lon or 0.0,
                lat=lat or 0.0,
            )
        except (InvalidInput, Conflict) as exc:
            status = _refused(form, exc)
        else:
            messages.success(request, _("Check-in recorded."))
            return redirect("fieldwork:tasks")
    return render(request, "fieldwork/duty.html", {"form": form}, status=status)


def _task_context(request: UserRequest, task: FieldTask) -> dict[str, Any]:
    kind = task_kind(task.kind)
    return {
        "task": task,
        "kind_label": kind.label if kind else task.kind,
        "photos": task.photos.all(),
        "mine": task.assignee_id in (None, request.user.pk),
    }


@page_view
def task_detail(request: UserRequest, task_id: int) -> HttpResponse:
    """A task's page and its result form (the kinds without a form of their own)."""
    task = selectors.field_task_get(request.user, task_id)
    if task.kind in (PATROL, VISIT):
        return redirect(selectors.task_url(task))
    form = forms.ResultForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            lon, lat = form.position()
            try:
                field_task_complete(
                    actor=request.user,
                    task=task,
                    note=form.cleaned_data["note"],
                    lon=lon,
                    lat=lat,
                    photos=form.cleaned_data["photos"],
                )
            except (InvalidInput, Conflict, PermissionDenied) as exc:
                status = _refused(form, exc)
            else:
                messages.success(request, _("Task done."))
                return redirect("fieldwork:tasks")
    context = _task_context(request, task) | {"form": form}
    return render(request, "fieldwork/task.html", context, status=status)


@page_view
def finding(request: UserRequest, task_id: int) -> HttpResponse:
    """A problem found during the task, filed as an event linked to it in one step. On a
    patrol it is also a check-in of the patrol."""
    user = request.user
    task = selectors.field_task_get(user, task_id)
    _require(request, FIELD_ROLES)
    patrol = selectors.patrol_of_task(user, task)
    owner = str(user.pk)
    form = ReportForm(request.POST or None, request.FILES or None, owner=owner)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            intake = form.intake()
            del intake["address"]
            try:
                if patrol is not None:
                    event = patrol_finding(actor=user, patrol=patrol, **intake)
                else:
                    event = field_task_report_finding(actor=user, task=task, **intake)
            except (InvalidInput, Conflict, PermissionDenied) as exc:
                form.show_problems(exc.problems)
                form.add_error(None, str(exc.message))
                status = exc.status
            else:
                messages.success(
                    request, _("Event %(number)s reported.") % {"number": event.number}
                )
                return redirect(selectors.task_url(task))
    return render(
        request,
        "fieldwork/finding.html",
        {"task": task, "form": form},
        status=status,
    )


@page_view
def patrol(request: UserRequest, task_id: int) -> HttpResponse:
    """A patrol on the phone: start, check in at each point, report findings, end."""
    user = request.user
    task = selectors.field_task_get(user, task_id)
    walk = selectors.patrol_of_task(user, task)
    step = request.POST.get("step", "")
    check = forms.PatrolCheckForm(request.POST if step == "check" else None)
    end = forms.PatrolEndForm(request.POST if step == "end" else None)
    status = 200
    try:
        if step == "start":
            patrol_start(actor=user, task=task)
            return redirect("fieldwork:patrol", task.pk)
        if step == "check" and walk is not None:
            status = 422
            if check.is_valid() and check.require_position():
                lon, lat = check.position()
                point = patrol_check(
                    actor=user,
                    patrol=walk,
                    lon=lon or 0.0,
                    lat=lat or 0.0,
                    point_id=check.cleaned_data["point"],
                    note=check.cleaned_data["note"],
                )
                messages.success(
                    request,
                    _("Checked in at %(point)s.") % {"point": point.point.name}
                    if point.point
                    else _("Checked in."),
                )
                return redirect("fieldwork:patrol", task.pk)
        if step == "end" and walk is not None:
            status = 422
            if end.is_valid():
                patrol_end(actor=user, patrol=walk, summary=end.cleaned_data["summary"])
                messages.success(request, _("Patrol ended."))
                return redirect("fieldwork:tasks")
    except (InvalidInput, Conflict, PermissionDenied) as exc:
        status = _refused(end if step == "end" else check, exc)
    points = (
        list(PatrolPoint.objects.filter(plan_id=walk.plan_id))
        if walk is not None and walk.plan_id
        else []
    )
    checked = set(walk.checks.values_list("point_id", flat=True)) if walk is not None else set()
    context = _task_context(request, task) | {
        "patrol": walk,
        "points": [(p, p.pk in checked) for p in points],
        "checks": walk.checks.select_related("point", "event") if walk is not None else [],
        "figures": patrol_figures(walk) if walk is not None else None,
        "check_form": check,
        "end_form": end,
    }
    return render(request, "fieldwork/patrol.html", context, status=status)


@page_view
def visit(request: UserRequest, task_id: int) -> HttpResponse:
    task = selectors.field_task_get(request.user, task_id)
    form = forms.VisitForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            lon, lat = form.position()
            data = form.cleaned_data
            try:
                visit_record(
                    actor=request.user,
                    task=task,
                    met=data["met"],
                    situation=data["situation"],
                    needs=data["needs"],
                    follow_up_days=data["follow_up_days"],
                    lon=lon,
                    lat=lat,
                    photos=data["photos"],
                )
            except (InvalidInput, Conflict, PermissionDenied) as exc:
                status = _refused(form, exc)
            else:
                messages.success(request, _("Visit recorded."))
                return redirect("fieldwork:tasks")
    history = selectors.visits_visible(request.user).filter(person_id=task.target_id or 0)[:5]
    context = _task_context(request, task) | {"form": form, "history": history}
    return render(request, "fieldwork/visit.html", context, status=status)


@page_view
def worklog(request: UserRequest) -> HttpResponse:
    """Today's log, pre-filled from the day's work; the worker adds notes and submits."""
    _require_worker(request)
    user = request.user
    today = timezone.localdate()
    log = selectors.worklog_of(user, today)
    form = forms.LogForm(request.POST or None, initial={"notes": log.notes if log else ""})
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                worklog_submit(actor=user, notes=form.cleaned_data["notes"])
            except InvalidInput as exc:
                status = _refused(form, exc)
            else:
                messages.success(request, _("Today's log submitted."))
                return redirect("fieldwork:log")
    figures = worklog_figures(user, today)
    return render(
        request,
        "fieldwork/log.html",
        {
            "form": form,
            "log": log,
            "day": today,
            "figures": [(FIGURE_LABELS[k], v) for k, v in figures.items() if k in FIGURE_LABELS],
        },
        status=status,
    )


def _my_grids(request: UserRequest) -> list[tuple[str, str]]:
    node = scope_root(request.user)
    if node.level == Level.GRID:
        return [(node.code, node.name)]
    return [(g.code, g.name) for g in selectors.grids_under(request.user, node)]


@page_view
def services(request: UserRequest) -> HttpResponse:
    """The service ledger: the worker's latest services and a form to add one."""
    _require_worker(request)
    user = request.user
    form = forms.ServiceForm(request.POST or None, grids=_my_grids(request))
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            try:
                service_record(
                    actor=user,
                    kind=data["kind"],
                    grid=node_get(user, data["grid"]),
                    person_name=data["person_name"],
                    outcome=data["outcome"],
                    note=data["note"],
                )
            except InvalidInput as exc:
                status = _refused(form, exc)
            else:
                messages.success(request, _("Service recorded."))
                return redirect("fieldwork:services")
    entries = selectors.services_visible(user).filter(worker=user)[:30]
    return render(
        request, "fieldwork/services.html", {"form": form, "entries": entries}, status=status
    )


def _area(request: UserRequest) -> Any:
    return selectors.area_get(request.user, request.GET.get("node", ""))


def _worker_choices(
    request: UserRequest, node: Any, roles: frozenset[str] = GRID_WORKERS
) -> list[tuple[str, str]]:
    return [
        (w.username, f"{w} · {w.node.name if w.node else ''}")
        for w in selectors.workers_under(request.user, node, roles)
    ]


@page_view
def assign(request: UserRequest) -> HttpResponse:
    """A task handed to a grid (or one of its workers) by the community or a centre above."""
    _require(request, ASSIGN_ROLES)
    user = request.user
    node = scope_root(user)
    grids = [(g.code, g.name) for g in selectors.grids_under(user, node)]
    form = forms.AssignForm(
        request.POST or None,
        grids=grids,
        workers=_worker_choices(request, node, doers_of(ASSIGNED)),
    )
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            try:
                task = field_task_create(
                    actor=user,
                    kind="assigned",
                    title=data["title"],
                    note=data["note"],
                    grid=node_get(user, data["grid"]),
                    assignee=selectors.grid_worker_get(user, data["assignee"], doers_of(ASSIGNED))
                    if data["assignee"]
                    else None,
                    due_at=end_of_working_day(data["due"]) if data["due"] else None,
                )
            except (InvalidInput, PermissionDenied) as exc:
                status = _refused(form, exc)
            else:
                messages.success(request, _("Task “%(title)s” assigned.") % {"title": task.title})
                return redirect("fieldwork:assign")
    recent = (
        selectors.tasks_visible(user).filter(kind="assigned").order_by("-created_at", "-id")[:20]
    )
    return render(request, "fieldwork/assign.html", {"form": form, "recent": recent}, status=status)


@page_view
def plans(request: UserRequest) -> HttpResponse:
    """The patrol plans of the centre's grids, and a form for a new one."""
    _require(request, ASSIGN_ROLES)
    user = request.user
    grids = [(g.code, g.name) for g in selectors.grids_under(user, scope_root(user))]
    form = forms.PatrolPlanForm(request.POST or None, grids=grids)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            try:
                plan = patrol_plan_save(
                    actor=user,
                    grid=node_get(user, data["grid"]),
                    name=data["name"],
                    every_days=data["every_days"],
                    working_days_only=data["working_days_only"],
                    points=[PointIn(*point) for point in data["points"]],
                )
            except (InvalidInput, Conflict, PermissionDenied) as exc:
                status = _refused(form, exc)
            else:
                messages.success(request, _("Patrol plan “%(name)s” saved.") % {"name": plan.name})
                return redirect("fieldwork:plans")
    rows = selectors.patrol_plans_visible(user).prefetch_related("points")[: selectors.LIST_LIMIT]
    return render(request, "fieldwork/plans.html", {"form": form, "plans": rows}, status=status)


@page_view
def care(request: UserRequest) -> HttpResponse:
    """The care visit plans of the centre's tree (categories of care only), and a form to
    visit one more person; the person is found by ID number and shown masked."""
    _require(request, ASSIGN_ROLES)
    user = request.user
    form = forms.CarePlanForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            person = person_search(user, id_number=data["id_number"]).first()
            if person is None:
                form.add_error("id_number", _("No such person in the registry."))
            else:
                try:
                    care_plan_save(
                        actor=user,
                        person=person,
                        category=data["category"],
                        every_days=data["every_days"],
                    )
                except (InvalidInput, Conflict, PermissionDenied) as exc:
                    status = _refused(form, exc)
                else:
                    messages.success(request, _("Visit plan saved."))
                    return redirect("fieldwork:care")
    rows = [
        (plan, person_label(plan.person))
        for plan in selectors.care_plans_visible(user).filter(active=True)[: selectors.LIST_LIMIT]
    ]
    return render(request, "fieldwork/care.html", {"form": form, "plans": rows}, status=status)


def _month(request: UserRequest) -> tuple[int, int]:
    try:
        year, month = (int(p) for p in request.GET.get("month", "").split("-"))
        date(year, month, 1)
    except ValueError:
        today = timezone.localdate()
        return today.year, today.month
    return year, month


@page_view
def attendance(request: UserRequest) -> HttpResponse:
    """A month's attendance per worker, and the leave form of the community."""
    _require(request, ASSIGN_ROLES)
    user = request.user
    node = _area(request)
    year, month = _month(request)
    form = forms.LeaveForm(request.POST or None, workers=_worker_choices(request, node))
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            try:
                leave_enter(
                    actor=user,
                    worker=selectors.grid_worker_get(user, data["worker"]),
                    kind=data["kind"],
                    first_day=data["first_day"],
                    last_day=data["last_day"],
                    note=data["note"],
                )
            except (InvalidInput, Conflict, PermissionDenied) as exc:
                status = _refused(form, exc)
            else:
                messages.success(request, _("Leave entered."))
                return redirect(request.get_full_path())
    return render(
        request,
        "fieldwork/attendance.html",
        {
            "node": node,
            "month": f"{year}-{month:02d}",
            "rows": selectors.attendance_month(user, node, year, month),
            "leave": selectors.leave_visible(user).filter(
                worker__in=selectors.workers_under(user, node)
            )[:30],
            "form": form,
        },
        status=status,
    )


@page_view
def logs(request: UserRequest) -> HttpResponse:
    """Who has not submitted the day's log, and each worker's completeness this month."""
    _require(request, FIGURE_ROLES)
    user = request.user
    node = _area(request)
    day = timezone.localdate()
    if request.GET.get("day") == "yesterday":
        day -= timedelta(days=1)
    year, month = _month(request)
    return render(
        request,
        "fieldwork/logs.html",
        {
            "node": node,
            "day": day,
            "missing": selectors.logs_missing(user, node, day),
            "rows": selectors.log_completeness(user, node, year, month),
            "month": f"{year}-{month:02d}",
        },
    )


@page_view
def coverage(request: UserRequest) -> HttpResponse:
    """Patrol coverage per grid and the field-work figures under a node for a month."""
    _require(request, FIGURE_ROLES)
    user = request.user
    node = _area(request)
    year, month = _month(request)
    first, last = selectors.month_range(year, month)
    return render(
        request,
        "fieldwork/coverage.html",
        {
            "node": node,
            "month": f"{year}-{month:02d}",
            "rows": selectors.patrol_coverage(user, node, first, last),
            "figures": selectors.field_figures(user, node, first, last),
            "services": selectors.service_counts(user, node, first, last),
        },
    )
