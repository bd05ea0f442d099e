"""Pages for the jurisdiction tree's root and boundary import.

The node and grid pages and the map, which show the registry's, staffing's and the events'
figures too, are in gridgov.web, above the domains they draw on; they keep the
jurisdiction: URLs.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from gridgov.accounts.requests import UserRequest
from gridgov.accounts.roles import Capability
from gridgov.core.errors import InvalidInput, PermissionDenied
from gridgov.core.forms import UploadForm
from gridgov.core.pages import page_view
from gridgov.jurisdiction import selectors as jurisdiction
from gridgov.jurisdiction.actions.boundaries import boundaries_import


@page_view
def tree(request: UserRequest) -> HttpResponse:
    return redirect("jurisdiction:node", jurisdiction.scope_root(request.user).code)


@page_view
def boundary_import(request: UserRequest) -> HttpResponse:
    if not request.user.can(Capability.MANAGE_BOUNDARIES):
        raise PermissionDenied(_("Your role may not import boundaries."))
    form = UploadForm(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {"form": form}
    if request.method == "POST" and form.is_valid():
        try:
            context["result"] = boundaries_import(
                actor=request.user, data=form.cleaned_data["file"]
            )
        except InvalidInput as exc:
            context["error"] = exc
    status = 422 if "error" in context or form.errors else 200
    return render(request, "jurisdiction/import.html", context, status=status)
