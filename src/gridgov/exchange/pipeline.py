"""Rows → validated, placed, encrypted records → one upsert per batch.

Each batch is one transaction that also moves the job's checkpoint, so a
process killed at any moment leaves whole batches and a checkpoint that
names exactly the last of them; a re-run starts after it. The batch locks
the job row and refuses to commit when the checkpoint moved since the run
read it, so two runs of one job (a command and a polling page) never count
a row twice. The upsert
touches a record only when a compared column differs, so importing the
same rows again writes nothing. On PostgreSQL a batch is COPYed into a
temporary staging table and merged with one INSERT … ON CONFLICT; other
databases take a bulk_create/bulk_update path with the same outcome.

A row that would change a record someone has verified on the ground is not
written: it becomes a verification task for that grid's worker in the same
transaction (collect → verify), and the worker's decision updates the
record. New records and records never verified are written directly; the
stale sweep sends them to a worker later (ADR 10).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.db import connection, models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.addresses.explain import explanation
from gridgov.addresses.matcher import Match
from gridgov.addresses.selectors import address_match_many
from gridgov.core.errors import Conflict, ProblemList
from gridgov.exchange.columns import COLUMNS, Column, choice
from gridgov.exchange.models import ImportJob, ImportKind, ImportRowError
from gridgov.exchange.readers import _reject
from gridgov.jurisdiction.models import Level, Node
from gridgov.registry import crypto
from gridgov.registry.models import Home, Organisation, Person
from gridgov.registry.validation import credit_code_check, phone_check, resident_id_check
from gridgov.verification.actions import import_changes_propose
from gridgov.verification.models import RecordKind

if TYPE_CHECKING:
    from gridgov.accounts.models import User

BATCH_SIZE = 5000
# Distinct addresses an import remembers the match of (a few hundred bytes each).
MATCH_MEMO = 200_000
_DATE = re.compile(r"^(\d{4})[-/.年]?(\d{1,2})[-/.月]?(\d{1,2})日?$")


class CheckpointMoved(Conflict):
    """Another run of the same job committed past the rows this run prepared."""

    code = "checkpoint_moved"


@dataclass
class RowIssue:
    row: int
    column: str
    value: str
    code: str
    reason: str


@dataclass(frozen=True)
class Spec:
    """How one kind's records are keyed, compared and written.

    `proposed` names the prepared values a verified record's change is held
    with: fields a source may propose (verification.fields), the phone in
    plaintext so the task can seal it.
    """

    model: type[models.Model]
    record_kind: str
    key: tuple[str, ...]
    compared: tuple[str, ...]
    proposed: tuple[str, ...]
    insert_only: tuple[str, ...] = ()
    constants: dict[str, Any] = field(default_factory=dict)

    @property
    def columns(self) -> tuple[str, ...]:
        return (*self.key, *self.compared, *self.insert_only, "source", "source_time")


_PLACED = ("grid_id", "community_id", "address_code")
SPECS: dict[str, Spec] = {
    ImportKind.PEOPLE: Spec(
        Person,
        RecordKind.PERSON,
        key=("id_number_index",),
        compared=(
            "name",
            "id_number_masked",
            "birth_date",
            "sex",
            "kind",
            "moved_in",
            "phone_index",
            "phone_masked",
            "phone_encrypted",
            *_PLACED,
        ),
        proposed=("name", "phone", "kind", "moved_in", "address_code"),
        insert_only=("id_number_encrypted",),
        constants={"service_tags": "[]"},
    ),
    ImportKind.HOMES: Spec(
        Home,
        RecordKind.HOME,
        key=("grid_id", "address"),
        compared=("floor_area", "use", "tenure", "community_id", "address_code"),
        proposed=("floor_area", "use", "tenure", "address_code"),
    ),
    ImportKind.ORGANISATIONS: Spec(
        Organisation,
        RecordKind.ORGANISATION,
        key=("credit_code",),
        compared=("name", "kind", "address", "staff_count", *_PLACED),
        proposed=("name", "kind", "address", "staff_count", "address_code"),
        constants={"small_venue": False},
    ),
}
# A phone's ciphertext changes on every encryption; its blind index says whether it changed.
_NOT_COMPARED = frozenset({"phone_encrypted"})


@dataclass
class Prepared:
    row: int
    values: dict[str, Any]

    def key(self, spec: Spec) -> tuple[Any, ...]:
        return tuple(self.values[k] for k in spec.key)

    def proposal(self, spec: Spec) -> dict[str, Any]:
        return {name: self.values[name] for name in spec.proposed}


@dataclass
class BatchResult:
    records: list[Prepared] = field(default_factory=list)
    issues: list[RowIssue] = field(default_factory=list)
    merged: list[RowIssue] = field(default_factory=list)
    # Where the batch's values come from, for the provenance of held changes.
    source: str = ""
    source_time: datetime | None = None


def column_map(kind: str, header: Sequence[str]) -> list[Column | None]:
    """Each header cell's column; unknown or missing columns reject the whole file."""
    by_header = {c.header: c for c in COLUMNS[kind]}
    unknown = [h for h in header if h and h not in by_header]
    missing = [c.header for c in COLUMNS[kind] if c.required and c.header not in header]
    if unknown or missing:
        parts = []
        if unknown:
            parts.append(_("unknown columns: %(cols)s") % {"cols": "、".join(unknown)})
        if missing:
            parts.append(_("missing columns: %(cols)s") % {"cols": "、".join(missing)})
        raise _reject(
            "bad_columns",
            _("The header does not fit this kind of file: %(what)s") % {"what": "; ".join(parts)},
        )
    return [by_header.get(h) for h in header]


