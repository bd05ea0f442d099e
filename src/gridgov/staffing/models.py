from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from gridgov.core.scope import ScopedModel
from gridgov.jurisdiction.models import Level, Node


class StaffKind(models.TextChoices):
    GRID_LEADER = "grid_leader", _("grid leader")
    FULL_TIME = "full_time", _("full-time grid worker")
    PART_TIME = "part_time", _("part-time grid worker")
    LEGAL_AFFAIRS = "legal_affairs", _("legal-affairs grid worker")
    BUILDING_HEAD = "building_head", _("building head")
    VOLUNTEER = "volunteer", _("volunteer")


class LegalProfession(models.TextChoices):
    POLICE = "police", _("police officer")
    JUDGE = "judge", _("judge")
    PROSECUTOR = "prosecutor", _("prosecutor")
    LAWYER = "lawyer", _("lawyer")
    JUDICIAL = "judicial", _("judicial administration")


class StaffMember(ScopedModel):
    """A person who works in one or more grids, optionally with a login."""

    # Based inside the tree, or working in one of its grids.
    scope_paths = ("home_node__code", "assignments__grid__code")
    scope_distinct = True

    name = models.CharField(_("name"), max_length=64)
    kind = models.CharField(_("kind"), max_length=16, choices=StaffKind.choices)
    profession = models.CharField(
        _("legal profession"), max_length=16, choices=LegalProfession.choices, blank=True
    )
    employer = models.CharField(_("employer"), max_length=100, blank=True)
    work_phone = models.CharField(
        _("work phone"),
        max_length=20,
        blank=True,
        help_text=_(
            "The duty phone posted for residents (上岗公示); shown publicly, so never a "
            "private number."
        ),
    )
    home_node = models.ForeignKey(
        Node,
        verbose_name=_("managed by"),
        help_text=_("The community (or higher) that manages this person."),
        on_delete=models.PROTECT,
        related_name="managed_staff",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="staff_member",
    )
    grids = models.ManyToManyField(
        Node, verbose_name=_("grids"), through="StaffAssignment", related_name="staff"
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("grid staff member")
        verbose_name_plural = _("grid staff")
        ordering = ["home_node__code", "kind", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"

    def clean(self) -> None:
        """Rules every entry point shares: the actions, the admin, any future import."""
        errors: dict[str, ValidationError] = {}
        if self.kind == StaffKind.LEGAL_AFFAIRS and not self.profession:
            errors["profession"] = ValidationError(
                _("A legal-affairs grid worker needs a legal profession."),
                code="profession_required",
            )
        elif self.kind != StaffKind.LEGAL_AFFAIRS and self.profession:
            errors["profession"] = ValidationError(
                _("Only legal-affairs grid workers have a legal profession."),
                code="profession_not_allowed",
            )
        if self.home_node_id is not None and self.home_node.level == Level.GRID:
            errors["home_node"] = ValidationError(
                _("Staff are managed by a community or a higher level, not by a grid."),
                code="home_node_is_grid",
            )
        if errors:
            raise ValidationError(errors)


class StaffAssignment(ScopedModel):
    scope_paths = ("grid__code",)

    staff = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="assignments")
    grid = models.ForeignKey(Node, on_delete=models.PROTECT, related_name="assignments")
    since = models.DateField(_("since"), null=True, blank=True)

    class Meta:
        verbose_name = _("grid assignment")
        verbose_name_plural = _("grid assignments")
        constraints = [
            models.UniqueConstraint(fields=["staff", "grid"], name="staff_assignment_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.staff} → {self.grid}"


class WorkGroup(ScopedModel):
    """A grid work group (网格工作组): several grids under one leader with deputies and members."""

    # Set up inside the tree, or covering one of its grids.
    scope_paths = ("node__code", "grids__code")
    scope_distinct = True

    name = models.CharField(_("name"), max_length=100)
    node = models.ForeignKey(
        Node,
        verbose_name=_("owning jurisdiction"),
        on_delete=models.PROTECT,
        related_name="work_groups",
    )
    grids = models.ManyToManyField(Node, verbose_name=_("grids"), related_name="work_groups_in")

    class Meta:
        verbose_name = _("grid work group")
        verbose_name_plural = _("grid work groups")
        ordering = ["node__code", "name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.node_id is not None and self.node.level == Level.GRID:
            raise ValidationError(
                {
                    "node": ValidationError(
                        _("A work group belongs to a community or a higher level, not to a grid."),
                        code="node_is_grid",
                    )
                }
            )


class GroupRole(models.TextChoices):
    LEADER = "leader", _("leader")
    DEPUTY = "deputy", _("deputy leader")
    MEMBER = "member", _("member")


class WorkGroupMember(models.Model):
    """A seat in a work group; deputies often come from other bodies (police, property company)."""

    group = models.ForeignKey(WorkGroup, on_delete=models.CASCADE, related_name="members")
    role = models.CharField(_("role in group"), max_length=8, choices=GroupRole.choices)
    name = models.CharField(_("name"), max_length=64)
    title = models.CharField(
        _("title"),
        max_length=64,
        blank=True,
        help_text=_("e.g. beat officer, city-management captain, property manager"),
    )
    staff = models.ForeignKey(
        StaffMember, null=True, blank=True, on_delete=models.SET_NULL, related_name="group_seats"
    )

    class Meta:
        verbose_name = _("work group member")
        verbose_name_plural = _("work group members")
        ordering = ["group", "role", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["group"],
                condition=models.Q(role="leader"),
                name="work_group_one_leader",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_role_display()})"
