"""A user's own exports."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from gridgov.core.errors import NotFound
from gridgov.exports.lists import list_get
from gridgov.exports.models import ExportJob, JobStatus

if TYPE_CHECKING:
    from gridgov.accounts.models import User


def jobs(user: User) -> QuerySet[ExportJob]:
    return ExportJob.objects.filter(user=user)


def job_ready(user: User, job_id: int) -> ExportJob:
    job = jobs(user).filter(pk=job_id, status=JobStatus.DONE).first()
    if job is None:
        raise NotFound(_("No such export, or it is not ready yet."), code="export_not_found")
    return job


def list_title(name: str) -> str:
    """The list's name as its page calls it; a list no longer registered keeps its code."""
    try:
        return str(list_get(name).title)
    except NotFound:
        return name
