"""Writes of the demo city: seed, reset, and the demo accounts.

The city is planned in memory first (gridgov.demo.plan, no database) and
then written in one transaction with bulk inserts level by level, so a
failed or interrupted seed leaves nothing behind and a re-run either finds
a complete city or none.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.db import connection, models, transaction
from django.db.models import ProtectedError, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from tqdm import tqdm

from gridgov.accounts.models import User
from gridgov.accounts.roles import ADMIN_ROLES
from gridgov.addresses.actions import library_clear, library_generate
from gridgov.audit.actions import audit_record
from gridgov.campaigns.actions import TASK_KIND as CAMPAIGN_TASK
from gridgov.campaigns.models import Campaign
from gridgov.command.actions.centres import command_area_clear
from gridgov.core.append_only import triggers_lifted
from gridgov.core.errors import Conflict, InvalidInput, PermissionDenied, Problem
from gridgov.core.scope import Scope
from gridgov.decisions.models import Decision, DecisionLog
from gridgov.demo import names
from gridgov.demo.campaigns import campaign_seed
from gridgov.demo.casework import casework_seed
from gridgov.demo.command import command_seed
from gridgov.demo.decisions import ASSESSOR_NAME, decisions_seed
from gridgov.demo.fieldwork import FIELD_ACCOUNT_PREFIX, fieldwork_seed
from gridgov.demo.history import default_catalogue, history_months, history_write
from gridgov.demo.inspections import inspections_seed
from gridgov.demo.logins import DEMO_ACCOUNTS, DEMO_PASSWORD, DEMO_USERNAMES
from gridgov.demo.mediation import mediation_seed
from gridgov.demo.notices import notices_seed
from gridgov.demo.plan import SCALES, Plan, community_count, plan_city
from gridgov.demo.registry import registry_seed
from gridgov.demo.rentals import rentals_seed
from gridgov.demo.reports import reports_seed
from gridgov.demo.selectors import (
    SEED_ACTION,
    demo_city_code,
    demo_city_seeded,
    demo_last_seed,
    demo_places,
)
from gridgov.demo.whistle import whistle_seed
from gridgov.departments.models import Department
from gridgov.events.actions.catalogue import catalogue_load
from gridgov.events.models import (
    Deadline,
    Event,
    EventAttachment,
    EventCounter,
    EventTransition,
)
from gridgov.exchange.models import ImportJob
from gridgov.fieldwork.actions.clear import fieldwork_clear_under
from gridgov.fieldwork.models import FieldTask, FieldTaskTransition
from gridgov.insight.models import MonthlyFigure, PromptNotice
from gridgov.inspections.models import Inspection, Rectification, Venue
from gridgov.jurisdiction.actions import (
    boundary_version_bump,
    layer_for,
    nodes_bulk_create,
    overlaps_recompute,
    wkb_of,
)
from gridgov.jurisdiction.models import GridOverlap, LayerUnit, Level, Node
from gridgov.mediation.models import Dispute, MediationDaily
from gridgov.registry.models import Compound, Home, Household, Organisation, Person, Tenancy
from gridgov.rentals.models import CaseTransition, MeterBatch, RentalCase, RuleRun
from gridgov.staffing.models import StaffAssignment, StaffMember, WorkGroup, WorkGroupMember
from gridgov.verification.models import VerificationTask
from gridgov.whistle.models import Whistle, WhistleLog

BATCH = 2000
M = TypeVar("M", bound=models.Model)


@dataclass
class SeedOutcome:
    created: bool
    scale: str
    seed: int
    counts: dict[str, int] = field(default_factory=dict)
    previous: dict[str, Any] | None = None


def demo_city_seed(
    *,
    scale: str,
    seed: int,
    progress: bool = True,
    actor: User | None = None,
    history: bool = True,
    until: datetime | None = None,
) -> SeedOutcome:
    """Seed the demo city unless one is there; either way make sure the demo accounts exist.

    The event catalogue is always loaded; `history` adds a year of events ending at `until`
    (now), see gridgov.demo.history.

    Not atomic itself on purpose: planning takes most of the time and needs
    no database, so only the write (`_city_write`) holds the transaction.
    """
    _refuse_in_production()
    if scale not in SCALES:
        raise InvalidInput(
            _("Unknown scale %(scale)s.") % {"scale": scale},
            problems=[
                Problem(
                    "invalid_scale",
                    _("Choose one of: %(scales)s.") % {"scales": ", ".join(SCALES)},
                    field="scale",
                    item=scale,
                )
            ],
        )
    if demo_city_seeded():
        demo_accounts_ensure(actor=actor)
        return SeedOutcome(created=False, scale=scale, seed=seed, previous=demo_last_seed())
    spec = SCALES[scale]
    steps = ("layers", "departments", "staff", "overlaps", "accounts", "catalogue")
    months = history_months(scale) if history else 0
    with tqdm(
        total=community_count(spec) + len(Level) + len(steps) + months,
        desc=_("Planning"),
        unit="",
        disable=not progress,
        leave=False,
    ) as bar:
        plan = plan_city(spec, seed, tick=bar.update)
        counts = _city_write(
            plan=plan, actor=actor, bar=bar, history=history, until=until or timezone.now()
        )
    # After the city's transaction: each import batch commits on its own, as imports do.
    counts.update(registry_seed(scale=scale, seed=seed))
    if history:
        counts["whistles"] = whistle_seed()
        counts["field_work"] = fieldwork_seed(seed=seed, until=until or timezone.now())
        counts["comments"] = casework_seed()
        counts.update(notices_seed())
        counts.update(inspections_seed(seed))
        counts["campaigns"] = campaign_seed()
        counts["rental_cases"] = rentals_seed(seed)
        counts["reports"] = reports_seed(timezone.localdate(until or timezone.now()))
        counts.update(mediation_seed(seed=seed))
    counts["command_centres"] = command_seed()
    counts["decisions"] = decisions_seed()
    _statistics_refresh()
    return SeedOutcome(created=True, scale=scale, seed=seed, counts=counts)


def _statistics_refresh() -> None:
    """The seed writes a city's rows in one go, and autovacuum analyses them only later: until
    then PostgreSQL guessed a district's nodes at 44 instead of 1,000 and read a commander's
    queue page in a second instead of 50 ms. ANALYZE (PostgreSQL and SQLite alike) plans with
    the real figures from the first request on. Only the project's own tables: a bare ANALYZE
    on PostgreSQL also takes the cluster-wide catalogs (pg_authid), and a seed inside a long
    transaction would hold every other database's ANALYZE until it ends."""
    tables = connection.introspection.table_names(include_views=False)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            quoted = ", ".join(connection.ops.quote_name(t) for t in tables)
            cursor.execute(f"ANALYZE {quoted}")  # noqa: S608 — the database's own table names
        else:
            cursor.execute("ANALYZE")


