"""Every write of the rental warning: rules, meter imports, rule runs and the case loop.

`case_apply` is the only writer of a case's status (rentals/workflow.py): it locks the row,
checks scope (404), role (403), the pair and the caller's version (409), stamps
`<state>_at`, writes the transition and the audit row.
"""

from __future__ import annotations

import csv
import hashlib
import io
import time
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

import shapely
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gridgov.accounts.roles import Role
from gridgov.addresses.models import Address
from gridgov.audit.actions import audit_record
from gridgov.core.errors import Conflict, NotFound, PermissionDenied, ProblemList
from gridgov.core.scope import Scope
from gridgov.events.actions.intake import event_report
from gridgov.events.models import Category
from gridgov.events.workflow import CLOSED_STATUSES as EVENT_CLOSED
from gridgov.fieldwork.actions import field_task_cancel, field_task_complete, field_task_create
from gridgov.fieldwork.models import TargetKind
from gridgov.fieldwork.workflow import Status as FieldStatus
from gridgov.jurisdiction.models import Level, Node
from gridgov.jurisdiction.selectors import scope_of, scope_root
from gridgov.registry.models import Home
from gridgov.rentals import notices, rules
from gridgov.rentals.apps import TASK_KIND
from gridgov.rentals.models import (
    HAZARD_CATEGORIES,
    CaseHazard,
    CaseHit,
    CaseTransition,
    Hazard,
    MeterBatch,
    MeterReading,
    RentalCase,
    RentalRule,
    RuleKind,
    RuleRun,
    Utility,
)
from gridgov.rentals.workflow import OPEN_STATUSES, TRANSITIONS, Command, Status, allowed
from gridgov.tasks.actions import task_enqueue

if TYPE_CHECKING:
    from gridgov.accounts.models import User

RUN_TASK = "gridgov.rentals.rules_run_advance"
CHUNK_HOMES = 5000
# A home whose case was dismissed is not flagged again for this long.
QUIET_DAYS = 180

CENTRE_ROLES = frozenset(
    {Role.COMMUNITY_STAFF, Role.SUBDISTRICT_DISPATCHER, Role.DISTRICT_COMMANDER}
)
# The rules are the city's: its commander (a district commander's account on the city node).
RULE_ROLES = frozenset({Role.DISTRICT_COMMANDER})
# Who gives each command; None in a set means the system's follow-up sweep.
COMMAND_ROLES: dict[str, frozenset[str]] = {
    Command.VERIFY: CENTRE_ROLES,
    Command.CONFIRM: frozenset({Role.GRID_WORKER, Role.COMMUNITY_STAFF}),
    Command.DISMISS: CENTRE_ROLES | {Role.GRID_WORKER},
    Command.REFER: frozenset({Role.GRID_WORKER, Role.COMMUNITY_STAFF}),
    Command.RECTIFY: CENTRE_ROLES,
}


# ---- rules -------------------------------------------------------------------------------


def _check_params(kind: str, params: dict[str, Any], problems: ProblemList) -> dict[str, Any]:
    known = rules.DEFAULT_PARAMS[kind]
    checked = dict(known)
    for name, value in params.items():
        if name not in known:
            problems.add("unknown_param", _("This rule has no such parameter."), field=name)
        elif name == "categories":
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                problems.add("bad_param", _("A list of category codes."), field=name)
            checked[name] = value
        elif isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
            problems.add("bad_param", _("A positive number."), field=name)
        else:
            checked[name] = value
    return checked


def rule_flag_count(rule: RentalRule, node: Node, today: date) -> tuple[int, int]:
    """(homes the rule would flag, homes) under the node, evaluated chunk by chunk."""
    baseline = rules.run_baseline(node, [rule], today)
    flagged = total = 0
    after = 0
    while chunk := rules.chunk_after(node, after, CHUNK_HOMES):
        flagged += len(rules.evaluate(rule, chunk, baseline, today))
        total += len(chunk)
        after = chunk[-1].id
    return flagged, total


