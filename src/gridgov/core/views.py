from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views import defaults

from gridgov.core.middleware import API_PREFIX
from gridgov.core.pages import UserRequest, page_view
from gridgov.jurisdiction.models import Level
from gridgov.jurisdiction.selectors import node_level_counts, scope_root
from gridgov.staffing.selectors import coverage_report


@page_view
def home(request: UserRequest) -> HttpResponse:
    root = scope_root(request.user)
    counts = node_level_counts(root)
    report = coverage_report(request.user, root)
    levels = [(Level(level).label, counts[level]) for level in sorted(counts)]
    return render(
        request, "core/home.html", {"node": root, "levels": levels, "total": report.total}
    )


# Django's own error pages, except under the API, whose every answer is JSON: an unknown path,
# or a fault outside the API's exception handlers (a middleware's).
def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if request.path_info.startswith(API_PREFIX):
        return JsonResponse({"code": "not_found", "message": _("Not found.")}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if request.path_info.startswith(API_PREFIX):
        message = _("An error occurred on the server.")
        return JsonResponse({"code": "server_error", "message": message}, status=500)
    return defaults.server_error(request)
