"""A large export, written by a task and downloaded later by the one who asked for it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Format(models.TextChoices):
    XLSX = "xlsx", "Excel"
    CSV = "csv", "CSV"


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    DONE = "done", _("ready")


class ExportJob(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    list_name = models.CharField(_("list"), max_length=64)
    params = models.JSONField(_("filters"), default=dict, blank=True)
    fmt = models.CharField(_("format"), max_length=4, choices=Format.choices)
    reveal = models.BooleanField(_("personal data in clear"), default=False)
    purpose = models.CharField(_("purpose"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    rows = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    file = models.CharField(_("file"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.list_name} #{self.pk}"