def _date(text: str) -> date | None:
    found = _DATE.match(text)
    if found is None:
        raise ValueError(text)
    return date(int(found[1]), int(found[2]), int(found[3]))


class Preparer:
    """Validates, places and encrypts rows for one importer; reads nothing per row."""

    def __init__(self, kind: str, actor: User, source: str) -> None:
        from gridgov.jurisdiction.selectors import scope_root

        self.kind = kind
        self.actor = actor
        self.spec = SPECS[kind]
        self.root = scope_root(actor).code
        self.source = source[:64]
        self.source_time = timezone.now()
        self.grids: dict[str, tuple[int, int]] = {
            code: (pk, parent or pk)
            for pk, code, parent in Node.objects.filter(
                level=Level.GRID, code__startswith=self.root
            ).values_list("id", "code", "parent_id")
        }
        self.ring = crypto.keyring()
        self.personal = {c.field for c in COLUMNS[kind] if c.personal}
        self.headers = {c.field: c.header for c in COLUMNS[kind]}
        self.matched: dict[str, Match] = {}

    def _match(self, texts: list[str]) -> list[Match]:
        """Each distinct address once per import: a department file lists a household's people
        at one address, and matching was a third of an import's time."""
        unknown = list(dict.fromkeys(t for t in texts if t not in self.matched))
        if unknown:
            if len(self.matched) + len(unknown) > MATCH_MEMO:
                self.matched.clear()
            self.matched.update(zip(unknown, address_match_many(self.actor, unknown), strict=True))
        return [self.matched[t] for t in texts]

    def _issue(self, row: int, fieldname: str, value: str, code: str, reason: object) -> RowIssue:
        """The stored issue masks identifiers wherever they are: an ID number typed into the
        address column, or a phone into the name, is as personal as in its own column."""
        if fieldname == "id_number":
            value = crypto.mask_id_number(value)
        elif fieldname == "phone":
            value = crypto.mask_phone(value)
        return RowIssue(
            row,
            self.headers.get(fieldname, fieldname),
            crypto.redact(value)[:255],
            code,
            crypto.redact(str(reason))[:255],
        )

    def prepare(
        self, columns: list[Column | None], rows: Iterable[tuple[int, list[str]]]
    ) -> BatchResult:
        result = BatchResult(source=self.source, source_time=self.source_time)
        pending: list[tuple[int, dict[str, str], dict[str, Any]]] = []
        for number, cells in rows:
            raw = {
                c.field: (cells[i] if i < len(cells) else "")
                for i, c in enumerate(columns)
                if c is not None
            }
            issues: list[RowIssue] = []
            values = self._values(number, raw, issues)
            if issues:
                result.issues.extend(issues)
            else:
                pending.append((number, raw, values))
        # Scoped like the address pages: an address of another jurisdiction reads as not found.
        matches = self._match([raw["address"] for _, raw, _ in pending])
        by_key: dict[tuple[Any, ...], Prepared] = {}
        for (number, raw, values), match in zip(pending, matches, strict=True):
            placed = self.grids.get(match.grid) if match.status == "matched" else None
            if placed is None:
                reason = match.reason or match.status if match.status != "matched" else "not_found"
                result.issues.append(
                    self._issue(
                        number,
                        "address",
                        raw["address"],
                        f"address_{reason}",
                        " ".join(
                            (
                                _("The address matches no single standard address."),
                                explanation(match),
                            )
                        ),
                    )
                )
                continue
            values["grid_id"], values["community_id"] = placed
            values["address_code"] = match.code
            if "address" in self.spec.compared or "address" in self.spec.key:
                values["address"] = match.label[:255]
            values["source"], values["source_time"] = self.source, self.source_time
            record = Prepared(number, values)
            earlier = by_key.pop(record.key(self.spec), None)
            if earlier is not None:
                result.merged.append(
                    RowIssue(
                        earlier.row,
                        "",
                        "",
                        "duplicate_merged",
                        _("Same record as row %(row)s, which replaces it.") % {"row": number},
                    )
                )
            by_key[record.key(self.spec)] = record
        result.records = list(by_key.values())
        return result

    def _choice(
        self, number: int, raw: dict[str, str], name: str, issues: list[RowIssue], default: str = ""
    ) -> str:
        cell = raw.get(name, "")
        if not cell:
            if not default:
                issues.append(self._issue(number, name, cell, "required", _("This is required.")))
            return default
        value = choice(self.kind, name, cell)
        if value is None:
            issues.append(
                self._issue(number, name, cell, "invalid_choice", _("Not a valid choice."))
            )
            return default
        return value

    def _optional_date(
        self, number: int, raw: dict[str, str], name: str, issues: list[RowIssue]
    ) -> date | None:
        cell = raw.get(name, "")
        if not cell:
            return None
        try:
            return _date(cell)
        except ValueError:
            issues.append(
                self._issue(
                    number, name, cell, "invalid_date", _("A date is written as 2024-05-01.")
                )
            )
            return None

    def _problems(
        self, number: int, raw: dict[str, str], problems: ProblemList, issues: list[RowIssue]
    ) -> None:
        for p in problems.problems:
            issues.append(self._issue(number, p.field, raw.get(p.field, ""), p.code, p.message))

    def _values(self, number: int, raw: dict[str, str], issues: list[RowIssue]) -> dict[str, Any]:
        for name in (c.field for c in COLUMNS[self.kind] if c.required):
            if not raw.get(name) and name != "kind":
                issues.append(self._issue(number, name, "", "required", _("This is required.")))
        if issues:
            return {}
        return getattr(self, f"_{self.kind}")(number, raw, issues)  # type: ignore[no-any-return]

    def _people(self, number: int, raw: dict[str, str], issues: list[RowIssue]) -> dict[str, Any]:
        problems = ProblemList()
        birth = self._optional_date(number, raw, "birth_date", issues)
        sex = choice(self.kind, "sex", raw["sex"]) if raw.get("sex") else ""
        if sex is None:
            issues.append(
                self._issue(number, "sex", raw["sex"], "invalid_choice", _("Not a valid choice."))
            )
            sex = ""
        resident = resident_id_check(problems, raw["id_number"], birth_date=birth, sex=sex)
        phone = phone_check(problems, raw.get("phone", ""))
        self._problems(number, raw, problems, issues)
        kind = self._choice(number, raw, "kind", issues)
        moved_in = self._optional_date(number, raw, "moved_in", issues)
        name = raw["name"].strip()
        if len(name) > 64:
            issues.append(self._issue(number, "name", name, "too_long", _("The name is too long.")))
        if issues or resident is None:
            return {}
        return {
            "name": name,
            **crypto.seal(resident.number, crypto.PERSON_ID_NUMBER, ring=self.ring).columns(
                "id_number"
            ),
            "birth_date": resident.birth_date,
            "sex": resident.sex,
            "kind": kind,
            "moved_in": moved_in,
            **crypto.seal(phone, crypto.PERSON_PHONE, ring=self.ring).columns("phone"),
            # Never written to the record; a held change seals it in its task.
            "phone": phone,
        }

    def _homes(self, number: int, raw: dict[str, str], issues: list[RowIssue]) -> dict[str, Any]:
        area: Decimal | None = None
        if raw.get("floor_area"):
            try:
                area = Decimal(raw["floor_area"]).quantize(Decimal("0.01"))
                if not 0 < area < 10_000_000:
                    raise InvalidOperation
            except InvalidOperation:
                issues.append(
                    self._issue(
                        number,
                        "floor_area",
                        raw["floor_area"],
                        "invalid_number",
                        _("The floor area is a positive number."),
                    )
                )
        use = self._choice(number, raw, "use", issues, default="residential")
        tenure = self._choice(number, raw, "tenure", issues, default="owner")
        return {} if issues else {"floor_area": area, "use": use, "tenure": tenure}

    def _organisations(
        self, number: int, raw: dict[str, str], issues: list[RowIssue]
    ) -> dict[str, Any]:
        problems = ProblemList()
        code = credit_code_check(problems, raw["credit_code"])
        self._problems(number, raw, problems, issues)
        kind = self._choice(number, raw, "kind", issues)
        staff: int | None = None
        if raw.get("staff_count"):
            try:
                staff = int(raw["staff_count"])
                if staff < 0:
                    raise ValueError
            except ValueError:
                issues.append(
                    self._issue(
                        number,
                        "staff_count",
                        raw["staff_count"],
                        "invalid_number",
                        _("The staff count is a whole number."),
                    )
                )
        name = raw["name"].strip()
        if len(name) > 128:
            issues.append(self._issue(number, "name", name, "too_long", _("The name is too long.")))
        return (
            {}
            if issues
            else {"name": name, "credit_code": code, "kind": kind, "staff_count": staff}
        )


