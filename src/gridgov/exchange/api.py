"""Imports over the API: upload (or preview) a file, poll its job, fetch its error report."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from gridgov.accounts.requests import request_user
from gridgov.exchange import actions, selectors
from gridgov.exchange.downloads import error_report, template_response
from gridgov.exchange.models import ImportJob, ImportKind
from gridgov.exchange.readers import saved_upload

if TYPE_CHECKING:
    from gridgov.accounts.models import User

router = Router(tags=["exchange"])


class JobOut(Schema):
    id: int
    kind: str
    file_name: str
    sha256: str
    status: str
    rows_total: int
    rows_ok: int
    rows_bad: int
    rows_created: int
    rows_updated: int
    rows_held: int
    rows_merged: int
    batches_committed: int
    checkpoint: int
    percent: int
    message: str
    created_at: datetime
    finished_at: datetime | None


class RowErrorOut(Schema):
    row: int
    column: str
    value: str
    code: str
    reason: str


class PreviewOut(Schema):
    rows: int
    ok: int
    merged: int
    errors: list[RowErrorOut]


class ImportIn(Schema):
    kind: ImportKind


def run_upload(
    actor: User, kind: str, upload: UploadedFile, preview: bool
) -> ImportJob | actions.Preview:
    path = saved_upload(upload)
    try:
        if preview:
            return actions.import_preview(actor=actor, kind=kind, path=path)
        job = actions.import_job_start(
            actor=actor, kind=kind, path=path, file_name=upload.name or path.name
        )
        return actions.import_job_queue(actor=actor, job=job)
    finally:
        path.unlink(missing_ok=True)


@router.post("/imports", response={200: PreviewOut, 201: JobOut})
def import_create(
    request: HttpRequest,
    data: Form[ImportIn],
    file: File[UploadedFile],
    preview: bool = False,
) -> Status[PreviewOut | ImportJob]:
    """Upload a file and queue its import (poll GET /imports/{id}); with ?preview=1 only check
    it and list every refused row."""
    result = run_upload(request_user(request), data.kind, file, preview)
    if isinstance(result, actions.Preview):
        errors = [RowErrorOut(**vars(i)) for i in result.issues]
        return Status(
            200, PreviewOut(rows=result.rows, ok=result.ok, merged=result.merged, errors=errors)
        )
    return Status(201, result)


@router.get("/imports/{job_id}", response=JobOut)
def import_get(request: HttpRequest, job_id: int) -> ImportJob:
    return selectors.import_job_get(request_user(request), job_id)


@router.get("/imports/{job_id}/errors.csv")
def import_errors(request: HttpRequest, job_id: int) -> StreamingHttpResponse:
    return error_report(selectors.import_job_get(request_user(request), job_id))


@router.get("/templates/{kind}.{fmt}")
def import_template(request: HttpRequest, kind: ImportKind, fmt: str) -> HttpResponse:
    return template_response(kind, "xlsx" if fmt == "xlsx" else "csv")
