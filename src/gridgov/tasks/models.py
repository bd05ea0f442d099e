"""Tasks waiting for the broker, and tasks that failed for good."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class OutboxMessage(models.Model):
    """A task written in the same transaction as the change that asked for it.

    It is published once that transaction commits; while the broker is down it stays here
    and the drain publishes it when the broker is back, so no committed change loses its
    side effect."""

    task = models.CharField(_("task"), max_length=200)
    kwargs = models.JSONField(_("arguments"), default=dict)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    attempts = models.PositiveIntegerField(_("failed publishing attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("task waiting for the broker")
        verbose_name_plural = _("tasks waiting for the broker")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.task} #{self.pk}"


class DeadTask(models.Model):
    """A task that exhausted its retries, with its error, for an administrator to read."""

    task = models.CharField(_("task"), max_length=200)
    task_id = models.CharField(_("task id"), max_length=255, unique=True)
    kwargs = models.JSONField(_("arguments"), default=dict)
    error = models.TextField(_("error"))
    traceback = models.TextField(_("traceback"), blank=True)
    failed_at = models.DateTimeField(_("failed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("failed task")
        verbose_name_plural = _("failed tasks")
        ordering = ["-failed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.task} {self.task_id}"


class JobRun(models.Model):
    """When each periodic job last succeeded: the sweep lag that readiness and metrics show."""

    name = models.CharField(_("job"), max_length=100, primary_key=True)
    last_ok_at = models.DateTimeField(_("last success"))

    class Meta:
        verbose_name = _("periodic job")
        verbose_name_plural = _("periodic jobs")

    def __str__(self) -> str:
        return self.name
