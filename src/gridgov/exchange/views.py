"""The import pages: upload, preview, commit, and a progress bar that reads the task's progress.

Committing queues the import for a worker; the page only polls the job's counts, which the
task's committed batches move (docs/adr/0019-imports-run-as-tasks.md).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from gridgov.accounts.requests import UserRequest
from gridgov.core.errors import InvalidInput
from gridgov.core.pages import page_view
from gridgov.exchange import actions, selectors
from gridgov.exchange.forms import ImportForm
from gridgov.exchange.models import ImportJob, ImportKind, ImportStatus
from gridgov.exchange.readers import saved_upload

# Bad rows listed on the preview; the error report after the import lists every one.
PREVIEW_SHOWN = 1000


@require_http_methods(["GET", "POST"])
@page_view
def imports(request: UserRequest) -> HttpResponse:
    """The upload form, the templates to download (from the API), and my latest jobs."""
    actions.importer_check(request.user)
    form = ImportForm(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {"form": form, "kinds": ImportKind.choices}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        path = saved_upload(upload)
        try:
            job = actions.import_job_start(
                actor=request.user,
                kind=form.cleaned_data["kind"],
                path=path,
                file_name=upload.name or path.name,
            )
        except InvalidInput as exc:
            context["error"] = exc
        else:
            return redirect("exchange:job", job.pk)
        finally:
            path.unlink(missing_ok=True)
    context["jobs"] = selectors.import_jobs_mine(request.user)
    status = 422 if "error" in context or form.errors else 200
    return render(request, "exchange/imports.html", context, status=status)


def _state(request: UserRequest, job: ImportJob) -> dict[str, Any]:
    """What the job page and its polled fragment need to draw the job's state."""
    return {
        "job": job,
        "mine": job.created_by_id == request.user.pk,
        "polling": job.status == ImportStatus.RUNNING,
    }


@require_http_methods(["GET"])
@page_view
def job_detail(request: UserRequest, job_id: int) -> HttpResponse:
    """Counts, progress and the error report; a job not yet committed shows its preview."""
    job = selectors.import_job_get(request.user, job_id)
    context = _state(request, job)
    if job.status == ImportStatus.PENDING and context["mine"]:
        preview = actions.import_preview(
            actor=request.user, kind=job.kind, path=Path(job.file_path)
        )
        context["preview"] = preview
        context["shown"] = preview.issues[:PREVIEW_SHOWN]
    return render(request, "exchange/job.html", context)


@require_http_methods(["GET", "POST"])
@page_view
def job_progress(request: UserRequest, job_id: int) -> HttpResponse:
    """GET: the progress fragment; POST (the importer): queue the import, or resume it."""
    job = selectors.import_job_get(request.user, job_id)
    if request.method == "POST":
        job = actions.import_job_queue(actor=request.user, job=job)
    if not request.htmx:
        return redirect("exchange:job", job.pk)
    return render(request, "exchange/_progress.html", _state(request, job))
