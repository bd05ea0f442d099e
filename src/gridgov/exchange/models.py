"""Import jobs and the rows they refused.

A job is keyed by kind, file digest and the importer's jurisdiction, so
the same file imported again finds its job and resumes after the last
committed row (the checkpoint) instead of starting over.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gridgov.core.scope import ScopedModel


class ImportKind(models.TextChoices):
    PEOPLE = "people", _("people")
    HOMES = "homes", _("homes")
    ORGANISATIONS = "organisations", _("organisations")


class ImportStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    RUNNING = "running", _("running")
    DONE = "done", _("done")
    FAILED = "failed", _("failed")
    EXPIRED = "expired", _("file expired")


class ImportJob(ScopedModel):
    scope_paths = ("scope_code",)

    kind = models.CharField(_("kind"), max_length=16, choices=ImportKind)
    file_name = models.CharField(_("file name"), max_length=255)
    file_path = models.CharField(max_length=1024, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    scope_code = models.CharField(_("jurisdiction"), max_length=15)
    status = models.CharField(
        _("status"), max_length=16, choices=ImportStatus, default=ImportStatus.PENDING
    )
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_ok = models.PositiveIntegerField(_("rows imported"), default=0)
    rows_bad = models.PositiveIntegerField(_("rows refused"), default=0)
    rows_created = models.PositiveIntegerField(_("records created"), default=0)
    rows_updated = models.PositiveIntegerField(_("records updated"), default=0)
    rows_merged = models.PositiveIntegerField(_("duplicate rows merged"), default=0)
    # Imported rows that would change a verified record: each waits as a grid worker's task.
    rows_held = models.PositiveIntegerField(_("changes held for verification"), default=0)
    batches_committed = models.PositiveIntegerField(_("batches committed"), default=0)
    checkpoint = models.PositiveIntegerField(_("last committed row"), default=0)
    message = models.TextField(_("message"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "sha256", "scope_code"], name="import_job_file_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.file_name}"

    @property
    def rows_done(self) -> int:
        """Every row read so far is imported, refused, or merged into a later duplicate."""
        return self.rows_ok + self.rows_bad + self.rows_merged

    @property
    def percent(self) -> int:
        if self.status == ImportStatus.DONE:
            return 100
        if not self.rows_total:
            return 0
        return min(100, 100 * self.rows_done // self.rows_total)


class ImportRowError(models.Model):
    job = models.ForeignKey(
        ImportJob, verbose_name=_("import job"), on_delete=models.CASCADE, related_name="errors"
    )
    row = models.PositiveIntegerField(_("row"))
    column = models.CharField(_("column"), max_length=64, blank=True)
    value = models.CharField(_("value"), max_length=255, blank=True)
    code = models.CharField(_("code"), max_length=64)
    reason = models.CharField(_("reason"), max_length=255)

    class Meta:
        verbose_name = _("import row error")
        verbose_name_plural = _("import row errors")
        ordering = ["row", "id"]
        indexes = [models.Index(fields=["job", "row"], name="import_error_job_row")]

    def __str__(self) -> str:
        return f"{self.row}: {self.code}"
