"""The counters behind the rate limits of the public entry points.

The counters live in the database, not in a process's memory, so every worker of a
deployment counts the same requests. A bucket names who is counted (a hashed
address, a client key), never the address itself.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RateWindow(models.Model):
    bucket = models.CharField(_("bucket"), max_length=100)
    window = models.DateTimeField(_("window start"))
    count = models.PositiveIntegerField(_("count"), default=0)

    class Meta:
        # The residents' app made the table before the public side had a package of its own.
        db_table = "residents_ratewindow"
        verbose_name = _("rate window")
        verbose_name_plural = _("rate windows")
        constraints = [
            models.UniqueConstraint(fields=["bucket", "window"], name="rate_window_once"),
        ]

    def __str__(self) -> str:
        return f"{self.bucket} {self.window:%Y-%m-%d %H:%M}: {self.count}"
