"""What the residents' side keeps beyond the events: the digest of each reporter's secret.
(The rate-limit counters are gridgov.public's.)"""

from __future__ import annotations

import hashlib
import re
import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _

from gridgov.events.models import Event

# No 0/O, 1/I/L: the code is read off a phone and typed back. 16 of these 31 signs are 79
# bits, out of reach of guessing at RESIDENT_LOOKUPS_PER_HOUR, so an unkeyed digest will do.
CODE_SIGNS = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 16


class ReportSecret(models.Model):
    """The digest of the secret the reporter received when filing, which alone lets anyone
    rate, reopen or read the non-public detail of a report: report numbers are sequential and
    published, so a number proves nothing. Reports that did not come through the residents'
    form or Open311 (a hotline call) have none."""

    event = models.OneToOneField(
        Event,
        verbose_name=_("event"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="resident_secret",
    )
    digest = models.CharField(_("secret digest"), max_length=64, unique=True, editable=False)
    issued_at = models.DateTimeField(_("issued at"), auto_now=True)

    class Meta:
        verbose_name = _("reporter's secret")
        verbose_name_plural = _("reporters' secrets")

    def __str__(self) -> str:
        return f"{self.event_id} {self.issued_at:%Y-%m-%d %H:%M}"

    @staticmethod
    def new() -> str:
        return "".join(secrets.choice(CODE_SIGNS) for _i in range(CODE_LENGTH))

    @staticmethod
    def digest_of(secret: str) -> str:
        """Of the code as a person may type it back: any case, with spaces or dashes."""
        return hashlib.sha256(re.sub(r"[^0-9A-Z]", "", secret.upper()).encode()).hexdigest()
