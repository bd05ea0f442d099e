from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gridgov.core.append_only import AppendOnlyModel, AppendOnlyQuerySet
from gridgov.core.scope import ScopedModel, ScopedQuerySet


# The stubs type each queryset's manager on its own; both bases make one.
class AuditQuerySet(ScopedQuerySet["AuditEntry"], AppendOnlyQuerySet):  # type: ignore[override]
    """Scoped by the code the row was written in, and never changed in bulk."""


class AuditEntry(ScopedModel, AppendOnlyModel):
    """One write or sensitive read. Rows are never updated or deleted.

    Code refuses it here; on PostgreSQL a trigger also refuses it for any
    client that writes SQL directly (migration 0002), and the application's
    database role may only insert and select (ADR 0013). Each row carries
    the hash of the row before it, so an edit or a removal by whoever
    bypasses both is found by `manage.py audit_verify`.

    `scope` is the code of the actor's jurisdiction when the entry was
    written: an auditor reads the entries of accounts inside their own tree.
    """

    scope_paths = ("scope",)

    objects = AuditQuerySet.as_manager()  # type: ignore[misc,assignment]

    # Set before saving, not on save, because the time is part of the row's hash.
    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=64, db_index=True)
    target_type = models.CharField(_("target type"), max_length=64, blank=True)
    target_id = models.CharField(_("target"), max_length=64, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    # A code, not a foreign key: the entry keeps the place it was written in after the
    # node is redrawn or removed (as a demo reset does).
    scope = models.CharField(
        _("jurisdiction"), max_length=15, blank=True, db_index=True, db_default=""
    )
    # A row written by SQL outside the application gets empty hashes and so breaks the chain.
    prev_hash = models.CharField(_("previous hash"), max_length=64, blank=True, db_default="")
    hash = models.CharField(_("hash"), max_length=64, blank=True, db_default="")

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.action} {self.target_type}:{self.target_id}"

    @classmethod
    def trigger_name(cls) -> str:
        return "audit_entry_append_only"  # migration 0002 named it before there was a rule