def may_change_rules(actor: User) -> bool:
    return actor.role in RULE_ROLES and scope_root(actor).level == Level.CITY


@transaction.atomic
def rule_save(
    *,
    actor: User,
    code: str,
    name: str,
    kind: str,
    params: dict[str, Any],
    max_share: Decimal,
    active: bool = True,
    confirm: bool = False,
) -> RentalRule:
    """Create or change a rule. One that would flag more than its `max_share` of the homes in
    the actor's jurisdiction is refused with the share found unless `confirm` is given."""
    if not may_change_rules(actor):
        raise PermissionDenied(_("Only the city's commander may change the rules."))
    problems = ProblemList()
    if kind not in RuleKind.values:
        problems.add("bad_kind", _("No such kind of rule."), field="kind")
        problems.raise_if_any(_("The rule is not valid."))
    checked = _check_params(kind, params, problems)
    if not Decimal(0) < max_share <= Decimal(1):
        problems.add("bad_share", _("A share between 0 and 1."), field="max_share")
    if not code.strip() or not name.strip():
        problems.add("required", _("A code and a name are required."), field="code")
    problems.raise_if_any(_("The rule is not valid."))
    rule = RentalRule.objects.filter(code=code).first() or RentalRule(code=code)
    rule.name, rule.kind, rule.params, rule.max_share, rule.active = (
        name,
        kind,
        checked,
        max_share,
        active,
    )
    if active and not confirm:
        flagged, homes = rule_flag_count(rule, scope_root(actor), timezone.localdate())
        found = rules.share(flagged, homes)
        if found > max_share:
            raise Conflict(
                _(
                    "The rule would flag %(flagged)d of %(homes)d homes (%(share).1f %%), more "
                    "than its limit of %(limit).1f %%; confirm to save it anyway."
                )
                % {
                    "flagged": flagged,
                    "homes": homes,
                    "share": found * 100,
                    "limit": max_share * 100,
                },
                code="rule_too_broad",
            )
    rule.save()
    audit_record(
        actor=actor,
        action="rentals.rule_save",
        target=rule,
        detail={"params": checked, "max_share": str(max_share), "active": active},
    )
    return rule


# ---- meter readings ----------------------------------------------------------------------

HEADERS = {
    "address_code": "address_code",
    "地址编码": "address_code",
    "address": "address",
    "地址": "address",
    "month": "month",
    "月份": "month",
    "utility": "utility",
    "类别": "utility",
    "amount": "amount",
    "用量": "amount",
}
UTILITY_NAMES = {
    "water": Utility.WATER,
    "水": Utility.WATER,
    "power": Utility.POWER,
    "电": Utility.POWER,
}
MAX_AMOUNT = Decimal("1000000")


def _parse_month(text: str) -> date | None:
    try:
        year, month = text.strip().replace("/", "-").split("-")[:2]
        return date(int(year), int(month), 1)
    except ValueError:
        return None


def _parse_rows(content: bytes) -> tuple[list[dict[str, Any]], ProblemList]:
    problems = ProblemList()
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        problems.add("encoding", _("The file must be UTF-8 text (CSV)."))
        return [], problems
    reader = csv.DictReader(io.StringIO(text))
    columns = {HEADERS.get((h or "").strip()) for h in reader.fieldnames or []}
    missing = {"month", "utility", "amount"} - columns
    if missing or not columns & {"address_code", "address"}:
        problems.add(
            "columns", _("Columns needed: address_code or address, month, utility, amount.")
        )
        return [], problems
    parsed: list[dict[str, Any]] = []
    for index, raw in enumerate(reader, start=2):
        row = {
            HEADERS[k.strip()]: (v or "").strip()
            for k, v in raw.items()
            if k and k.strip() in HEADERS
        }
        month = _parse_month(row.get("month", ""))
        utility = UTILITY_NAMES.get(row.get("utility", "").lower())
        try:
            amount = Decimal(row.get("amount", ""))
        except InvalidOperation:
            amount = Decimal(-1)
        if month is None or month > timezone.localdate():
            problems.add(
                "bad_month",
                _("A month like 2026-11, not in the future."),
                index=index,
                field="month",
            )
        if utility is None:
            problems.add("bad_utility", _("water or power."), index=index, field="utility")
        if not Decimal(0) <= amount < MAX_AMOUNT:
            problems.add("bad_amount", _("A use of 0 or more."), index=index, field="amount")
        if not row.get("address_code") and not row.get("address"):
            problems.add(
                "no_address", _("An address or address code."), index=index, field="address"
            )
        parsed.append({**row, "line": index, "month": month, "utility": utility, "amount": amount})
    return parsed, problems