def batches(
    rows: Iterator[tuple[int, list[str]]], size: int
) -> Iterator[list[tuple[int, list[str]]]]:
    batch: list[tuple[int, list[str]]] = []
    for item in rows:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


# Writing ----------------------------------------------------------------------


def _existing(
    spec: Spec, records: list[Prepared], root: str
) -> tuple[set[tuple[Any, ...]], dict[tuple[Any, ...], int]]:
    """Keys registered outside the importer's jurisdiction, and verified records' keys → pks.

    One indexed query per batch, as the jurisdiction check alone was, so a
    file of new records (the department-scale case) pays nothing more. A
    person or an organisation is keyed city-wide and may sit in any grid; a
    home is keyed inside its grid, which the matcher placed in the
    importer's jurisdiction.
    """
    manager = spec.model._default_manager
    verified = Q(verified_at__isnull=False)
    elsewhere: set[tuple[Any, ...]] = set()
    held: dict[tuple[Any, ...], int] = {}
    if len(spec.key) == 1:
        name = spec.key[0]
        found = (
            manager.filter(**{f"{name}__in": [r.values[name] for r in records]})
            .filter(verified | ~Q(grid__code__startswith=root))
            .order_by()
            .values_list(name, "pk", "grid__code")
        )
        for key, pk, code in found:
            if code.startswith(root):
                held[(key,)] = pk
            else:
                elsewhere.add((key,))
        return elsewhere, held
    wanted = {r.key(spec) for r in records}
    found = (
        manager.filter(
            verified,
            grid_id__in={r.values["grid_id"] for r in records},
            address__in={r.values["address"] for r in records},
        )
        .order_by()
        .values_list("grid_id", "address", "pk")
    )
    return elsewhere, {
        (grid, address): pk for grid, address, pk in found if (grid, address) in wanted
    }