def _refuse_in_production() -> None:
    """The demo accounts share a published password: never on a production database."""
    if settings.PRODUCTION:
        raise PermissionDenied(
            _("The demo city cannot be seeded or reset in production."), code="production"
        )


@transaction.atomic
def _city_write(
    *, plan: Plan, actor: User | None, bar: tqdm[Any], history: bool, until: datetime
) -> dict[str, int]:
    if demo_city_seeded():
        raise Conflict(_("The demo city was seeded meanwhile."), code="already_seeded")
    bar.set_description(_("Writing nodes"))
    nodes = _nodes_write(plan, actor, bar)
    bar.set_description(_("Writing layers"))
    layers = {kind: layer_for(kind) for kind in sorted({u.kind for u in plan.units})}
    _bulk(
        LayerUnit,
        (
            LayerUnit(
                layer=layers[unit.kind],
                code=unit.code,
                name=unit.name,
                boundary=wkb_of(unit.geometry),
                node=nodes[unit.holder],
            )
            for unit in plan.units
        ),
    )
    bar.update(1)
    bar.set_description(_("Writing departments"))
    _bulk(Department, [d for d in plan.departments if d.parent is None])
    _bulk(Department, [d for d in plan.departments if d.parent is not None])
    bar.update(1)
    bar.set_description(_("Writing staff"))
    _bulk(StaffMember, plan.staff)
    _bulk(StaffAssignment, plan.assignments)
    _bulk(WorkGroup, plan.groups)
    through = WorkGroup.grids.through
    _bulk(through, (through(workgroup=g, node=n) for g, n in plan.group_grids))
    _bulk(WorkGroupMember, plan.group_members)
    bar.update(1)
    bar.set_description(_("Computing overlaps"))
    counts = plan.counts()
    counts["overlaps"] = overlaps_recompute(actor=actor)
    counts["addresses"] = library_generate(
        actor=actor, scale=plan.scale.name, seed=plan.seed
    ).addresses
    bar.update(1)
    bar.set_description(_("Creating accounts"))
    demo_accounts_ensure(actor=actor)
    bar.update(1)
    bar.set_description(_("Loading the event catalogue"))
    catalogue_load(actor=actor, data=default_catalogue())
    bar.update(1)
    if history:
        bar.set_description(_("Writing a year of events"))
        written = history_write(
            city_code=demo_city_code(),
            scale=plan.scale.name,
            seed=plan.seed,
            until=until,
            tick=bar.update,
        )
        counts.update(
            events=written.events,
            open_events=written.open,
            event_transitions=written.transitions,
            deadlines=written.deadlines,
        )
    audit_record(
        actor=actor,
        action=SEED_ACTION,
        detail={"scale": plan.scale.name, "seed": plan.seed, **counts},
    )
    return counts