@transaction.atomic
def meter_import(*, actor: User, name: str, content: bytes) -> MeterBatch:
    """Import a utility's monthly readings. Every row is checked first and any bad row refuses
    the whole file; rows for homes the registry does not know are kept and counted as
    unknown, never dropped. Importing the same file again changes nothing."""
    if actor.role not in CENTRE_ROLES:
        raise PermissionDenied(_("Only centre staff may import meter readings."))
    rows, problems = _parse_rows(content)
    problems.raise_if_any(_("The file has errors; nothing was imported."))
    homes = Home.objects.visible_to(scope_of(actor))
    codes = {r["address_code"] for r in rows if r.get("address_code")}
    addresses = {r["address"] for r in rows if r.get("address")}
    by_code = dict(homes.filter(address_code__in=codes).values_list("address_code", "pk"))
    by_address = dict(homes.filter(address__in=addresses).values_list("address", "pk"))
    batch = MeterBatch.objects.create(
        node=scope_root(actor),
        name=name[:200],
        sha256=hashlib.sha256(content).hexdigest(),
        rows=len(rows),
        imported_by=actor,
    )
    known: dict[tuple[int, date, str], Decimal] = {}
    unknown: list[MeterReading] = []
    for row in rows:
        home_id = by_code.get(row.get("address_code", "")) or by_address.get(row.get("address", ""))
        if home_id is not None:
            known[(home_id, row["month"], row["utility"])] = row["amount"]
            continue
        unknown.append(
            MeterReading(
                batch=batch,
                address_code=row.get("address_code", ""),
                address=row.get("address", ""),
                month=row["month"],
                utility=row["utility"],
                amount=row["amount"],
            )
        )
    existing = {
        (r.home_id, r.month, r.utility): r
        for r in MeterReading.objects.unscoped().filter(
            home_id__in={k[0] for k in known}, month__in={k[1] for k in known}
        )
    }
    changed = []
    for key, amount in known.items():
        reading = existing.get(key)
        if reading is not None and reading.amount != amount:
            reading.amount, reading.batch = amount, batch
            changed.append(reading)
    MeterReading.objects.bulk_update(changed, ["amount", "batch"], batch_size=1000)
    MeterReading.objects.bulk_create(
        [
            MeterReading(batch=batch, home_id=k[0], month=k[1], utility=k[2], amount=a)
            for k, a in known.items()
            if k not in existing
        ],
        batch_size=1000,
    )
    kept = _unknown_not_kept(unknown)
    MeterReading.objects.bulk_create(kept, batch_size=1000)
    batch.matched = len(rows) - len(unknown)
    batch.unknown = len(unknown)
    batch.save(update_fields=["matched", "unknown"])
    audit_record(
        actor=actor,
        action="rentals.meter_import",
        target=batch,
        detail={"rows": batch.rows, "matched": batch.matched, "unknown": batch.unknown},
    )
    return batch