def _upsert_generic(spec: Spec, records: list[Prepared]) -> tuple[int, int]:
    manager = spec.model._default_manager
    now = timezone.now()
    if len(spec.key) == 1:
        existing: dict[tuple[Any, ...], models.Model] = {
            (getattr(o, spec.key[0]),): o
            for o in manager.filter(
                **{f"{spec.key[0]}__in": [r.values[spec.key[0]] for r in records]}
            )
        }
    else:
        grids = {r.values["grid_id"] for r in records}
        existing = {
            (getattr(o, "grid_id"), getattr(o, "address")): o  # noqa: B009
            for o in manager.filter(grid_id__in=grids)
        }
    new: list[models.Model] = []
    changed: list[models.Model] = []
    compared = [c for c in spec.compared if c not in _NOT_COMPARED]
    for record in records:
        obj = existing.get(record.key(spec))
        if obj is None:
            new.append(
                spec.model(
                    **{c: record.values[c] for c in spec.columns},
                    **_constants(spec),
                    created_at=now,
                    updated_at=now,
                )
            )
            continue
        if all(_same(getattr(obj, c), record.values[c]) for c in compared):
            continue
        for name in (*spec.compared, "source", "source_time"):
            setattr(obj, name, record.values[name])
        obj.updated_at = now  # type: ignore[attr-defined]
        changed.append(obj)
    manager.bulk_create(new)
    if changed:
        manager.bulk_update(
            changed,
            [
                *(c.removesuffix("_id") for c in spec.compared),
                "source",
                "source_time",
                "updated_at",
            ],
        )
    return len(new), len(changed)


def _constants(spec: Spec) -> dict[str, Any]:
    return {k: ([] if v == "[]" else v) for k, v in spec.constants.items()}


def _same(stored: Any, new: Any) -> bool:
    if isinstance(stored, Decimal) and new is not None:
        return stored == Decimal(new)
    return bool(stored == new)


