"""Verification tasks: a change from a source, or a stale record, waiting for the grid worker.

A task holds what was proposed in masked form only (`proposed`); an ID
number or phone it carries is sealed with the registry's field encryption
(`sealed`) and opened only when the decision applies it. The fingerprint is
a keyed hash of the record, the source and the exact proposed values, so
the same change arriving twice while the first is pending makes one task.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gridgov.core.scope import ScopedModel
from gridgov.jurisdiction.models import Node
from gridgov.registry.records import RecordKind
from gridgov.registry.sources import Source

__all__ = ["RecordKind", "Source", "Status", "VerificationTask"]


class Status(models.TextChoices):
    # In context: an event's "rejected" (not filed) is another word than a rejected change.
    PENDING = "pending", pgettext_lazy("verification task", "pending")
    CONFIRMED = "confirmed", pgettext_lazy("verification task", "confirmed")
    CORRECTED = "corrected", pgettext_lazy("verification task", "corrected")
    REJECTED = "rejected", pgettext_lazy("verification task", "rejected")


class VerificationTask(ScopedModel):
    scope_paths = ("grid__code",)

    record_kind = models.CharField(_("record kind"), max_length=16, choices=RecordKind)
    # None while a newcomer waits to be confirmed: the record is made when the worker confirms.
    record_id = models.PositiveBigIntegerField(_("record id"), null=True, blank=True)
    grid = models.ForeignKey(
        Node, verbose_name=_("grid"), on_delete=models.PROTECT, related_name="+"
    )
    source = models.CharField(_("source"), max_length=32, choices=Source)
    batch = models.CharField(_("batch"), max_length=64, blank=True)
    source_time = models.DateTimeField(_("source time"), null=True, blank=True)
    proposed = models.JSONField(_("proposed changes"), default=dict, blank=True)
    sealed = models.JSONField(default=dict, blank=True)
    fingerprint = models.CharField(max_length=64)
    status = models.CharField(
        _("status"), max_length=16, choices=Status, default=Status.PENDING, db_index=True
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    applied = models.JSONField(_("applied values"), default=dict, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("verification task")
        verbose_name_plural = _("verification tasks")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["record_kind", "record_id", "fingerprint"],
                condition=models.Q(status="pending"),
                name="verification_one_pending_per_change",
            )
        ]
        indexes = [
            models.Index(fields=["grid", "status", "created_at"], name="verification_grid_queue"),
            models.Index(fields=["record_kind", "record_id"], name="verification_record"),
        ]

    def __str__(self) -> str:
        return f"{self.get_record_kind_display()} #{self.record_id} ({self.get_source_display()})"
