"""Export any registered list with the page's filters; a queued export's download."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from gridgov.accounts.requests import UserRequest
from gridgov.core.errors import InvalidInput
from gridgov.core.pages import page_view
from gridgov.exports import actions, selectors
from gridgov.exports.actions import CONTENT_TYPES


def _attachment(content: bytes, filename: str, fmt: str) -> HttpResponse:
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@never_cache
@page_view
def export(request: UserRequest, name: str) -> HttpResponse:
    """GET: the list masked. POST with a purpose: personal data in clear, for the roles that
    may see it; the purpose goes to the audit row. Filters come from the address, and from
    a posted form's body for those that must stay out of addresses (a search by ID number)."""
    params = {key: request.GET.get(key, "") for key in request.GET}
    params.update({k: request.POST.get(k, "") for k in request.POST if k != "csrfmiddlewaretoken"})
    fmt = request.POST.get("format") or request.GET.get("format", "xlsx")
    reveal = request.method == "POST" and "purpose" in request.POST
    try:
        result = actions.export_run(
            actor=request.user,
            name=name,
            params=params,
            fmt=fmt,
            reveal=reveal,
            purpose=request.POST.get("purpose", ""),
        )
    except InvalidInput as exc:
        return render(request, "core/error.html", {"error": exc}, status=exc.status)
    if result.content is None:
        messages.info(
            request,
            _("The list is large: it is being written, and your inbox will say when it is ready."),
        )
        return redirect("exports:jobs")
    return _attachment(result.content, result.filename, fmt)


@page_view
def jobs(request: UserRequest) -> HttpResponse:
    rows = [(job, selectors.list_title(job.list_name)) for job in selectors.jobs(request.user)[:50]]
    return render(request, "exports/jobs.html", {"rows": rows})


@never_cache
@page_view
def download(request: UserRequest, job_id: int) -> HttpResponse:
    job = selectors.job_ready(request.user, job_id)
    content = actions.export_job_download(actor=request.user, job=job)
    return _attachment(content, f"{job.list_name}-{job.pk}.{job.fmt}", job.fmt)