def _nodes_write(plan: Plan, actor: User | None, bar: tqdm[Any]) -> dict[str, Node]:
    """Level by level so parents have keys before children; a kept city node is updated."""
    written: dict[str, Node] = {}
    for level in sorted(plan.levels):
        fresh = plan.levels[level]
        if level == Level.CITY:
            fresh = [_city_upsert(node) for node in fresh]
            written.update((n.code, n) for n in fresh)
            for child in plan.levels.get(Level.DISTRICT, []):
                child.parent = written[child.code[:4]]
        else:
            nodes_bulk_create(actor=actor, nodes=fresh, batch_size=BATCH)
            written.update((n.code, n) for n in fresh)
        bar.update(1)
    return written


def _city_upsert(planned: Node) -> Node:
    """The city node survives a reset (it holds the parked accounts); refresh it in place."""
    city, created = Node.objects.get_or_create(
        code=planned.code,
        defaults={"name": planned.name, "level": planned.level, "boundary": planned.boundary},
    )
    if not created:
        city.name, city.boundary = planned.name, planned.boundary
        city.save(update_fields=["name", "boundary", "updated_at"])
    return city


def _bulk(model: type[M], objects: Iterable[M]) -> list[M]:
    return model._default_manager.bulk_create(list(objects), batch_size=BATCH)


