"""Every export: checked, audited, masked unless revealed with a purpose, and written by a
task when the list is large (settings.EXPORT_INLINE_MAX_ROWS).

Nothing of a list is kept but a queued export's own file, which only its owner downloads."""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gridgov.accounts.roles import UNMASK_ROLES
from gridgov.audit.actions import audit_record
from gridgov.core.downloads import csv_lines, xlsx_bytes
from gridgov.core.errors import InvalidInput, ProblemList
from gridgov.exports.lists import ListExport, list_get, table
from gridgov.exports.models import ExportJob, Format, JobStatus
from gridgov.notifications.actions import notice_send
from gridgov.notifications.kinds import kind_register
from gridgov.tasks.actions import task_enqueue

if TYPE_CHECKING:
    from gridgov.accounts.models import User

EXPORT_READY = "export_ready"
kind_register(EXPORT_READY, gettext_lazy("export ready"))

CONTENT_TYPES: dict[str, str] = {
    Format.CSV: "text/csv; charset=utf-8",
    Format.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# The page's own query parameters that are no filter of the list.
NOT_FILTERS = frozenset({"format", "page", "purpose", "reveal"})


@dataclass(frozen=True)
class Exported:
    """Either the file now (`content`) or a queued job the owner downloads when it is done."""

    filename: str
    content: bytes | None = None
    job: ExportJob | None = None


def _count(rows: Iterable[Any]) -> int:
    return rows.count() if isinstance(rows, QuerySet) else len(list(rows))


def render(spec: ListExport, rows: Iterable[Any], fmt: str, *, reveal: bool) -> bytes:
    lines = table(spec, rows, reveal=reveal)
    if fmt == Format.CSV:
        return "".join(csv_lines(lines)).encode("utf-8")
    return xlsx_bytes(lines)


def _filename(spec: ListExport, fmt: str) -> str:
    return f"{spec.name}-{timezone.localtime():%Y%m%d-%H%M}.{fmt}"


def _checked(actor: User, spec: ListExport, fmt: str, reveal: bool, purpose: str) -> None:
    problems = ProblemList()
    if fmt not in Format.values:
        problems.add("bad_format", _("Choose Excel or CSV."), field="format", item=fmt)
    if reveal:
        if actor.role not in UNMASK_ROLES or not spec.personal:
            problems.add(
                "reveal_forbidden",
                _("Your role may not export personal data in clear."),
                field="reveal",
            )
        if not purpose.strip():
            problems.add(
                "required", _("Give the purpose of exporting personal data."), field="purpose"
            )
    problems.raise_if_any(_("The list cannot be exported."))


# What the audit row records of a filter that is personal data: that it was given.
GIVEN_MARK = "***"


def _audit(actor: User, spec: ListExport, params: Mapping[str, str], **detail: Any) -> None:
    filters = {k: GIVEN_MARK if k in spec.secret_params else v for k, v in params.items()}
    audit_record(
        actor=actor,
        action="exports.export",
        target_type="exports.list",
        target_id=spec.name,
        detail={"list": spec.name, "filters": filters, **detail},
    )


@transaction.atomic
def export_run(
    *,
    actor: User,
    name: str,
    params: Mapping[str, str],
    fmt: str,
    reveal: bool = False,
    purpose: str = "",
) -> Exported:
    """The list as the caller's page shows it, filters applied, in Excel or CSV."""
    spec = list_get(name)
    _checked(actor, spec, fmt, reveal, purpose)
    filters = {k: v for k, v in params.items() if k not in NOT_FILTERS}
    rows = spec.rows(actor, filters)
    count = _count(rows)
    if reveal and count > settings.EXPORT_REVEAL_MAX_ROWS:
        raise InvalidInput(
            _("Personal data in clear is exported %(n)d rows at most; narrow the filters.")
            % {"n": settings.EXPORT_REVEAL_MAX_ROWS},
            code="too_many_to_reveal",
        )
    detail = {"format": fmt, "rows": count, "reveal": reveal, "purpose": purpose.strip()}
    if count > settings.EXPORT_INLINE_MAX_ROWS and not spec.secret_params:
        job = ExportJob.objects.create(
            user=actor,
            list_name=name,
            params=filters,
            fmt=fmt,
            reveal=reveal,
            purpose=purpose.strip(),
        )
        task_enqueue(task="gridgov.exports.export_job_run", job_id=job.pk)
        _audit(actor, spec, filters, job=job.pk, **detail)
        return Exported(filename=_filename(spec, fmt), job=job)
    _audit(actor, spec, filters, **detail)
    return Exported(filename=_filename(spec, fmt), content=render(spec, rows, fmt, reveal=reveal))


def export_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "exports"


def export_job_run(*, job_id: int) -> str:
    """Write a queued export's file and tell its owner; run twice, it writes nothing new."""
    with transaction.atomic():
        job = (
            ExportJob.objects.select_for_update(of=("self",)).select_related("user").get(pk=job_id)
        )
        if job.status == JobStatus.DONE:
            return job.status
        spec = list_get(job.list_name)
        rows = spec.rows(job.user, job.params)
        job.rows = _count(rows)
        with translation.override(settings.LANGUAGE_CODE):
            content = render(spec, rows, job.fmt, reveal=job.reveal)
        folder = export_dir()
        folder.mkdir(parents=True, exist_ok=True)
        name = f"{job.pk}-{secrets.token_hex(8)}.{job.fmt}"
        (folder / name).write_bytes(content)
        job.file, job.status, job.finished_at = name, JobStatus.DONE, timezone.now()
        job.save(update_fields=["file", "status", "finished_at", "rows"])
        with translation.override(settings.LANGUAGE_CODE):
            notice_send(
                kind=EXPORT_READY,
                key=f"exports.job:{job.pk}:ready",
                title=_("Your export of “%(list)s” is ready") % {"list": spec.title},
                link=reverse("exports:download", args=[job.pk]),
                recipients=[job.user_id],
            )
        return job.status


def export_job_download(*, actor: User, job: ExportJob) -> bytes:
    """The file of a finished export, to its owner only; each download is audited."""
    audit_record(
        actor=actor,
        action="exports.download",
        target=job,
        detail={"list": job.list_name, "rows": job.rows, "reveal": job.reveal},
    )
    return (export_dir() / job.file).read_bytes()
