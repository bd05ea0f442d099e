"""Pages for a phone: my task list, one task per screen with its three answers, a resident's
declaration, grid figures."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gridgov.accounts.requests import UserRequest
from gridgov.addresses.forms import address_input
from gridgov.core.errors import Conflict, InvalidInput, NotFound
from gridgov.core.pages import page_view
from gridgov.jurisdiction.breadcrumbs import breadcrumbs
from gridgov.jurisdiction.selectors import account_node, node_get
from gridgov.verification import actions, fields, selectors
from gridgov.verification.models import RecordKind, Source


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[
            (actions.Decision.CONFIRM, _("Confirm")),
            (actions.Decision.CORRECT, _("Correct")),
            (actions.Decision.REJECT, _("Reject")),
        ]
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=500)


# The address code is picked from the address library while the address is typed, as in
# every address box (addresses/_picker.html shows the match).
ADDRESS_CODE = "address_code"


def values_form(
    kind: str,
    data: Any = None,
    *,
    prefix: str,
    initial: dict[str, Any] | None = None,
    blank: bool = False,
    placeholders: dict[str, str] | None = None,
) -> forms.Form:
    """One input per field a source may propose for the kind, typed as the field reads.

    With `blank`, choices and flags start unanswered, for a form where only
    what is filled in counts.
    """
    form = forms.Form(data, initial=dict(initial or {}), prefix=prefix)
    empty: list[tuple[str, str]] = [("", "—")] if blank else []
    for name, spec in fields.FIELDS[kind].items():
        field: forms.Field
        if spec.choices is not None:
            field = forms.ChoiceField(choices=[*empty, *spec.choices.choices], required=False)
        elif spec.input == "flag":
            field = forms.ChoiceField(
                choices=[*empty, ("true", _("yes")), ("false", _("no"))], required=False
            )
            if name in form.initial:
                form.initial[name] = "true" if form.initial[name] is True else "false"
        else:
            widget = address_input() if name == ADDRESS_CODE else forms.TextInput()
            if spec.input != "text":
                widget.attrs["type"] = spec.input
            if placeholders and name in placeholders:
                widget.attrs["placeholder"] = placeholders[name]
            field = forms.CharField(required=False, widget=widget)
        field.label = str(spec.label)
        form.fields[name] = field
    return form


def correction_form(view: selectors.TaskView, data: Any = None) -> forms.Form:
    """Every field of the record, filled with what was proposed over what is recorded.

    Every field, because the form posts them all and each is applied: one
    left blank would overwrite the record. The phone starts empty (it is only
    known masked); left empty it stays as it is.
    """
    kind = view.task.record_kind
    initial = {name: view.current(name) for name in fields.FIELDS[kind]}
    initial.update({row.name: row.proposed for row in view.rows})
    initial.pop(fields.PHONE, None)
    return values_form(
        kind,
        data,
        prefix="fix",
        initial=initial,
        placeholders=(
            {fields.PHONE: str(view.current(fields.PHONE))}
            if fields.PHONE in fields.FIELDS[kind]
            else None
        ),
    )


def _corrected(form: forms.Form) -> dict[str, Any]:
    form.is_valid()
    return {
        name: value
        for name, value in form.cleaned_data.items()
        if not (name == fields.PHONE and not value)
    }


# How the declaration form names the record, for each kind.
RECORD_KEYS: dict[str, tuple[str, ...]] = {
    RecordKind.PERSON: ("id_number",),
    RecordKind.ORGANISATION: ("credit_code",),
    RecordKind.HOME: ("grid_code", "address"),
}


class RecordKeyForm(forms.Form):
    id_number = forms.CharField(label=_("ID number"), max_length=32)
    credit_code = forms.CharField(label=_("Unified social credit code"), max_length=32)
    grid_code = forms.CharField(label=_("Grid code"), max_length=32)
    address = forms.CharField(label=_("Standard address"), max_length=255, widget=address_input())

    def __init__(self, kind: str, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in list(self.fields):
            if name not in RECORD_KEYS[kind]:
                del self.fields[name]


@page_view
def task_list(request: UserRequest) -> HttpResponse:
    user = request.user
    return render(
        request,
        "verification/tasks.html",
        {
            "tasks": selectors.task_rows(selectors.tasks_for_worker(user)),
            "counts": selectors.task_counts(user),
            "can_declare": user.role in actions.PROPOSE_ROLES,
            "stats_node": account_node(user) if user.role in selectors.STATS_ROLES else None,
        },
    )


@page_view
def declare(request: UserRequest) -> HttpResponse:
    """A resident's self-declaration, entered by staff at the desk or at the door.

    It goes through the same proposal as a department file or an API push,
    with its own source; only what is filled in is declared.
    """
    actions.proposer_check(request.user)
    kind = request.GET.get("kind", RecordKind.PERSON)
    if kind not in RecordKind.values:
        kind = RecordKind.PERSON
    data = request.POST if request.method == "POST" else None
    key = RecordKeyForm(kind, data)
    values = values_form(kind, data, prefix="new", blank=True)
    context: dict[str, Any] = {"kind": kind, "kinds": RecordKind.choices, "key": key}
    status = 200
    if data is not None:
        if key.is_valid() and values.is_valid():
            declared = {k: v for k, v in values.cleaned_data.items() if v not in ("", None)}
            try:
                result = actions.change_propose(
                    actor=request.user,
                    source=Source.SELF_DECLARATION,
                    record_kind=kind,
                    changes=declared,
                    source_time=timezone.now(),
                    **key.cleaned_data,
                )
            except (InvalidInput, NotFound) as exc:
                context["error"] = exc
                status = exc.status
            else:
                if result.task is None:
                    messages.info(request, _("The declaration matches the registry."))
                    return redirect(f"{reverse('verification:declare')}?kind={kind}")
                messages.success(request, _("A verification task was made for the grid worker."))
                return redirect("verification:task", task_id=result.task.pk)
        else:
            status = 422
    context["values"] = values
    return render(request, "verification/declare.html", context, status=status)


@page_view
def task_detail(request: UserRequest, task_id: int) -> HttpResponse:
    view = selectors.task_view(request.user, task_id)
    form = DecisionForm(request.POST or None)
    fixing = request.POST.get("decision") == actions.Decision.CORRECT
    correction = correction_form(view, request.POST if fixing else None)
    context: dict[str, Any] = {"view": view, "form": form, "correction": correction}
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                actions.task_decide(
                    actor=request.user,
                    task_id=view.task.pk,
                    decision=form.cleaned_data["decision"],
                    corrected_values=_corrected(correction) if fixing else None,
                    note=form.cleaned_data["note"],
                )
            except (InvalidInput, Conflict) as exc:
                context["error"] = exc
                status = exc.status
            else:
                return redirect("verification:tasks")
        else:
            status = 422
    return render(request, "verification/task.html", context, status=status)


@page_view
def grid_stats(request: UserRequest, code: str) -> HttpResponse:
    node = node_get(request.user, code)
    rows = selectors.grid_verification_stats(request.user, node)
    return render(
        request,
        "verification/stats.html",
        {
            "node": node,
            "rows": rows,
            "days": selectors.verify_days(),
            "path": breadcrumbs(request.user, node),
        },
    )
