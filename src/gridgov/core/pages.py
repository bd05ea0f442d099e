"""What every page view shares: login, and domain errors turned into what a browser expects.

Selectors and actions raise gridgov.core.errors; the API answers those with
JSON, pages with the usual 404/403 pages or an error page listing every
problem in the user's language. Wrapping each view keeps that mapping in
one place instead of a try/except per view.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Concatenate, ParamSpec, TypeVar

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from gridgov.core.errors import DomainError, NotFound, PermissionDenied

P = ParamSpec("P")
# The view names its request type (gridgov.accounts.requests.UserRequest): login has run.
R = TypeVar("R", bound=HttpRequest)
View = Callable[Concatenate[R, P], HttpResponse]


def page_view(view: View[R, P]) -> Callable[Concatenate[HttpRequest, P], HttpResponse]:
    def wrapper(request: HttpRequest, /, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)  # type: ignore[arg-type]
        except NotFound as exc:
            raise Http404(str(exc.message)) from exc
        except PermissionDenied as exc:
            raise HttpForbidden(str(exc.message)) from exc
        except DomainError as exc:
            return render(request, "core/error.html", {"error": exc}, status=exc.status)

    functools.update_wrapper(wrapper, view)
    return login_required(wrapper)
