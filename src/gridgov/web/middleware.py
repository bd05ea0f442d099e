"""Hostile request input answered before any view sees it, in the caller's language.

A body over DATA_UPLOAD_MAX_MEMORY_SIZE, more files than DATA_UPLOAD_MAX_NUMBER_FILES or
fields than DATA_UPLOAD_MAX_NUMBER_FIELDS raise only when a view first reads the request, and a
NUL in a path, a query or a form field reaches the database, which refuses it with a 500 on
PostgreSQL; a JSON body may carry a lone surrogate ("\\ud800"), which cannot be encoded at all.
Reading the request here, once, turns each into a 413 or a 400 naming the field: JSON for the
API, the specification's error list for Open311, a page otherwise. It stands in the top layer
because it answers as each part of the site answers.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from gridgov.core.errors import InvalidInput, Problem
from gridgov.core.text import text_problem, unstorable_in
from gridgov.core.views import API_PREFIX
from gridgov.open311.views import Open311Error, error_response

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
OPEN311_PREFIX = "/open311/"
NO_BODY = (None, "", "0")


def _form_texts(request: HttpRequest) -> Iterator[tuple[str, str]]:
    """(field, text) for every string of the path, the query and a form body."""
    yield "path", request.path_info
    fields = [request.GET]
    if request.method == "POST" and request.content_type in FORM_TYPES:
        fields.append(request.POST)
        for key, uploads in request.FILES.lists():
            for upload in uploads:
                yield key, upload.name or ""
    for data in fields:
        for key, values in data.lists():
            for value in [key, *values]:
                yield key, value


def _first_problem(request: HttpRequest) -> Problem | None:
    for field, text in _form_texts(request):
        found = text_problem(text)
        if found is not None:
            return Problem(found[0], found[1], field=field.replace("\x00", "\\0"))
    if request.content_type in FORM_TYPES or request.META.get("CONTENT_LENGTH") in NO_BODY:
        return None
    body = request.body  # reading it is the size check
    if request.content_type != "application/json" or request.path_info.startswith(
        settings.TEXT_ANALYSIS_PATHS
    ):
        return None
    try:
        data = json.loads(body)
    except ValueError:
        return None  # the view says what is wrong with it
    found_in = unstorable_in(data)
    return None if found_in is None else Problem(found_in[1], found_in[2], field=found_in[0])


def refused(request: HttpRequest, status: int, error: InvalidInput) -> HttpResponse:
    """The error as the part of the site that was asked answers errors."""
    path = request.path_info
    if path.startswith(API_PREFIX):
        return JsonResponse(error.as_dict(), status=status)
    if path.startswith(OPEN311_PREFIX):
        descriptions = [f"{p.field}: {p.message}" if p.field else p.message for p in error.problems]
        fmt = path.rpartition(".")[2]
        return error_response(fmt, Open311Error(status, descriptions or [error.message]))
    return render(request, "core/error.html", {"error": error}, status=status)


class RequestInputMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            problem = _first_problem(request)
        except RequestDataTooBig:
            mb = settings.DATA_UPLOAD_MAX_MEMORY_SIZE / 2**20
            message = _("The request is larger than %(mb).1f MB.") % {"mb": mb}
            error = InvalidInput(message, code="request_too_large")
            return refused(request, 413, error)
        except TooManyFilesSent:
            n = settings.DATA_UPLOAD_MAX_NUMBER_FILES
            message = _("The request sends more than %(n)d files.") % {"n": n}
            return refused(request, 413, InvalidInput(message, code="too_many_files"))
        except TooManyFieldsSent:
            n = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
            message = _("The request sends more than %(n)d fields.") % {"n": n}
            return refused(request, 413, InvalidInput(message, code="too_many_fields"))
        if problem is not None:
            error = InvalidInput(_("The request is not valid."), problems=[problem])
            return refused(request, 400, error)
        return self.get_response(request)
