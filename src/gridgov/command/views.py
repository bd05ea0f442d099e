"""Linked command pages: my centres, a centre (its instructions, duty, plans, emergency), an
instruction's receipts, my instructions on a phone, the month's roster, the wall display."""

from __future__ import annotations

from calendar import monthrange
from datetime import date, datetime, timedelta

from django.contrib import messages
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from gridgov.accounts.requests import UserRequest
from gridgov.command import selectors
from gridgov.command.actions import assign as assign_actions
from gridgov.command.actions import instructions as instruction_actions
from gridgov.command.actions import plans as plan_actions
from gridgov.command.actions import rosters as roster_actions
from gridgov.command.actions.common import SENDERS
from gridgov.command.actions.instructions import Targets
from gridgov.command.forms import ActivationForm, EndForm, InstructionForm, ReceiptReportForm
from gridgov.command.models import MemberRole
from gridgov.core.errors import InvalidInput
from gridgov.core.pages import page_view
from gridgov.core.scope import Scope
from gridgov.events.selectors import event_get
from gridgov.fieldwork.selectors import field_task_get
from gridgov.jurisdiction.selectors import map_bounds


@page_view
def centre_list(request: UserRequest) -> HttpResponse:
    user = request.user
    return render(
        request,
        "command/centres.html",
        {
            "centres": selectors.centres_visible(user)[:200],
            "mine": set(selectors.centres_of_member(user).values_list("pk", flat=True)),
            "activations": selectors.activations_visible(user)[:20],
        },
    )


@page_view
def centre_detail(request: UserRequest, centre_id: int) -> HttpResponse:
    user = request.user
    centre = selectors.centre_get(user, centre_id)
    below = selectors.centres_visible(user).filter(parent=centre)
    form = InstructionForm(request.POST or None, centres=[(c.pk, c.name) for c in below])
    error = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        targets = Targets(
            centres=[int(pk) for pk in data["centres"]],
            area=centre.node.code if data["area"] else "",
        )
        try:
            instruction = instruction_actions.instruction_send(
                actor=user,
                centre=centre,
                title=data["title"],
                body=data["body"],
                priority=data["priority"],
                due_at=data["due_at"],
                ack_minutes=data["ack_minutes"],
                targets=targets,
            )
        except InvalidInput as exc:
            error = exc
        else:
            messages.success(request, _("The instruction is being delivered."))
            return redirect("command:instruction", instruction.pk)
    scope = Scope.under(centre.node)
    role = selectors.membership(user, centre)
    return render(
        request,
        "command/centre.html",
        {
            "centre": centre,
            "form": form,
            "error": error,
            "is_member": role is not None,
            "is_commander": role == MemberRole.COMMANDER,
            "members": selectors.members_of(centre),
            "activation": selectors.hq_activation(centre),
            "plans": selectors.plans_visible(user).filter(centre=centre),
            "instructions": selectors.instructions_visible(user).filter(centre=centre)[:50],
            "on_duty": selectors.on_duty(scope),
            "next_on_duty": selectors.next_on_duty(scope)[:10],
        },
    )


@page_view
def instruction_detail(request: UserRequest, instruction_id: int) -> HttpResponse:
    instruction = selectors.instruction_get(request.user, instruction_id)
    return render(
        request,
        "command/instruction.html",
        {
            "instruction": instruction,
            "counts": selectors.instruction_counts(instruction),
            "receipts": selectors.receipts_of(instruction)[:500],
        },
    )


@require_POST
@page_view
def instruction_remind(request: UserRequest, instruction_id: int) -> HttpResponse:
    instruction = selectors.instruction_get(request.user, instruction_id)
    reminded = instruction_actions.instruction_remind(actor=request.user, instruction=instruction)
    messages.success(request, _("%(n)d addressees reminded.") % {"n": reminded})
    return redirect("command:instruction", instruction.pk)


@page_view
def receipts_mine(request: UserRequest) -> HttpResponse:
    return render(
        request,
        "command/mine.html",
        {"receipts": selectors.receipts_mine(request.user)[:100], "form": ReceiptReportForm()},
    )


@require_POST
@page_view
def receipt_step(request: UserRequest, receipt_id: int, command: str) -> HttpResponse:
    """已收到 or 已落实 from a card of "Instructions to me"; the photo is checked by the action."""
    photo = request.FILES.get("photo")
    instruction_actions.receipt_apply(
        actor=request.user,
        receipt_id=receipt_id,
        command=command,
        note=request.POST.get("note", ""),
        photos=[photo] if photo else [],
    )
    messages.success(request, _("Saved."))
    return redirect("command:receipts_mine")


@page_view
def plan_activate(request: UserRequest, plan_id: int) -> HttpResponse:
    user = request.user
    plan = selectors.plan_get(user, plan_id)
    form = ActivationForm(request.POST or None)
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            activation = plan_actions.activation_start(
                actor=user,
                plan=plan,
                area=plan.centre.node,
                level=form.cleaned_data["level"],
                reason=form.cleaned_data["reason"],
            )
        except InvalidInput as exc:
            error = exc
        else:
            return redirect("command:activation", activation.pk)
    return render(request, "command/activate.html", {"plan": plan, "form": form, "error": error})


