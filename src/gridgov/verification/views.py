"""Pages for a phone: my task list, one task per screen with its three answers, grid figures."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from gridgov.core.errors import Conflict, InvalidInput
from gridgov.core.pages import UserRequest, breadcrumbs, page_view
from gridgov.jurisdiction.selectors import node_get
from gridgov.verification import actions, fields, selectors


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[
            (actions.Decision.CONFIRM, _("Confirm")),
            (actions.Decision.CORRECT, _("Correct")),
            (actions.Decision.REJECT, _("Reject")),
        ]
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=500)


def correction_form(view: selectors.TaskView, data: Any = None) -> forms.Form:
    """The record's fields, filled with what was proposed over what is recorded.

    The phone starts empty (it is only known masked); left empty it stays as it is.
    """
    initial = {row.name: row.proposed for row in view.rows if row.name != fields.PHONE}
    form = forms.Form(data, initial=initial, prefix="fix")
    for name, spec in fields.FIELDS[view.task.record_kind].items():
        field: forms.Field
        if spec.choices is not None:
            field = forms.ChoiceField(choices=spec.choices.choices, required=False)
        elif spec.input == "flag":
            field = forms.ChoiceField(
                choices=[("true", _("yes")), ("false", _("no"))], required=False
            )
            form.initial[name] = "true" if initial.get(name) is True else "false"
        else:
            attrs = {"type": spec.input} if spec.input != "text" else {}
            if name == fields.PHONE:
                attrs["placeholder"] = str(fields.current_shown(view.record, name))
            field = forms.CharField(required=False, widget=forms.TextInput(attrs=attrs))
        field.label = str(spec.label)
        form.fields[name] = field
    return form


def _corrected(form: forms.Form) -> dict[str, Any]:
    form.is_valid()
    return {
        name: value
        for name, value in form.cleaned_data.items()
        if not (name == fields.PHONE and not value)
    }


@page_view
def task_list(request: UserRequest) -> HttpResponse:
    return render(
        request,
        "verification/tasks.html",
        {
            "tasks": selectors.tasks_for_worker(request.user),
            "counts": selectors.task_counts(request.user),
        },
    )


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
