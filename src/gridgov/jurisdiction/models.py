"""Jurisdiction nodes, overlay layers and the grid ↔ layer overlap table.

Boundaries are stored as WKB (lon/lat, CGCS2000 ≈ WGS84); shapely reads a
whole table of them in one vectorised call when the spatial index is built.
A node's code extends its parent's, so a subtree is a code prefix and scope
checks are one indexed `LIKE 'prefix%'`.
"""

from __future__ import annotations

from typing import Any

import shapely
from django.db import models
from django.utils.translation import gettext_lazy as _

from gridgov.core.scope import ScopedModel


class Level(models.IntegerChoices):
    CITY = 1, _("city")
    DISTRICT = 2, _("district")
    SUBDISTRICT = 3, _("subdistrict")
    COMMUNITY = 4, _("community")
    GRID = 5, _("grid")


# NBS 统计用区划代码 style: province+city (4), county (6), township (9),
# community (12); a grid adds a 3-digit sequence to its community's code.
CODE_LENGTH: dict[int, int] = {
    Level.CITY: 4,
    Level.DISTRICT: 6,
    Level.SUBDISTRICT: 9,
    Level.COMMUNITY: 12,
    Level.GRID: 15,
}


def parent_code_of(code: str, level: int) -> str:
    """The code a node of this level extends; empty for a city (or an unknown level)."""
    return code[: CODE_LENGTH[level - 1]] if level in CODE_LENGTH and level > Level.CITY else ""


class GridKind(models.TextChoices):
    COMPREHENSIVE = "comprehensive", _("comprehensive grid")
    DEDICATED = "dedicated", _("dedicated grid")


class InstitutionKind(models.TextChoices):
    SCHOOL = "school", _("school")
    HOSPITAL = "hospital", _("hospital")
    INDUSTRIAL_PARK = "industrial_park", _("industrial park")
    PARK = "park", _("park")
    MARKET = "market", _("market")
    TRANSPORT_HUB = "transport_hub", _("transport hub")
    GOVERNMENT = "government", _("government compound")
    OTHER = "other", _("other institution")


class GeometryMixin(models.Model):
    boundary = models.BinaryField(_("boundary (WKB)"))

    class Meta:
        abstract = True

    @property
    def geometry(self) -> shapely.Geometry:
        return shapely.from_wkb(bytes(self.boundary))

    def geojson_geometry(self) -> dict[str, Any]:
        import json

        return dict(json.loads(shapely.to_geojson(self.geometry)))


class Node(ScopedModel, GeometryMixin):
    scope_paths = ("code",)

    code = models.CharField(_("code"), max_length=15, unique=True)
    name = models.CharField(_("name"), max_length=100)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    grid_kind = models.CharField(
        _("grid kind"), max_length=16, choices=GridKind.choices, blank=True
    )
    institution_kind = models.CharField(
        _("institution kind"), max_length=32, choices=InstitutionKind.choices, blank=True
    )
    institution_name = models.CharField(_("institution"), max_length=100, blank=True)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("jurisdiction node")
        verbose_name_plural = _("jurisdiction nodes")
        ordering = ["code"]
        indexes = [
            models.Index(fields=["level", "code"], name="node_level_code"),
            models.Index(
                fields=["code"], name="node_code_prefix", opclasses=["varchar_pattern_ops"]
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(level=Level.GRID) | models.Q(grid_kind=""),
                name="node_grid_kind_only_on_grids",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def parent_code(self) -> str:
        return parent_code_of(self.code, self.level)

    @property
    def is_grid(self) -> bool:
        return self.level == Level.GRID

    def contains_code(self, code: str) -> bool:
        return code.startswith(self.code)

    def ancestor_codes(self) -> list[str]:
        """Codes of every ancestor, top first, derived from this node's own code."""
        return [self.code[:n] for lvl, n in sorted(CODE_LENGTH.items()) if n < len(self.code)]


class LayerKind(models.TextChoices):
    POLICE_BEAT = "police_beat", _("police beat")
    SAFETY_GRID = "safety_grid", _("safety-production grid")
    COMPOUND = "compound", _("residential compound")


class Layer(models.Model):
    kind = models.CharField(_("kind"), max_length=32, choices=LayerKind.choices, unique=True)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("overlay layer")
        verbose_name_plural = _("overlay layers")
        ordering = ["kind"]

    def __str__(self) -> str:
        return self.name


class LayerUnit(ScopedModel, GeometryMixin):
    # Owned inside the tree, or touching one of its grids.
    scope_paths = ("node__code", "overlaps__grid__code")
    scope_distinct = True

    """One polygon of an overlay layer: a police beat, a safety grid, a compound."""

    layer = models.ForeignKey(
        Layer, verbose_name=_("layer"), on_delete=models.CASCADE, related_name="units"
    )
    code = models.CharField(_("code"), max_length=32)
    name = models.CharField(_("name"), max_length=100)
    node = models.ForeignKey(
        Node,
        verbose_name=_("jurisdiction"),
        help_text=_("The smallest jurisdiction node that holds the whole unit."),
        on_delete=models.PROTECT,
        related_name="layer_units",
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("layer unit")
        verbose_name_plural = _("layer units")
        ordering = ["layer", "code"]
        constraints = [
            models.UniqueConstraint(fields=["layer", "code"], name="layer_unit_code_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class GridOverlap(ScopedModel):
    scope_paths = ("grid__code",)

    """How much of a grid a layer unit covers, and the reverse ("网格+警格" fusion)."""

    grid = models.ForeignKey(Node, on_delete=models.CASCADE, related_name="overlaps")
    unit = models.ForeignKey(LayerUnit, on_delete=models.CASCADE, related_name="overlaps")
    grid_share = models.FloatField(_("share of the grid"))
    unit_share = models.FloatField(_("share of the unit"))

    class Meta:
        verbose_name = _("grid overlap")
        verbose_name_plural = _("grid overlaps")
        constraints = [
            models.UniqueConstraint(fields=["grid", "unit"], name="grid_overlap_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.grid_id} ∩ {self.unit_id}: {self.grid_share:.0%}"


class BoundaryVersion(models.Model):
    """A counter bumped by every boundary change; in-memory spatial indexes compare it."""

    version = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("boundary version")

    def __str__(self) -> str:
        return str(self.version)
