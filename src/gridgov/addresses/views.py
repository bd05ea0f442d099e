"""The batch matching page, and the address check every address box asks while one types."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from gridgov.accounts.requests import UserRequest
from gridgov.addresses import selectors
from gridgov.addresses.explain import explanation
from gridgov.addresses.forms import BatchForm
from gridgov.addresses.matcher import MAX_TEXT
from gridgov.core.downloads import csv_lines
from gridgov.core.pages import page_view


@page_view
def batch_match(request: UserRequest) -> HttpResponse:
    form = BatchForm(request.POST or None, request.FILES or None)
    if request.method != "POST" or not form.is_valid():
        status = 422 if form.errors else 200
        return render(request, "addresses/batch.html", {"form": form}, status=status)
    texts = form.cleaned_data["texts"]
    rows = [
        (text, match, explanation(match))
        for text, match in zip(
            texts, selectors.address_match_many(request.user, texts), strict=True
        )
    ]
    if "download" in request.POST:
        header = [_("Input"), _("Status"), _("Code"), _("Standard address"), _("Grid"),
                  _("Confidence"), _("Candidates"), _("How it was read")]  # fmt: skip
        found = [
            [text, match.status, match.code, match.label, match.grid, match.confidence,
             " | ".join(f"{c.label} ({c.score})" for c in match.candidates), read]
            for text, match, read in rows
        ]  # fmt: skip
        lines = csv_lines([header, *found])
        response = HttpResponse("".join(lines), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="address-matches.csv"'
        return response
    return render(request, "addresses/batch.html", {"form": form, "rows": rows})


@page_view
def address_check(request: UserRequest) -> HttpResponse:
    """The match of the typed address (htmx): the standard address or the candidates to
    pick, with how the text was read. Every address box asks it (the hotline form, the
    declaration's address and address code), sending its input under its own form name, so
    whatever single value came is the text."""
    text = " ".join(str(v) for v in request.GET.values() if v)[:MAX_TEXT]
    match = selectors.address_match(request.user, text) if text.strip() else None
    context = {"match": match, "read": explanation(match) if match else ""}
    return render(request, "addresses/_check.html", context)