@page_view
def activation_detail(request: UserRequest, activation_id: int) -> HttpResponse:
    user = request.user
    activation = selectors.activation_get(user, activation_id)
    form = EndForm(request.POST or None)
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            plan_actions.activation_end(
                actor=user, activation=activation, note=form.cleaned_data["note"]
            )
        except InvalidInput as exc:
            error = exc
        else:
            return redirect("command:activation", activation.pk)
    return render(
        request,
        "command/activation.html",
        {
            "activation": activation,
            "form": form,
            "error": error,
            "orders": selectors.instructions_visible(user).filter(activation=activation),
        },
    )


def month_start(value: str) -> date:
    """The first day of ?month=YYYY-MM, or of this month."""
    year, _sep, month = value.partition("-")
    if year.isdigit() and month.isdigit() and 2000 <= int(year) <= 2100 and 1 <= int(month) <= 12:
        return date(int(year), int(month), 1)
    return timezone.localdate().replace(day=1)


@page_view
def roster_month(request: UserRequest, centre_id: int) -> HttpResponse:
    """The month's shifts by day, and the stretches nobody is on duty."""
    centre = selectors.centre_get(request.user, centre_id)
    first = month_start(request.GET.get("month", ""))
    zone = timezone.get_current_timezone()
    start = datetime.combine(first, datetime.min.time(), tzinfo=zone)
    days = monthrange(first.year, first.month)[1]
    end = start + timedelta(days=days)
    shifts = list(selectors.shifts_in(Scope.under(centre.node), start, end).filter(centre=centre))
    by_day: dict[date, list[object]] = {first + timedelta(days=i): [] for i in range(days)}
    for shift in shifts:
        day = timezone.localtime(shift.starts_at).date()
        if day in by_day:
            by_day[day].append(shift)
    gaps = selectors.roster_gaps(
        [(s.node.name, s.starts_at, s.ends_at) for s in shifts] or [(centre.name, start, start)],
        start,
        end,
    )
    return render(
        request,
        "command/roster.html",
        {
            "centre": centre,
            "month": first,
            "previous": (first - timedelta(days=1)).strftime("%Y-%m"),
            "next": (first + timedelta(days=days)).strftime("%Y-%m"),
            "days": sorted(by_day.items()),
            "gaps": gaps[:50],
            "swaps": selectors.swaps_waiting(centre),
            "may_edit": selectors.membership(request.user, centre) in SENDERS,
        },
    )


@require_POST
@page_view
def swap_decide(request: UserRequest, swap_id: int) -> HttpResponse:
    swap = selectors.swap_get(request.user, swap_id)
    roster_actions.swap_decide(
        actor=request.user, swap=swap, approve=request.POST.get("approve") == "1"
    )
    messages.success(request, _("Saved."))
    centre_id = swap.shift.centre_id
    return redirect("command:roster", centre_id) if centre_id else redirect("command:centres")


@page_view
def wall(request: UserRequest, centre_id: int) -> HttpResponse:
    centre = selectors.centre_get(request.user, centre_id)
    return render(
        request,
        "command/wall.html",
        {"centre": centre, "bounds": map_bounds(centre.node)},
    )


@page_view
def wall_data(request: UserRequest, centre_id: int) -> JsonResponse:
    centre = selectors.centre_get(request.user, centre_id)
    return JsonResponse(selectors.wall_data_shared(centre))


@page_view
def event_nearest(request: UserRequest, number: str) -> HttpResponse:
    """The on-duty workers nearest to the event, with distance and time since their check-in;
    one click sends one of them."""
    user = request.user
    event = event_get(user, number)
    if request.method == "POST":
        task = assign_actions.worker_assign(
            actor=user, event=event, worker_id=int(request.POST.get("worker", "0") or 0)
        )
        messages.success(
            request,
            _("%(name)s is sent to the event.")
            % {
                "name": task.assignee.display_name or task.assignee.username
                if task.assignee
                else ""
            },
        )
        return redirect("events:detail", event.number)
    now = timezone.now()
    return render(
        request,
        "command/nearest.html",
        {
            "event": event,
            "nearby": [
                (n, int((now - n.checked_in_at).total_seconds() // 60))
                for n in selectors.nearest_on_duty(user, event.lon, event.lat)
            ],
        },
    )


@page_view
def assignment(request: UserRequest, task_id: int) -> HttpResponse:
    """The worker's page for a task the centre sent: the event, and the report back."""
    user = request.user
    task = field_task_get(user, task_id)
    form = ReceiptReportForm(request.POST or None)
    if request.method == "POST" and "note" in request.POST:
        assign_actions.assignment_done(actor=user, task=task, note=request.POST["note"])
        messages.success(request, _("Saved."))
        return redirect("command:assignment", task.pk)
    return render(request, "command/assignment.html", {"task": task, "form": form})