def _upsert_postgres(spec: Spec, records: list[Prepared]) -> tuple[int, int]:
    table = spec.model._meta.db_table
    columns = spec.columns
    column_types = {f.column: f.db_type(connection) for f in spec.model._meta.concrete_fields}
    staging = "exchange_staging"
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS {staging}_{table} "  # noqa: S608
            f"({', '.join(f'{c} {column_types[c]}' for c in columns)}) ON COMMIT DELETE ROWS"
        )
        # A batch inside an outer transaction (a test, a caller's atomic block) commits only a
        # savepoint, which does not empty the table: an earlier batch's rows would merge again.
        cursor.execute(f"TRUNCATE {staging}_{table}")
        raw = cursor.cursor
        with raw.copy(f"COPY {staging}_{table} ({', '.join(columns)}) FROM STDIN") as copy:
            for record in records:
                copy.write_row([record.values[c] for c in columns])
        constant_cols = list(spec.constants)
        constant_vals = [
            f"'{v}'::jsonb" if v == "[]" else str(v).lower() for v in spec.constants.values()
        ]
        compared = [c for c in spec.compared if c not in _NOT_COMPARED]
        updates = [*spec.compared, "source", "source_time"]
        targets = ", ".join((*columns, *constant_cols, "created_at", "updated_at"))
        cursor.execute(
            f"INSERT INTO {table} ({targets}) "  # noqa: S608
            f"SELECT {', '.join((*columns, *constant_vals))}, now(), now() FROM {staging}_{table} "
            f"ON CONFLICT ({', '.join(spec.key)}) DO UPDATE SET "
            + ", ".join(f"{c} = EXCLUDED.{c}" for c in updates)
            + ", updated_at = now() WHERE "
            + f"({', '.join(f'{table}.{c}' for c in compared)}) IS DISTINCT FROM "
            + f"({', '.join(f'EXCLUDED.{c}' for c in compared)}) "
            "RETURNING (xmax = 0)"
        )
        flags = [row[0] for row in cursor.fetchall()]
    created = sum(1 for f in flags if f)
    return created, len(flags) - created


Upsert = Callable[[Spec, list[Prepared]], tuple[int, int]]
# By database vendor; any other takes the portable path.
UPSERTS: dict[str, Upsert] = {"postgresql": _upsert_postgres}


def commit_batch(
    job: ImportJob, spec: Spec, result: BatchResult, last_row: int, *, actor: User
) -> None:
    """One transaction: the records, the held changes' tasks, the batch's refused rows, the
    job's counters and checkpoint."""
    from gridgov.audit.actions import audit_record

    with transaction.atomic():
        stored = (
            ImportJob.objects.select_for_update()
            .values_list("checkpoint", flat=True)
            .get(pk=job.pk)
        )
        if stored != job.checkpoint:
            raise CheckpointMoved(_("Another run of this import committed these rows first."))
        elsewhere, verified = _existing(spec, result.records, job.scope_code)
        records: list[Prepared] = []
        changes: dict[int, dict[str, Any]] = {}
        issues = list(result.issues)
        for record in result.records:
            key = record.key(spec)
            if key in elsewhere:
                issues.append(
                    RowIssue(
                        record.row,
                        "",
                        "",
                        "registered_elsewhere",
                        _("This record is registered in another jurisdiction."),
                    )
                )
            elif key in verified:
                changes[verified[key]] = record.proposal(spec)
            else:
                records.append(record)
        created = updated = held = 0
        if records:
            upsert = UPSERTS.get(connection.vendor, _upsert_generic)
            created, updated = upsert(spec, records)
        if changes:
            held = import_changes_propose(
                actor=actor,
                record_kind=spec.record_kind,
                changes=changes,
                batch=result.source,
                source_time=result.source_time,
            )
        ImportRowError.objects.bulk_create(
            ImportRowError(
                job=job, row=i.row, column=i.column, value=i.value, code=i.code, reason=i.reason
            )
            for i in (*issues, *result.merged)
        )
        job.rows_ok += len(records) + len(changes)
        job.rows_bad += len({i.row for i in issues})
        job.rows_merged += len(result.merged)
        job.rows_created += created
        job.rows_updated += updated
        job.rows_held += held
        job.batches_committed += 1
        job.checkpoint = last_row
        job.save(
            update_fields=[
                "rows_ok",
                "rows_bad",
                "rows_merged",
                "rows_created",
                "rows_updated",
                "rows_held",
                "batches_committed",
                "checkpoint",
            ]
        )
        if created or updated:
            audit_record(
                actor=job.created_by,
                action="exchange.import_batch",
                target=job,
                detail={
                    "kind": job.kind,
                    "last_row": last_row,
                    "created": created,
                    "updated": updated,
                },
            )