@transaction.atomic
def demo_city_reset(*, actor: User | None = None) -> dict[str, int]:
    """Delete everything below the demo city so it can be seeded again.

    Demo accounts cannot simply be deleted: the audit trail keeps pointing
    at them. They are parked, inactive, on the bare city node and put back
    in place by the next seed. Other accounts inside the city block the
    reset rather than being changed behind their owners' backs.
    """
    _refuse_in_production()
    code = demo_city_code()
    city = Node.objects.filter(code=code).first()
    if city is None:
        return {}
    area = Scope.within(code)
    nodes = Node.objects.visible_to(area)
    inside = nodes.exclude(pk=city.pk)
    # The demo logins and the grid workers' accounts the field-work seed made.
    demo_users = Q(username__in=DEMO_USERNAMES) | Q(username__startswith=FIELD_ACCOUNT_PREFIX)
    strangers = (
        User.objects.visible_to(area)
        .exclude(node=city)
        .exclude(demo_users)
        .values_list("username", flat=True)
    )
    if strangers:
        raise Conflict(
            _("These accounts sit inside the demo city; move or delete them first: %(names)s")
            % {"names": ", ".join(sorted(strangers))},
            code="accounts_inside_demo_city",
        )
    User.objects.filter(demo_users).update(node=city, department=None, is_active=False)
    StaffMember.objects.filter(user__username__in=DEMO_USERNAMES).update(user=None)
    deleted: dict[str, int] = {}

    def drop(queryset: models.QuerySet[Any]) -> None:
        try:
            for label, count in queryset.delete()[1].items():
                deleted[label] = deleted.get(label, 0) + count
        except ProtectedError as error:
            kinds = sorted({str(o._meta.verbose_name_plural) for o in error.protected_objects})
            raise Conflict(
                _("Other records still use the demo city: %(kinds)s")
                % {"kinds": ", ".join(map(str, kinds))},
                code="demo_city_in_use",
            ) from error

    # The demo's events go first, their photos, then their timeline and deadlines in one
    # statement each: the ORM's cascade would load a city's year of steps into memory.
    # The timelines are append-only; they go only with their events (gridgov.core.append_only).
    deleted["command.CommandCentre"] = command_area_clear(actor=actor, code=code)
    deleted["fieldwork"] = fieldwork_clear_under(actor=actor, code=code)
    events = Event.objects.visible_to(area)
    drop(Dispute.objects.visible_to(area))
    drop(MediationDaily.objects.visible_to(area))
    # The follow-up visits the disputes scheduled, and any other field task of the city.
    with triggers_lifted(FieldTaskTransition):
        drop(FieldTask.objects.visible_to(area))
    drop(EventAttachment.objects.filter(event__in=events.values("pk")))
    # The rental cases point at the events their hazards became; their steps go with them.
    with triggers_lifted(CaseTransition):
        drop(RentalCase.objects.visible_to(area))
    drop(RuleRun.objects.visible_to(area))
    drop(MeterBatch.objects.visible_to(area))
    with triggers_lifted(DecisionLog):
        drop(Decision.objects.visible_to(area))
    with triggers_lifted(EventTransition, WhistleLog):
        for model in (EventTransition, Deadline):
            deleted[model._meta.label] = _delete_of_events(model, events)
        drop(Whistle.objects.filter(event__in=events.values("pk")))
    drop(events)
    if not Event.objects.exists():  # a fresh seed numbers each day from 1 again
        EventCounter.objects.all().delete()
    drop(VerificationTask.objects.visible_to(area))
    # Hazards first: each takes its re-inspections with it, then the inspections and venues.
    for inspections_model in (Rectification, Inspection, Venue):
        drop(inspections_model.objects.visible_to(area))
    drop(Campaign.objects.filter(node__in=nodes))
    # A campaign's field tasks go with their append-only steps (gridgov.core.append_only).
    with triggers_lifted(FieldTaskTransition):
        drop(FieldTask.objects.visible_to(area).filter(kind=CAMPAIGN_TASK))
    drop(PromptNotice.objects.visible_to(area))
    drop(MonthlyFigure.objects.visible_to(area))
    drop(ImportJob.objects.visible_to(area))
    drop(Tenancy.objects.filter(home__in=Home.objects.visible_to(area)))
    for record in (Person, Household, Home, Compound, Organisation):
        drop(record.objects.visible_to(area))
    for label, count in library_clear(actor=actor, code=code).items():
        deleted[label] = count
    drop(GridOverlap.objects.visible_to(area))
    drop(LayerUnit.objects.filter(node__in=nodes))
    drop(WorkGroup.objects.filter(node__in=nodes))
    drop(StaffAssignment.objects.visible_to(area))
    drop(StaffMember.objects.filter(home_node__in=nodes))
    departments = Department.objects.visible_to(area)
    while departments.exists():
        drop(departments.filter(children__isnull=True))
    for level in sorted(Level.values, reverse=True):
        if level != Level.CITY:
            drop(inside.filter(level=level))
    boundary_version_bump()
    audit_record(actor=actor, action="demo.city_reset", detail=deleted)
    return deleted


