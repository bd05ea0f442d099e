"""Standard roads and addresses: door → building → unit → room.

A city holds over a million rooms, so an address row is kept narrow: small
integers for the numbers, the road and compound as keys, and the grid and
community as foreign keys assigned once from the coordinates. The matcher
never reads rows one by one; it loads the whole table into arrays.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from gridgov.core.scope import ScopedModel
from gridgov.jurisdiction.models import LayerUnit, Node


class AddressLevel(models.IntegerChoices):
    DOOR = 1, _("door number")
    BUILDING = 2, _("building")
    UNIT = 3, _("unit")
    ROOM = 4, _("room")


class Road(ScopedModel):
    """A street, road or lane (街路巷); names are unique in the city, as naming rules require."""

    # A district's: where its name is given.
    scope_paths = ("district__code",)

    code = models.CharField(_("code"), max_length=16, unique=True)
    name = models.CharField(_("name"), max_length=50)
    district = models.ForeignKey(
        Node, verbose_name=_("district"), on_delete=models.PROTECT, related_name="roads"
    )
    aliases = models.JSONField(
        _("aliases and old names"), default=list, blank=True, help_text=_("A list of names.")
    )

    class Meta:
        verbose_name = _("road")
        verbose_name_plural = _("roads")
        ordering = ["code"]
        indexes = [models.Index(fields=["name"], name="road_name")]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Address(ScopedModel):
    scope_paths = ("grid_code",)

    code = models.CharField(_("code"), max_length=40, unique=True)
    level = models.PositiveSmallIntegerField(_("level"), choices=AddressLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
    )
    road = models.ForeignKey(
        Road, verbose_name=_("road"), on_delete=models.PROTECT, related_name="addresses"
    )
    door = models.PositiveIntegerField(_("door number"))
    compound = models.CharField(_("compound"), max_length=50, blank=True)
    compound_unit = models.ForeignKey(
        LayerUnit,
        verbose_name=_("compound polygon"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    building = models.PositiveSmallIntegerField(_("building"), null=True, blank=True)
    unit = models.PositiveSmallIntegerField(_("unit"), null=True, blank=True)
    floor = models.SmallIntegerField(_("floor"), null=True, blank=True)
    room = models.PositiveIntegerField(_("room"), null=True, blank=True)
    lon = models.FloatField(_("longitude"))
    lat = models.FloatField(_("latitude"))
    grid = models.ForeignKey(
        Node, verbose_name=_("grid"), on_delete=models.PROTECT, related_name="+"
    )
    community = models.ForeignKey(
        Node, verbose_name=_("community"), on_delete=models.PROTECT, related_name="+"
    )
    grid_code = models.CharField(_("grid code"), max_length=15, db_index=True)

    class Meta:
        verbose_name = _("standard address")
        verbose_name_plural = _("standard addresses")
        ordering = ["code"]
        indexes = [
            models.Index(fields=["road", "door", "building", "unit", "room"], name="address_key"),
            models.Index(fields=["compound"], name="address_compound"),
            models.Index(
                fields=["grid_code"],
                name="address_grid_prefix",
                opclasses=["varchar_pattern_ops"],
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def label(self) -> str:
        return address_label(
            self.road.name, self.door, self.compound, self.building, self.unit, self.room
        )


def address_label(
    road: str,
    door: int,
    compound: str,
    building: int | None,
    unit: int | None,
    room: int | None,
) -> str:
    """The standard written form: 太平南路108号康居小区2幢1单元302室."""
    text = f"{road}{door}号{compound}"
    if building is not None:
        text += f"{building}幢"
    if unit is not None:
        text += f"{unit}单元"
    if room is not None:
        text += f"{room}室"
    return text


class LibraryVersion(models.Model):
    """Bumped by every library change; in-memory matcher indexes compare it."""

    version = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("address library version")

    def __str__(self) -> str:
        return str(self.version)
