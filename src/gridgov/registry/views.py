"""Registry pages: search, details and the unmask form (the grid's block-data card is in web).

The search form is posted, not sent as a query string, so an ID number
never lands in an address bar, a browser history or a server access log.
"""

from __future__ import annotations

from django import forms
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.cache import never_cache

from gridgov.accounts.requests import UserRequest
from gridgov.accounts.roles import UNMASK_ROLES
from gridgov.core.errors import InvalidInput
from gridgov.core.pages import page_view
from gridgov.registry import actions, selectors


class SearchForm(forms.Form):
    id_number = forms.CharField(label=_("ID number"), required=False, max_length=32)
    phone = forms.CharField(label=_("Phone"), required=False, max_length=20)
    name = forms.CharField(label=pgettext_lazy("person", "Name"), required=False, max_length=64)
    address = forms.CharField(label=_("Address"), required=False, max_length=255)


class UnmaskForm(forms.Form):
    field = forms.ChoiceField(
        choices=[("id_number", _("ID number")), ("phone", _("Phone"))], widget=forms.HiddenInput
    )
    purpose = forms.CharField(label=_("Purpose"), required=False, max_length=200)


@page_view
def search(request: UserRequest) -> HttpResponse:
    form = SearchForm(request.POST or None)
    people = None
    criteria: list[tuple[str, str]] = []
    if request.method == "POST" and form.is_valid():
        people = selectors.person_search(request.user, **form.cleaned_data)
        criteria = [(k, v) for k, v in form.cleaned_data.items() if v.strip()]
    return render(
        request,
        "registry/search.html",
        {
            "form": form,
            "people": people,
            # The export posts the criteria again: an ID number never goes in an address.
            "criteria": criteria,
            "can_reveal": request.user.role in UNMASK_ROLES,
        },
    )


@page_view
def person_detail(request: UserRequest, person_id: int) -> HttpResponse:
    person = selectors.person_get(request.user, person_id)
    return render(
        request,
        "registry/person.html",
        {
            "person": person,
            "can_unmask": request.user.role in UNMASK_ROLES,
            "tenancies": selectors.person_tenancies(request.user, person),
        },
    )


@never_cache
@page_view
def person_unmask(request: UserRequest, person_id: int) -> HttpResponse:
    """GET: the form asking why; POST: the value in full, shown once and never cached."""
    person = selectors.person_get(request.user, person_id)
    form = UnmaskForm(request.POST or None, initial={"field": request.GET.get("field", "")})
    context = {"person": person, "form": form}
    if request.method != "POST":
        if not request.htmx:
            return redirect("registry:person", person.pk)
        return render(request, "registry/_unmask.html", context)
    status = 200
    if form.is_valid():
        try:
            context["value"] = actions.pii_unmask(
                actor=request.user,
                person_id=person.pk,
                field=form.cleaned_data["field"],
                purpose=form.cleaned_data["purpose"],
            )
        except (InvalidInput, actions.RateLimited) as exc:
            context["error"] = exc
            status = exc.status
    else:
        status = 422
    # htmx swaps only successful answers; the form with its error must still replace itself.
    if request.htmx:
        return render(request, "registry/_unmask.html", context)
    return render(request, "registry/unmask.html", context, status=status)


@page_view
def household_detail(request: UserRequest, household_id: int) -> HttpResponse:
    detail = selectors.household_detail(request.user, household_id)
    return render(request, "registry/household.html", {"detail": detail})


@page_view
def home_detail(request: UserRequest, home_id: int) -> HttpResponse:
    detail = selectors.home_detail(request.user, home_id)
    return render(request, "registry/home.html", {"detail": detail})


@page_view
def organisation_detail(request: UserRequest, organisation_id: int) -> HttpResponse:
    organisation = selectors.organisation_get(request.user, organisation_id)
    return render(request, "registry/organisation.html", {"organisation": organisation})


@page_view
def compound_detail(request: UserRequest, compound_id: int) -> HttpResponse:
    detail = selectors.compound_detail(request.user, compound_id)
    return render(request, "registry/compound.html", {"detail": detail})