def _delete_of_events(model: type[models.Model], events: models.QuerySet[Event]) -> int:
    select, params = events.values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)} "  # noqa: S608
            f"WHERE event_id IN ({select})",
            params,
        )
        return int(cursor.rowcount)


@dataclass(frozen=True)
class AccountChange:
    created: Sequence[str]
    updated: Sequence[str]


@transaction.atomic
def demo_accounts_ensure(*, actor: User | None = None) -> AccountChange:
    """Create the missing demo accounts and put every one back in its place, active.

    The password is public, so every demo account shares one argon2 hash:
    hashing (and checking) it once instead of ten times keeps the seed and
    its re-runs fast. A password that no longer matches is set again.
    """
    places = demo_places()
    if places is None:
        return AccountChange(created=(), updated=())
    created: list[str] = []
    updated: list[str] = []
    hashes = _SharedHash()
    for account in DEMO_ACCOUNTS:
        place = places.of(account.place)
        node = place if isinstance(place, Node) else None
        department = place if isinstance(place, Department) else None
        user = User.objects.filter(username=account.username).first()
        wanted = {
            "role": account.role,
            "node": node,
            "department": department,
            "is_active": True,
            "is_staff": account.role in ADMIN_ROLES,
        }
        if user is None:
            user = User(username=account.username, **wanted)
            user.display_name = _display_name(account.username, places.grid_worker)
            validate_password(DEMO_PASSWORD, user)
            hashes.set(user)
            user.save()
            created.append(account.username)
        else:
            changed = [k for k, v in wanted.items() if getattr(user, k) != v]
            for key in changed:
                setattr(user, key, wanted[key])
            if not hashes.matches(user):
                hashes.set(user)
                changed.append("password")
            if changed:
                user.save()
                updated.append(account.username)
        if account.place == "grid" and places.grid_worker is not None:
            _link_staff(user, places.grid_worker)
    if created or updated:
        audit_record(
            actor=actor,
            action="demo.accounts_ensure",
            detail={"created": created, "updated": updated},
        )
    return AccountChange(created=created, updated=updated)


class _SharedHash:
    """One argon2 hash of the demo password, reused; each stored hash is checked once."""

    def __init__(self) -> None:
        self.encoded = ""
        self.checked: dict[str, bool] = {}

    def set(self, user: User) -> None:
        if self.encoded:
            user.password = self.encoded
        else:
            user.set_password(DEMO_PASSWORD)
            self.encoded = user.password
        self.checked[user.password] = True

    def matches(self, user: User) -> bool:
        if user.password not in self.checked:
            self.checked[user.password] = user.check_password(DEMO_PASSWORD)
        return self.checked[user.password]


def _display_name(username: str, grid_worker: StaffMember | None) -> str:
    if username == "gw" and grid_worker is not None:
        return grid_worker.name
    if username == "tp":
        return ASSESSOR_NAME
    return names.person(random.Random(username))  # noqa: S311 — a stable made-up name


def _link_staff(user: User, staff: StaffMember) -> None:
    """The grid worker's account is the login of that grid's full-time worker."""
    if staff.user_id != user.pk:
        StaffMember.objects.filter(user=user).exclude(pk=staff.pk).update(user=None)
        staff.user = user
        staff.save(update_fields=["user"])
