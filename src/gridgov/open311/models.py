"""Client applications of the Open311 API and their keys.

Only a SHA-256 digest of each key is stored: the key is 32 random bytes, so
a digest cannot be reversed, and a leaked database row cannot post reports.
"""

from __future__ import annotations

import hashlib

from django.db import models
from django.utils.translation import gettext_lazy as _

from gridgov.core.scope import ScopedModel
from gridgov.jurisdiction.models import Node


class ClientApplication(ScopedModel):
    scope_paths = ("node__code",)

    name = models.CharField(_("name"), max_length=100, unique=True)
    contact = models.CharField(
        _("contact"), max_length=200, blank=True, help_text=_("Who runs it and how to reach them.")
    )
    digest = models.CharField(_("key digest"), max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("key prefix"), max_length=8, editable=False)
    node = models.ForeignKey(
        Node,
        verbose_name=_("area served"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Reports must lie inside it; empty means the whole deployment."),
    )
    requests_per_hour = models.PositiveIntegerField(
        _("requests per hour"), default=600, help_text=_("0 means no limit.")
    )
    active = models.BooleanField(_("active"), default=True)
    request_count = models.PositiveBigIntegerField(_("requests"), default=0, editable=False)
    report_count = models.PositiveBigIntegerField(_("reports"), default=0, editable=False)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("Open311 client application")
        verbose_name_plural = _("Open311 client applications")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def digest_of(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()
