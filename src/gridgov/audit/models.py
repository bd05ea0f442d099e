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
    database role may only insert and select (ADR 0013). A chainer links
    each row into the hash chain after it commits (an AuditLink, ADR 0034),
    so an edit or a removal by whoever bypasses both is found by
    `manage.py audit_verify`.

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

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.action} {self.target_type}:{self.target_id}"

    @classmethod
    def trigger_name(cls) -> str:
        return "audit_entry_append_only"  # migration 0002 named it before there was a rule


class AuditLink(AppendOnlyModel):
    """An entry's place in the hash chain, written by the chainer after the entry committed.

    The chain's order is the links' id order: one chainer at a time appends them (ADR 0034),
    so an entry whose transaction committed late is linked late rather than left out. The
    unique entry and the unique previous hash make a second link of one entry, or two
    links of one predecessor (a fork), impossible in the database itself.
    """

    entry = models.OneToOneField(
        AuditEntry, verbose_name=_("audit entry"), on_delete=models.PROTECT, related_name="link"
    )
    prev_hash = models.CharField(_("previous hash"), max_length=64, unique=True)
    hash = models.CharField(_("hash"), max_length=64)

    class Meta:
        verbose_name = _("audit chain link")
        verbose_name_plural = _("audit chain links")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"#{self.entry_id} {self.hash[:12]}"
