"""The official holiday calendar and office hours, kept as data.

The State Council publishes each year's holiday arrangement only a few weeks
before the year starts, and no library can know it in advance; an
administrator enters it here, so the platform never depends on a package
release to compute a time limit.
"""

from __future__ import annotations

import uuid
from datetime import time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

# The years the calendar accepts: room for history and planning, narrow enough to catch typos.
FIRST_YEAR, LAST_YEAR = 2000, 2100


class Source(models.TextChoices):
    PACKAGE = "package", _("chinese-calendar package")
    MANUAL = "manual", _("entered by an administrator")


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", _("holiday")
    WORKDAY = "workday", _("make-up working day")


class CalendarYear(models.Model):
    """A year whose official arrangement is known; a year without a row falls back to weekends."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    complete = models.BooleanField(
        _("complete"),
        default=True,
        help_text=_("Unticked while the arrangement is provisional; pages keep warning."),
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    entered_at = models.DateTimeField(_("entered at"))

    class Meta:
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")
        ordering = ["-year"]

    def __str__(self) -> str:
        return str(self.year)


class CalendarDay(models.Model):
    """A day the official arrangement turns into a holiday or into a make-up working day.

    A day belongs to the arrangement that declared it, which may be the next
    year's: the 2019 notice made 2018-12-29 a working day.
    """

    calendar_year = models.ForeignKey(
        CalendarYear,
        verbose_name=_("arrangement"),
        on_delete=models.CASCADE,
        related_name="days",
    )
    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=DayKind.choices)
    name = models.CharField(_("name"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=DayKind.values), name="worktime_day_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()} {self.name}"


class OfficeHours(models.Model):
    """The single row of office hours, and the stamp that tells every process the calendar moved.

    Any change to the calendar or to these hours writes a new revision;
    each process compares it with the one its cached snapshot was built from.
    """

    monday = models.BooleanField(_("Monday"), default=True)
    tuesday = models.BooleanField(_("Tuesday"), default=True)
    wednesday = models.BooleanField(_("Wednesday"), default=True)
    thursday = models.BooleanField(_("Thursday"), default=True)
    friday = models.BooleanField(_("Friday"), default=True)
    saturday = models.BooleanField(_("Saturday"), default=False)
    sunday = models.BooleanField(_("Sunday"), default=False)
    morning_start = models.TimeField(_("morning starts"), default=time(8, 30))
    morning_end = models.TimeField(_("morning ends"), default=time(12, 0))
    afternoon_start = models.TimeField(_("afternoon starts"), default=time(13, 30))
    afternoon_end = models.TimeField(_("afternoon ends"), default=time(17, 30))
    revision = models.UUIDField(default=uuid.uuid4, editable=False)

    WEEKDAY_FIELDS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

    class Meta:
        verbose_name = _("office hours")
        verbose_name_plural = _("office hours")
        constraints = [
            models.CheckConstraint(condition=Q(id=1), name="worktime_office_hours_single_row"),
            models.CheckConstraint(
                condition=Q(morning_start__lt=F("morning_end"))
                & Q(morning_end__lte=F("afternoon_start"))
                & Q(afternoon_start__lt=F("afternoon_end")),
                name="worktime_office_hours_ordered",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.morning_start:%H:%M}–{self.morning_end:%H:%M}, "
            f"{self.afternoon_start:%H:%M}–{self.afternoon_end:%H:%M}"
        )

    @property
    def working_weekdays(self) -> frozenset[int]:
        """Python weekday numbers (Monday 0) that are working days unless the calendar says not."""
        return frozenset(i for i, name in enumerate(self.WEEKDAY_FIELDS) if getattr(self, name))

    def clean(self) -> None:
        if not (self.morning_start < self.morning_end <= self.afternoon_start < self.afternoon_end):
            raise ValidationError(
                _("The periods must follow each other: morning start < end ≤ afternoon start < end")
            )
        if not self.working_weekdays:
            raise ValidationError(_("At least one weekday must be a working day."))
