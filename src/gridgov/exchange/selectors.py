"""Import jobs are seen inside the jurisdiction they were imported into."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from gridgov.core.errors import NotFound
from gridgov.exchange.models import ImportJob, ImportRowError
from gridgov.jurisdiction.selectors import scope_of

if TYPE_CHECKING:
    from gridgov.accounts.models import User


def import_jobs_visible(actor: User) -> QuerySet[ImportJob]:
    return ImportJob.objects.visible_to(scope_of(actor))


def import_job_get(actor: User, pk: int) -> ImportJob:
    job = import_jobs_visible(actor).filter(pk=pk).first()
    if job is None:
        raise NotFound(_("No such import job."), code="not_found")
    return job


def import_error_rows(job: ImportJob) -> Iterator[list[str]]:
    """The error report: a header, then row, column, value (masked) and reason."""
    yield ["行号", "列", "值", "代码", "原因"]
    errors: QuerySet[ImportRowError] = job.errors.order_by("row", "id")
    for e in errors.iterator(chunk_size=5000):
        yield [str(e.row), e.column, e.value, e.code, e.reason]


def import_jobs_mine(actor: User, limit: int = 50) -> QuerySet[ImportJob]:
    """The caller's own latest jobs, still bounded by their jurisdiction."""
    return import_jobs_visible(actor).filter(created_by=actor)[:limit]
