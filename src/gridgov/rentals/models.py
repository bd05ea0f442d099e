"""Rules, meter readings, rule runs and the suspected cases they raise (群租房预警).

A rule is data: its kind picks the test, its parameters set the thresholds, and its
`max_share` is the share of homes above which a rule is too broad to run unconfirmed.
A case keeps one hit row per rule that flagged it, so each rule's precision (confirmed /
suspected) is a count over those rows.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gridgov.core.append_only import AppendOnlyModel
from gridgov.core.scope import ScopedModel
from gridgov.core.transitions import Transition
from gridgov.events.models import Event
from gridgov.fieldwork.models import FieldTask
from gridgov.jurisdiction.models import Node
from gridgov.registry.models import Home
from gridgov.rentals.workflow import OPEN_STATUSES, Status


class RuleKind(models.TextChoices):
    CROWDING = "crowding", _("many people registered for the home's area")
    TURNOVER = "turnover", _("many distinct tenants in a year")
    UTILITY = "utility", _("water or power use far above similar homes")
    COMPLAINTS = "complaints", _("noise or sanitation complaints at the address")


class Utility(models.TextChoices):
    WATER = "water", _("water")
    POWER = "power", _("power")


class RentalRule(models.Model):
    """One test over the registry; the centre tunes `params` against the rule's precision."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=RuleKind.choices)
    params = models.JSONField(_("parameters"), default=dict)
    max_share = models.DecimalField(
        _("largest share of homes flagged"),
        max_digits=5,
        decimal_places=4,
        default=Decimal("0.05"),
        help_text=_("A rule that would flag more of the homes than this must be confirmed."),
    )
    active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("rental rule")
        verbose_name_plural = _("rental rules")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class MeterBatch(ScopedModel):
    """One imported CSV of monthly meter readings, with the rows it could not place."""

    scope_paths = ("node__code",)

    node = models.ForeignKey(
        Node, verbose_name=_("imported for"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("file name"), max_length=200)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    matched = models.PositiveIntegerField(_("rows matched to a home"), default=0)
    unknown = models.PositiveIntegerField(_("rows for unknown homes"), default=0)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)

    class Meta:
        verbose_name = _("meter reading import")
        verbose_name_plural = _("meter reading imports")
        ordering = ["-imported_at", "-id"]

    def __str__(self) -> str:
        return self.name


