from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults

API_PREFIX = "/api/"


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
