"""Command centres as data: a centre per level (city, district, subdistrict) and per
department sub-centre, and their members. Set up by the commander of the area above, or the
system administrator."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from gridgov.accounts.models import User
from gridgov.accounts.roles import Role
from gridgov.audit.actions import audit_record
from gridgov.command.models import (
    Activation,
    CentreKind,
    CentreMember,
    CommandCentre,
    EmergencyPlan,
    Instruction,
    MemberRole,
    Shift,
    ShiftSwap,
)
from gridgov.core.errors import Conflict, InvalidInput, PermissionDenied, ProblemList
from gridgov.core.scope import Scope
from gridgov.departments.models import Department
from gridgov.jurisdiction.models import Level, Node
from gridgov.jurisdiction.selectors import scope_of

SETTING_UP = frozenset({Role.DISTRICT_COMMANDER, Role.SYSTEM_ADMIN})
CENTRE_LEVELS = frozenset({Level.CITY, Level.DISTRICT, Level.SUBDISTRICT})


def _require_setup(actor: User) -> None:
    if actor.role not in SETTING_UP or not actor.is_active:
        raise PermissionDenied(
            _("Only a district commander or the system administrator sets up centres."),
            code="centre_setup_forbidden",
        )


@transaction.atomic
def centre_create(
    *,
    actor: User,
    name: str,
    node: Node | None = None,
    department: Department | None = None,
    parent: CommandCentre | None = None,
) -> CommandCentre:
    """A level's centre (on a node) or a department's sub-centre (on a department), inside the
    actor's jurisdiction."""
    _require_setup(actor)
    if (node is None) == (department is None):
        raise InvalidInput(_("A centre has a level or a department, not both."), code="one_area")
    area = node if node is not None else department.node  # type: ignore[union-attr]
    problems = ProblemList()
    if not name.strip():
        problems.add("required", _("Name the centre."), field="name")
    if not scope_of(actor).covers(area.code):
        problems.add("outside_area", _("The area is outside your jurisdiction."), field="node")
    if node is not None and node.level not in CENTRE_LEVELS:
        problems.add(
            "bad_level", _("Centres are at city, district or subdistrict level."), field="node"
        )
    if parent is not None and not Scope.under(parent.node).covers(area.code):
        problems.add("bad_parent", _("The centre above must hold the area."), field="parent")
    problems.raise_if_any(_("The centre cannot be created."))
    try:
        with transaction.atomic():
            centre = CommandCentre.objects.create(
                name=name.strip(),
                kind=CentreKind.LEVEL if node else CentreKind.DEPARTMENT,
                node=area,
                department=department,
                parent=parent,
            )
    except IntegrityError as exc:
        raise Conflict(_("That area has a centre already."), code="centre_exists") from exc
    audit_record(
        actor=actor, action="command.centre_create", target=centre, detail={"area": area.code}
    )
    return centre


@transaction.atomic
def member_set(*, actor: User, centre: CommandCentre, user: User, role: str) -> CentreMember:
    """Seat an account of the centre's area in it (or change its seat)."""
    _require_setup(actor)
    problems = ProblemList()
    if role not in MemberRole.values:
        problems.add("bad_role", _("Choose a seat."), field="role")
    if not User.objects.visible_to(Scope.under(centre.node)).filter(pk=user.pk).exists():
        problems.add("outside_area", _("The account is outside the centre's area."), field="user")
    problems.raise_if_any(_("The member cannot be seated."))
    member, _created = CentreMember.objects.update_or_create(
        centre=centre, user=user, defaults={"role": role}
    )
    audit_record(
        actor=actor,
        action="command.member_set",
        target=member,
        detail={"centre": centre.pk, "user": user.pk, "role": role},
    )
    return member


@transaction.atomic
def command_area_clear(*, actor: User | None, code: str) -> int:
    """Every centre under a code with all it holds, for the demo's reset (its nodes go next):
    instructions and receipts, activations, plans, shifts and swaps, members. The number of
    centres removed."""
    area = Scope.within(code)
    centres = CommandCentre.objects.visible_to(area)
    Instruction.objects.visible_to(area).delete()
    Activation.objects.visible_to(area).delete()
    EmergencyPlan.objects.visible_to(area).delete()
    ShiftSwap.objects.visible_to(area).delete()
    Shift.objects.visible_to(area).delete()
    CentreMember.objects.visible_to(area).delete()
    cleared = 0
    while centres.exists():
        cleared += centres.filter(children__isnull=True).delete()[0]
    audit_record(
        actor=actor, action="command.area_clear", detail={"code": code, "centres": cleared}
    )
    return cleared