def _unknown_not_kept(rows: list[MeterReading]) -> list[MeterReading]:
    """The unknown rows not already kept from an earlier import of the same readings."""
    if not rows:
        return []
    kept = set(
        MeterReading.objects.unscoped()
        .filter(home__isnull=True, month__in={r.month for r in rows})
        .values_list("address_code", "address", "month", "utility")
    )
    return [r for r in rows if (r.address_code, r.address, r.month, r.utility) not in kept]


# ---- rule runs ---------------------------------------------------------------------------


@transaction.atomic
def rules_run_start(*, actor: User | None, node: Node) -> RuleRun:
    """Queue a pass of the active rules over the homes under `node` (a task runs it in chunks)."""
    if actor is not None and actor.role not in CENTRE_ROLES:
        raise PermissionDenied(_("Only centre staff may run the rules."))
    active = list(RentalRule.objects.filter(active=True))
    run = RuleRun.objects.create(
        node=node,
        started_by=actor,
        started_at=timezone.now(),
        homes_total=rules.homes_under(node).count(),
        baseline=rules.run_baseline(node, active, timezone.localdate()),
    )
    audit_record(actor=actor, action="rentals.rules_run", target=run, detail={"node": node.code})
    task_enqueue(task=RUN_TASK, run_id=run.pk)
    return run


def rules_run_advance(*, run_id: int, budget_seconds: float = 60.0) -> bool:
    """Run chunks of the run until it is done or the budget is spent; True when finished.

    Each chunk commits with its cases and the run's checkpoint (`last_home_id`), so a task
    killed half-way resumes after the last committed chunk and opens no case twice."""
    deadline = time.monotonic() + budget_seconds
    while time.monotonic() < deadline:
        with transaction.atomic():
            run = (
                RuleRun.objects.unscoped().select_for_update().select_related("node").get(pk=run_id)
            )
            if run.finished_at is not None:
                return True
            chunk = rules.chunk_after(run.node, run.last_home_id, CHUNK_HOMES)
            if not chunk:
                _run_finish(run)
                return True
            _run_chunk(run, chunk)
    return False


def _run_chunk(run: RuleRun, chunk: rules.Chunk) -> None:
    today = timezone.localdate(run.started_at)
    found: dict[int, dict[RentalRule, rules.Evidence]] = {}
    for rule in RentalRule.objects.filter(active=True):
        hits = rules.evaluate(rule, chunk, run.baseline, today)
        run.hits[rule.code] = run.hits.get(rule.code, 0) + len(hits)
        for home_id, evidence in hits.items():
            found.setdefault(home_id, {})[rule] = evidence
    run.cases_opened += cases_open(found, run)
    run.homes_done += len(chunk)
    run.last_home_id = chunk[-1].id
    run.save(update_fields=["hits", "cases_opened", "homes_done", "last_home_id"])


def _run_finish(run: RuleRun) -> None:
    """Stamp the end, and warn of every rule that flagged more than its share of the homes."""
    rules_by_code = {r.code: r for r in RentalRule.objects.all()}
    for code, hits in sorted(run.hits.items()):
        rule = rules_by_code.get(code)
        if rule is not None and rules.share(hits, run.homes_done) > rule.max_share:
            run.warnings.append(
                {
                    "rule": code,
                    "hits": hits,
                    "homes": run.homes_done,
                    "max_share": str(rule.max_share),
                }
            )
    run.finished_at = timezone.now()
    run.save(update_fields=["warnings", "finished_at"])


