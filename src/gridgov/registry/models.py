"""People, households, homes, tenancies, organisations and compounds, each placed in a grid.

ID numbers and phones are stored three ways: AES-GCM ciphertext (for the
audited unmask), a blind index (for exact search) and the masked form (for
every display), so no page or list ever needs to decrypt.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gridgov.core.scope import ScopedModel
from gridgov.jurisdiction.models import Node


class Provenance(ScopedModel):
    """Where a record came from and when someone last confirmed it on the ground."""

    scope_paths = ("grid__code",)

    grid = models.ForeignKey(
        Node, verbose_name=_("grid"), on_delete=models.PROTECT, related_name="+"
    )
    community = models.ForeignKey(
        Node, verbose_name=_("community"), on_delete=models.PROTECT, related_name="+"
    )
    address_code = models.CharField(_("address code"), max_length=64, blank=True, db_index=True)
    source = models.CharField(_("source"), max_length=64, blank=True)
    source_time = models.DateTimeField(_("source time"), null=True, blank=True)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verified by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class Compound(Provenance):
    name = models.CharField(_("name"), max_length=128)
    managed = models.BooleanField(_("managed by a property company"), default=False)
    company = models.CharField(_("property company"), max_length=128, blank=True)

    class Meta:
        verbose_name = _("residential compound")
        verbose_name_plural = _("residential compounds")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["grid", "name"], name="compound_grid_name_unique"),
            models.CheckConstraint(
                condition=models.Q(managed=True) | models.Q(company=""),
                name="compound_company_only_if_managed",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class HomeUse(models.TextChoices):
    RESIDENTIAL = "residential", _("residential")
    COMMERCIAL = "commercial", _("commercial")
    MIXED = "mixed", _("mixed")
    OTHER = "other", _("other")


class Tenure(models.TextChoices):
    OWNER_OCCUPIED = "owner", _("owner-occupied")
    RENTED = "rented", _("rented")
    VACANT = "vacant", _("vacant")


class Home(Provenance):
    address = models.CharField(_("standard address"), max_length=255)
    floor_area = models.DecimalField(
        _("floor area (m²)"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    use = models.CharField(_("use"), max_length=16, choices=HomeUse, default=HomeUse.RESIDENTIAL)
    tenure = models.CharField(
        _("tenure"), max_length=16, choices=Tenure, default=Tenure.OWNER_OCCUPIED
    )
    compound = models.ForeignKey(
        Compound,
        verbose_name=_("compound"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="homes",
    )

    class Meta:
        verbose_name = _("home")
        verbose_name_plural = _("homes")
        ordering = ["address"]
        constraints = [
            models.UniqueConstraint(fields=["grid", "address"], name="home_grid_address_unique")
        ]

    def __str__(self) -> str:
        return self.address


class Household(Provenance):
    number = models.CharField(_("household number"), max_length=32)
    home = models.ForeignKey(
        Home,
        verbose_name=_("home"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="households",
    )

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["number"], name="household_number_unique")]

    def __str__(self) -> str:
        return self.number


class ResidentKind(models.TextChoices):
    REGISTERED = "registered", _("registered resident")
    FLOATING = "floating", _("floating resident")
    LODGING = "lodging", _("lodging resident")


class Sex(models.TextChoices):
    MALE = "M", _("male")
    FEMALE = "F", _("female")


class ServiceTag(models.TextChoices):
    """Given only with the person's consent, to plan care visits."""

    ELDERLY_ALONE = "elderly_alone", _("elderly, living alone")
    DISABILITY = "disability", _("disability")


class Person(Provenance):
    name = models.CharField(pgettext_lazy("person", "name"), max_length=64, db_index=True)
    id_number_encrypted = models.CharField(max_length=128)
    id_number_index = models.CharField(max_length=64, unique=True)
    id_number_masked = models.CharField(_("ID number"), max_length=18)
    birth_date = models.DateField(_("birth date"))
    sex = models.CharField(_("sex"), max_length=1, choices=Sex)
    phone_encrypted = models.CharField(max_length=128, blank=True)
    phone_index = models.CharField(max_length=64, blank=True, db_index=True)
    phone_masked = models.CharField(_("phone"), max_length=20, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=ResidentKind)
    household = models.ForeignKey(
        Household,
        verbose_name=_("household"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )
    home = models.ForeignKey(
        Home,
        verbose_name=_("home"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="residents",
    )
    moved_in = models.DateField(_("moved in"), null=True, blank=True)
    moved_out = models.DateField(_("moved out"), null=True, blank=True)
    service_tags = models.JSONField(_("service tags"), default=list, blank=True)
    tags_consent_at = models.DateTimeField(_("consent to service tags"), null=True, blank=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(moved_out__isnull=True)
                | models.Q(moved_in__isnull=True)
                | models.Q(moved_out__gte=models.F("moved_in")),
                name="person_moved_out_after_in",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.id_number_masked})"

    @property
    def service_tag_labels(self) -> list[str]:
        labels = dict(ServiceTag.choices)
        return [str(labels.get(tag, tag)) for tag in self.service_tags]


class Tenancy(models.Model):
    home = models.ForeignKey(
        Home, verbose_name=_("home"), on_delete=models.PROTECT, related_name="tenancies"
    )
    person = models.ForeignKey(
        Person, verbose_name=_("tenant"), on_delete=models.PROTECT, related_name="tenancies"
    )
    start = models.DateField(_("from"))
    end = models.DateField(_("to"), null=True, blank=True)

    class Meta:
        verbose_name = _("tenancy")
        verbose_name_plural = _("tenancies")
        ordering = ["-start", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__isnull=True) | models.Q(end__gte=models.F("start")),
                name="tenancy_end_after_start",
            ),
            models.UniqueConstraint(
                fields=["home", "person"],
                condition=models.Q(end__isnull=True),
                name="tenancy_one_open_per_person_home",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.home} ← {self.person}"


class OrganisationKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("enterprise")
    INDIVIDUAL_BUSINESS = "individual_business", _("individual business")
    PUBLIC_INSTITUTION = "public_institution", _("public institution")
    SOCIAL_ORGANISATION = "social_organisation", _("social organisation")
    GOVERNMENT = "government", _("government body")
    OTHER = "other", _("other")


class Organisation(Provenance):
    name = models.CharField(_("name"), max_length=128, db_index=True)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    kind = models.CharField(_("kind"), max_length=32, choices=OrganisationKind)
    address = models.CharField(_("address"), max_length=255, blank=True)
    staff_count = models.PositiveIntegerField(_("staff count"), null=True, blank=True)
    small_venue = models.BooleanField(_("small venue"), default=False)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