class MeterReading(ScopedModel):
    """A home's use in one month; a row for an address the registry does not know is kept
    with `home` empty (and reported), so that it is matched once the home is registered."""

    scope_paths = ("home__grid__code", "batch__node__code")

    batch = models.ForeignKey(
        MeterBatch, verbose_name=_("import"), on_delete=models.CASCADE, related_name="readings"
    )
    home = models.ForeignKey(
        Home,
        verbose_name=_("home"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    address_code = models.CharField(_("address code"), max_length=64, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    month = models.DateField(_("month"))
    utility = models.CharField(_("utility"), max_length=8, choices=Utility.choices)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = _("meter reading")
        verbose_name_plural = _("meter readings")
        ordering = ["-month", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["home", "month", "utility"],
                condition=models.Q(home__isnull=False),
                name="meter_reading_home_month_unique",
            ),
        ]
        indexes = [models.Index(fields=["home", "utility", "month"], name="meter_home_month")]

    def __str__(self) -> str:
        return f"{self.home_id or self.address} {self.month:%Y-%m} {self.utility}"


class RuleRun(ScopedModel):
    """One pass of the active rules over the homes under a node, advanced chunk by chunk."""

    scope_paths = ("node__code",)

    node = models.ForeignKey(
        Node, verbose_name=_("area"), on_delete=models.PROTECT, related_name="+"
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    homes_total = models.PositiveIntegerField(_("homes"), default=0)
    homes_done = models.PositiveIntegerField(_("homes checked"), default=0)
    last_home_id = models.PositiveBigIntegerField(default=0)
    # Per rule code: homes hit; the peers' medians the utility rule compares with.
    hits = models.JSONField(_("hits by rule"), default=dict)
    baseline = models.JSONField(default=dict)
    cases_opened = models.PositiveIntegerField(_("cases opened"), default=0)
    warnings = models.JSONField(_("warnings"), default=list)

    class Meta:
        verbose_name = _("rule run")
        verbose_name_plural = _("rule runs")
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.node} {self.started_at:%Y-%m-%d %H:%M}"


class RentalCase(ScopedModel):
    """A home suspected of overcrowded renting, followed from the hit to rectification."""

    scope_paths = ("home__grid__code",)

    home = models.ForeignKey(
        Home, verbose_name=_("home"), on_delete=models.PROTECT, related_name="+"
    )
    grid = models.ForeignKey(
        Node, verbose_name=_("grid"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.SUSPECTED
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    run = models.ForeignKey(
        RuleRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="cases"
    )
    field_task = models.ForeignKey(
        FieldTask,
        verbose_name=_("verification task"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    finding = models.TextField(_("finding on site"), blank=True)
    people_found = models.PositiveSmallIntegerField(_("people found"), null=True, blank=True)
    suspected_at = models.DateTimeField(_("suspected at"))
    verifying_at = models.DateTimeField(_("sent for verification at"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    dismissed_at = models.DateTimeField(_("dismissed at"), null=True, blank=True)
    rectifying_at = models.DateTimeField(_("referred at"), null=True, blank=True)
    rectified_at = models.DateTimeField(_("rectified at"), null=True, blank=True)

    class Meta:
        verbose_name = _("suspected overcrowded rental")
        verbose_name_plural = _("suspected overcrowded rentals")
        ordering = ["-suspected_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["home"],
                condition=models.Q(status__in=[s.value for s in OPEN_STATUSES]),
                name="rental_case_one_open_per_home",
            ),
        ]
        indexes = [models.Index(fields=["status", "grid"], name="rental_case_status_grid")]

    def __str__(self) -> str:
        return f"{self.home} ({self.get_status_display()})"


class CaseHit(models.Model):
    """What one rule found at the home: the evidence the grid worker checks."""

    case = models.ForeignKey(RentalCase, on_delete=models.CASCADE, related_name="hits")
    rule = models.ForeignKey(RentalRule, on_delete=models.PROTECT, related_name="hits")
    evidence = models.JSONField(_("evidence"), default=dict)
    at = models.DateTimeField(_("found at"))

    class Meta:
        verbose_name = _("rule hit")
        verbose_name_plural = _("rule hits")
        constraints = [
            models.UniqueConstraint(fields=["case", "rule"], name="case_hit_case_rule_unique")
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.rule.code}"


class Hazard(models.TextChoices):
    """What verification may find, each referred as an event of the category whose default
    department is responsible (housing, fire, public security)."""

    OVERCROWDING = "overcrowding", _("overcrowding")
    FIRE = "fire", _("fire hazard (wiring, e-bikes charging)")
    UNREGISTERED = "unregistered", _("tenants not registered")
    STRUCTURE = "structure", _("unsafe partitions or structure")


HAZARD_CATEGORIES: dict[str, str] = {
    Hazard.OVERCROWDING: "0601",
    Hazard.FIRE: "0404",
    Hazard.UNREGISTERED: "0602",
    Hazard.STRUCTURE: "0603",
}


class CaseHazard(models.Model):
    case = models.ForeignKey(RentalCase, on_delete=models.CASCADE, related_name="hazards")
    hazard = models.CharField(_("hazard"), max_length=16, choices=Hazard.choices)
    event = models.ForeignKey(
        Event, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("hazard found")
        verbose_name_plural = _("hazards found")
        constraints = [
            models.UniqueConstraint(fields=["case", "hazard"], name="case_hazard_unique")
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.hazard}"


class CaseTransition(Transition, AppendOnlyModel):
    """One step of a rental case; rows are never updated or deleted."""

    subject_field = "case"

    case = models.ForeignKey(RentalCase, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(_("from"), max_length=12, blank=True)
    to_status = models.CharField(_("to"), max_length=12, choices=Status.choices)
    command = models.CharField(_("command"), max_length=12)

    class Meta(Transition.Meta):
        verbose_name = _("case step")
        verbose_name_plural = _("case steps")
