"""The one shape of a workflow's step: a record went from one state to another by a command,
given by someone (or by the system) at a time, with a note.

Each workflow (an event, a field task, a rectification, a dispute, a decision, a rental
case) keeps its steps in a table of its own, with a foreign key to its record, and derives
it from `Transition`. A table whose columns differ from the common shape (a longer command,
choices, no "from" on the first step) redeclares only that field: the columns, their names
and their tables stay as they were, so the base needs no migration.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Transition(models.Model):
    # The foreign key to the record the step belongs to, for the step's text.
    subject_field: ClassVar[str]

    from_status = models.CharField(_("from"), max_length=16, blank=True)
    to_status = models.CharField(_("to"), max_length=16)
    command = models.CharField(_("command"), max_length=16)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("time"))
    note = models.TextField(_("note"), blank=True)

    class Meta:
        abstract = True
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{getattr(self, f'{self.subject_field}_id')} {self.command}"