def cases_open(found: dict[int, dict[RentalRule, rules.Evidence]], run: RuleRun | None) -> int:
    """A case per flagged home without an open case or a recent dismissal; an open case gains
    the hits of rules that had not flagged it yet. Answers the number of cases opened."""
    if not found:
        return 0
    now = timezone.now()
    cases = RentalCase.objects.unscoped()
    open_by_home = {
        c.home_id: c
        for c in cases.filter(home_id__in=list(found), status__in=[s.value for s in OPEN_STATUSES])
    }
    quiet = set(
        cases.filter(
            home_id__in=list(found),
            status=Status.DISMISSED,
            dismissed_at__gte=now - timedelta(days=QUIET_DAYS),
        ).values_list("home_id", flat=True)
    )
    grids = dict(Home.objects.unscoped().filter(pk__in=list(found)).values_list("pk", "grid_id"))
    new = [
        RentalCase(home_id=home_id, grid_id=grids[home_id], run=run, suspected_at=now)
        for home_id in found
        if home_id not in open_by_home and home_id not in quiet
    ]
    for case in RentalCase.objects.bulk_create(new):
        open_by_home[case.home_id] = case
    CaseHit.objects.bulk_create(
        [
            CaseHit(case=open_by_home[home_id], rule=rule, evidence=evidence, at=now)
            for home_id, hits in found.items()
            if home_id in open_by_home
            for rule, evidence in hits.items()
        ],
        ignore_conflicts=True,
    )
    CaseTransition.objects.bulk_create(
        [CaseTransition(case=c, to_status=Status.SUSPECTED, command="flag", at=now) for c in new]
    )
    return len(new)


# ---- the case loop -----------------------------------------------------------------------


def _hazard_point(case: RentalCase) -> tuple[float, float]:
    """Where the referred event is filed: the home's standard address, else inside its grid."""
    address = Address.objects.unscoped().filter(code=case.home.address_code).first()
    if address is not None and case.home.address_code:
        return address.lon, address.lat
    point = shapely.from_wkb(case.grid.boundary).representative_point()
    return point.x, point.y


def _extra(category_code: str, case: RentalCase) -> dict[str, Any]:
    """The category's own fields that the case can fill: the home's address, the people found."""
    known = {"address": case.home.address, "occupants": case.people_found}
    category = Category.objects.filter(code=category_code).first()
    fields = category.extra_fields if category is not None else []
    return {
        f["code"]: known[f["code"]]
        for f in fields
        if f.get("code") in known and known[f["code"]] is not None
    }


def _refer(actor: User, case: RentalCase) -> None:
    lon, lat = _hazard_point(case)
    for row in case.hazards.filter(event__isnull=True):
        event = event_report(
            extra=_extra(HAZARD_CATEGORIES[row.hazard], case),
            actor=actor,
            category_code=HAZARD_CATEGORIES[row.hazard],
            description=f"{row.get_hazard_display()}：{case.home.address}（{case.finding}）",
            lon=lon,
            lat=lat,
            address=case.home.address,
        )
        row.event = event
        row.save(update_fields=["event"])


