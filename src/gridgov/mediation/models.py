"""Disputes (矛盾纠纷), their parties, mediation sessions, steps and daily figures.

A party entered by hand keeps its ID number and phone sealed like the registry's (blind index,
ciphertext, mask); a party taken from the registry points at the person and shows the
registry's mask, so a value is sealed in one place only.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gridgov.core.scope import ScopedModel
from gridgov.core.transitions import Transition
from gridgov.events.models import Event
from gridgov.jurisdiction.models import Node
from gridgov.mediation.workflow import Command, ReferralTarget, Status
from gridgov.registry.models import Organisation, Person

# The default delay of the follow-up visit after an agreement (回访).
FOLLOW_UP_DAYS = 30


class DisputeType(models.TextChoices):
    NEIGHBOUR = "neighbour", _("neighbour")
    FAMILY = "family", _("family")
    PROPERTY = "property", _("property management")
    LABOUR = "labour", _("labour and wages")
    LAND_HOUSING = "land_housing", _("land and housing")
    CONSUMER = "consumer", _("consumer")
    OTHER = "other", _("other")


class Source(models.TextChoices):
    INVESTIGATION = "investigation", _("grid worker's investigation")
    EVENT = "event", _("event")
    RESIDENT = "resident", _("resident's request")
    REFERRAL = "referral", _("referral")


class RiskLevel(models.TextChoices):
    LOW = "low", _("low")
    MEDIUM = "medium", _("medium")
    # Could turn to violence or a group incident.
    HIGH = "high", _("high")


class MediatorKind(models.TextChoices):
    GRID_WORKER = "grid_worker", _("grid worker")
    COMMUNITY = "community", _("community mediator")
    COMMITTEE = "committee", _("people's mediation committee")
    JUDICIAL = "judicial", _("judicial office")
    LAWYER = "lawyer", _("lawyer")


class PartyKind(models.TextChoices):
    PERSON = "person", _("person")
    ORGANISATION = "organisation", _("organisation")


class PartySide(models.TextChoices):
    APPLICANT = "applicant", _("applicant")
    RESPONDENT = "respondent", _("respondent")


class Dispute(ScopedModel):
    scope_paths = ("grid__code",)

    number = models.CharField(_("number"), max_length=20, unique=True)
    dispute_type = models.CharField(_("type"), max_length=16, choices=DisputeType.choices)
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    source_event = models.OneToOneField(
        Event,
        verbose_name=_("event it came from"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dispute",
    )
    summary = models.TextField(_("summary"))
    grid = models.ForeignKey(
        Node, verbose_name=_("grid"), on_delete=models.PROTECT, related_name="+"
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    lon = models.FloatField(_("longitude"))
    lat = models.FloatField(_("latitude"))
    amount = models.DecimalField(
        _("amount involved (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    risk_level = models.CharField(_("risk level"), max_length=8, choices=RiskLevel.choices)
    mediator_kind = models.CharField(_("mediator"), max_length=16, choices=MediatorKind.choices)
    mediator_name = models.CharField(_("mediator's name"), max_length=64)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.REGISTERED
    )
    version = models.PositiveIntegerField(default=1)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    registered_at = models.DateTimeField(_("registered at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    mediating_at = models.DateTimeField(_("mediation started at"), null=True, blank=True)
    agreed_at = models.DateTimeField(_("agreed at"), null=True, blank=True)
    not_agreed_at = models.DateTimeField(_("no agreement at"), null=True, blank=True)
    followed_up_at = models.DateTimeField(_("followed up at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    referred_at = models.DateTimeField(_("referred at"), null=True, blank=True)
    referral_target = models.CharField(
        _("referred to"), max_length=16, choices=ReferralTarget.choices, blank=True
    )
    referral_reason = models.TextField(_("reason for the referral"), blank=True)
    agreement_terms = models.TextField(_("terms of the agreement"), blank=True)
    signed_scan = models.FileField(
        _("signed agreement (scan)"), upload_to="mediation/agreements/", blank=True
    )
    follow_up_due_at = models.DateTimeField(_("follow-up due at"), null=True, blank=True)
    agreement_kept = models.BooleanField(_("agreement kept"), null=True, blank=True)
    escalated_event = models.OneToOneField(
        Event,
        verbose_name=_("event for the command centre"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="escalated_dispute",
    )

    class Meta:
        verbose_name = _("dispute")
        verbose_name_plural = _("disputes")
        ordering = ["-registered_at", "-id"]
        indexes = [
            models.Index(fields=["status", "registered_at"], name="dispute_status_registered"),
        ]

    def __str__(self) -> str:
        return self.number


class Party(ScopedModel):
    scope_paths = ("dispute__grid__code",)

    dispute = models.ForeignKey(
        Dispute, verbose_name=_("dispute"), on_delete=models.CASCADE, related_name="parties"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=PartyKind.choices)
    side = models.CharField(_("side"), max_length=16, choices=PartySide.choices)
    person = models.ForeignKey(
        Person, verbose_name=_("person"), null=True, blank=True, on_delete=models.PROTECT
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    name = models.CharField(_("name"), max_length=128)
    id_number_encrypted = models.CharField(max_length=128, blank=True)
    id_number_index = models.CharField(max_length=64, blank=True, db_index=True)
    id_number_masked = models.CharField(_("ID number"), max_length=18, blank=True)
    phone_encrypted = models.CharField(max_length=128, blank=True)
    phone_index = models.CharField(max_length=64, blank=True)
    phone_masked = models.CharField(_("phone"), max_length=20, blank=True)
    consented_at = models.DateTimeField(_("consent to the agreement at"), null=True, blank=True)

    class Meta:
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        ordering = ["dispute", "side", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def shown_id_number(self) -> str:
        return self.person.id_number_masked if self.person else self.id_number_masked

    @property
    def shown_phone(self) -> str:
        return self.person.phone_masked if self.person else self.phone_masked


class Session(ScopedModel):
    """One mediation meeting."""

    scope_paths = ("dispute__grid__code",)

    dispute = models.ForeignKey(
        Dispute, verbose_name=_("dispute"), on_delete=models.CASCADE, related_name="sessions"
    )
    held_at = models.DateTimeField(_("held at"))
    place = models.CharField(_("place"), max_length=128)
    participants = models.TextField(_("participants"))
    notes = models.TextField(_("notes"), blank=True)
    attachment = models.FileField(_("attachment"), upload_to="mediation/sessions/", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("mediation session")
        verbose_name_plural = _("mediation sessions")
        ordering = ["held_at", "id"]

    def __str__(self) -> str:
        return f"{self.dispute_id} {self.held_at:%Y-%m-%d}"


class DisputeStep(ScopedModel, Transition):
    """One command given to a dispute, as the one action applied it; never changed."""

    scope_paths = ("dispute__grid__code",)
    subject_field = "dispute"

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="steps")
    command = models.CharField(_("step"), max_length=16)
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16, choices=Status.choices)

    class Meta(Transition.Meta):
        verbose_name = _("dispute step")
        verbose_name_plural = _("dispute steps")

    @property
    def label(self) -> str:
        """The step as the log reads it; registration is no command of the table."""
        if self.command in Command.values:
            return str(Command(self.command).label)
        return str(_("registered"))


class MediationDaily(ScopedModel):
    """Counts (never ratios) per day, grid, type and mediator; every area's figures are sums
    of its grids' rows (ADR 0007, docs/indicators.md)."""

    scope_paths = ("grid__code",)

    day = models.DateField(_("day"))
    grid = models.ForeignKey(Node, on_delete=models.CASCADE, related_name="+")
    dispute_type = models.CharField(_("type"), max_length=16, choices=DisputeType.choices)
    mediator_name = models.CharField(_("mediator's name"), max_length=64)
    registered = models.PositiveIntegerField(default=0)
    concluded = models.PositiveIntegerField(default=0)
    agreed = models.PositiveIntegerField(default=0)
    followed_up = models.PositiveIntegerField(default=0)
    kept = models.PositiveIntegerField(default=0)
    # Seconds from registration to conclusion, summed over the day's concluded disputes.
    conclude_seconds = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("daily mediation figures")
        verbose_name_plural = _("daily mediation figures")
        constraints = [
            models.UniqueConstraint(
                fields=["day", "grid", "dispute_type", "mediator_name"],
                name="mediation_daily_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.grid_id} {self.dispute_type}"
