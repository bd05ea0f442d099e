"""A generated report: one unit (a node or a department), one period, its sections as JSON
and its PDF. Generating it again replaces both, so a retried task changes nothing twice."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from gridgov.core.scope import ScopedModel
from gridgov.departments.models import Department
from gridgov.jurisdiction.models import Node


class Period(models.TextChoices):
    DAY = "day", _("daily")
    WEEK = "week", _("weekly")
    MONTH = "month", _("monthly")


class Report(ScopedModel):
    # A node's report is read in its tree; a department's by the department and the nodes
    # above the one it serves.
    scope_paths = ("node__code", "department__node__code")
    department_path = "department_id"

    node = models.ForeignKey(
        Node,
        verbose_name=_("level"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    period = models.CharField(_("period"), max_length=8, choices=Period.choices)
    start = models.DateField(_("from"))
    end = models.DateField(_("until"), help_text=_("The first day after the period."))
    title = models.CharField(_("title"), max_length=200)
    sections = models.JSONField(_("sections"), default=list)
    pdf = models.FileField(_("PDF"), upload_to="reports/%Y/%m/", max_length=200, blank=True)
    generated_at = models.DateTimeField(_("generated at"))

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-start", "period", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["node", "period", "start"],
                condition=models.Q(node__isnull=False),
                name="report_node_period_unique",
            ),
            models.UniqueConstraint(
                fields=["department", "period", "start"],
                condition=models.Q(department__isnull=False),
                name="report_department_period_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(node__isnull=False, department__isnull=True)
                | models.Q(node__isnull=True, department__isnull=False),
                name="report_one_unit",
            ),
        ]

    def __str__(self) -> str:
        return self.title