@transaction.atomic
def case_apply(
    *,
    actor: User | None,
    case_id: int,
    command: str,
    expected_version: int,
    note: str = "",
    finding: str = "",
    people_found: int | None = None,
    hazards: Sequence[str] = (),
) -> RentalCase:
    """Apply one command to a case. Confirming with hazards refers them at once: each becomes
    an event of its category, dispatched to the responsible department by the loop."""
    scope = scope_of(actor) if actor is not None else Scope()
    case = (
        RentalCase.objects.visible_to(scope)
        .select_for_update()
        .select_related("home", "grid")
        .filter(pk=case_id)
        .first()
    )
    if case is None:
        raise NotFound(_("No such case."), code="case_not_found")
    if actor is not None and actor.role not in COMMAND_ROLES.get(command, frozenset()):
        raise PermissionDenied(_("Your role may not do this."), code="command_not_permitted")
    target = (
        TRANSITIONS.get((Status(case.status), Command(command)))
        if command in Command.values
        else None
    )
    if target is None:
        raise Conflict(
            _("This case cannot do that now; it can: %(allowed)s")
            % {"allowed": ", ".join(allowed(case.status)) or "-"},
            code="transition_not_allowed",
        )
    if expected_version != case.version:
        raise Conflict(_("Someone changed the case meanwhile; reload it."), code="stale_version")
    problems = ProblemList()
    unknown = [h for h in hazards if h not in Hazard.values]
    if unknown:
        problems.add("bad_hazard", _("No such hazard."), field="hazards", item=",".join(unknown))
    if command == Command.CONFIRM and not finding.strip():
        problems.add("required", _("Describe what was found on site."), field="finding")
    problems.raise_if_any(_("The step is not valid."))
    case = _advance(actor, case, Command(command), target, note)
    if command == Command.CONFIRM:
        case.finding, case.people_found = finding.strip(), people_found
        case.save(update_fields=["finding", "people_found"])
        CaseHazard.objects.bulk_create(
            [CaseHazard(case=case, hazard=h) for h in dict.fromkeys(hazards)]
        )
        if hazards and actor is not None:
            case = _advance(actor, case, Command.REFER, Status.RECTIFYING, "")
            _refer(actor, case)
    elif command == Command.DISMISS and finding:
        case.finding = finding.strip()
        case.save(update_fields=["finding"])
    if command == Command.VERIFY and actor is not None:
        case.field_task = field_task_create(
            actor=actor,
            kind=TASK_KIND,
            title=str(_("Verify a suspected overcrowded rental")),
            grid=case.grid,
            target_kind=TargetKind.HOME,
            target_id=case.home_id,
            target_label=case.home.address,
            source_key=f"rentals.case:{case.pk}:verify",
            payload={"case": case.pk},
        )
        case.save(update_fields=["field_task"])
        notices.verification_sent(case)
    elif command in (Command.CONFIRM, Command.DISMISS) and actor is not None:
        _task_close(actor, case, command)
    return case


def _task_close(actor: User, case: RentalCase, command: str) -> None:
    """The field task ends with the case's verification: completed with the finding when its
    grid worker decides, cancelled when the centre dismisses the case over it."""
    task = case.field_task
    if task is None or task.status != FieldStatus.OPEN:
        return
    if actor.role == Role.GRID_WORKER:
        field_task_complete(
            actor=actor,
            task=task,
            result={
                "decision": command,
                "people_found": case.people_found,
                "hazards": sorted(case.hazards.values_list("hazard", flat=True)),
            },
            note=case.finding,
        )
    else:
        field_task_cancel(actor=actor, task=task, reason=str(_("The case was dismissed.")))


def _advance(
    actor: User | None, case: RentalCase, command: Command, target: Status, note: str
) -> RentalCase:
    now = timezone.now()
    before = case.status
    RentalCase.objects.unscoped().filter(pk=case.pk).update(
        status=target, version=F("version") + 1, **{f"{target}_at": now}
    )
    case.refresh_from_db()
    CaseTransition.objects.create(
        case=case,
        from_status=before,
        to_status=target,
        command=command,
        actor=actor,
        at=now,
        note=note,
    )
    audit_record(
        actor=actor,
        action=f"rentals.case_{command}",
        target=case,
        detail={"from": before, "to": target},
    )
    return case


def cases_follow() -> int:
    """Rectify every case whose referred events are all closed (the periodic follow-up)."""
    still_open = CaseHazard.objects.filter(event__isnull=False).exclude(
        event__status__in=[s.value for s in EVENT_CLOSED]
    )
    waiting = (
        RentalCase.objects.unscoped()
        .filter(status=Status.RECTIFYING)
        .exclude(pk__in=still_open.values("case_id"))
        .values_list("pk", "version")
    )
    done = 0
    for case_id, version in list(waiting):
        case_apply(actor=None, case_id=case_id, command=Command.RECTIFY, expected_version=version)
        done += 1
    return done


def cases_send_for_verification(*, actor: User, case_ids: Iterable[int]) -> int:
    sent = 0
    for case in (
        RentalCase.objects.visible_to(scope_of(actor))
        .filter(pk__in=list(case_ids), status=Status.SUSPECTED)
        .values_list("pk", "version")
    ):
        case_apply(actor=actor, case_id=case[0], command=Command.VERIFY, expected_version=case[1])
        sent += 1
    return sent
