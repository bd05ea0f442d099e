"""The bulk upsert: thousands of prepared records of one kind written in one statement.

Exchange prepares the rows (validated, placed, sealed) and calls this in its
batch transaction; nothing else writes registry tables in bulk. A record is
touched only when a compared column differs, so writing the same rows again
writes nothing. On PostgreSQL the batch is COPYed into a temporary staging
table and merged with one INSERT … ON CONFLICT; other databases take a
bulk_create/bulk_update path with the same outcome.

Rows whose record is registered outside the caller's jurisdiction are not
written, nor are rows that would change a record verified on the ground:
those come back as the values proposed for it, for the caller to hold as
verification tasks (verification sits above the registry, collect → verify).

The columns come from the record's spec (registry.records): each imported
field's column, a personal field's three sealed columns, and the placement.
"""

from __future__ import annotations

import copy
import functools
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import connection, models, transaction
from django.db.models import Q
from django.utils import timezone

from gridgov.audit.actions import audit_record
from gridgov.registry.actions import _require_writer
from gridgov.registry.records import SPECS, RecordField, RecordSpec

if TYPE_CHECKING:
    from gridgov.accounts.models import User

# Where the import placed the record: its grid, that grid's community, the matched address.
PLACED = ("grid_id", "community_id", "address_code")


@dataclass(frozen=True)
class BulkShape:
    """How one kind's records are keyed, compared and written in bulk.

    `proposed` names the values a verified record's change is held with: the
    fields a source may propose that an import fills, the phone in plaintext
    so the task can seal it.
    """

    model: type[models.Model]
    key: tuple[str, ...]
    compared: tuple[str, ...]
    proposed: tuple[str, ...]
    insert_only: tuple[str, ...]
    constants: Mapping[str, Any]

    @property
    def columns(self) -> tuple[str, ...]:
        return (*self.key, *self.compared, *self.insert_only, "source", "source_time")

    @property
    def differing(self) -> tuple[str, ...]:
        """The compared columns that say whether a record changed: a ciphertext changes on
        every encryption, its blind index says whether the value did."""
        return tuple(c for c in self.compared if not c.endswith("_encrypted"))


def _columns(spec: RecordSpec, f: RecordField) -> tuple[str, ...]:
    if f.personal:
        return (f"{f.name}_index", f"{f.name}_masked", f"{f.name}_encrypted")
    return (f.name,) if spec.stored(f.name) else ()


def _key_column(spec: RecordSpec, name: str) -> str:
    if name in spec.by_name and spec[name].personal:
        return f"{name}_index"
    return name if spec.stored(name) and name in spec.by_name else f"{name}_id"


@functools.cache
def shape(kind: str) -> BulkShape:
    spec = SPECS[kind]
    key = tuple(_key_column(spec, name) for name in spec.key)
    # A personal key's ciphertext is written once: its blind index finds the record after.
    insert_only = tuple(
        f"{n}_encrypted" for n in spec.key if n in spec.by_name and spec[n].personal
    )
    written = [c for f in spec.imported for c in _columns(spec, f)]
    return BulkShape(
        model=spec.model,
        key=key,
        compared=tuple(c for c in (*written, *PLACED) if c not in key and c not in insert_only),
        proposed=tuple(f.name for f in spec.proposable if f.header or f.name == "address_code"),
        insert_only=insert_only,
        constants=spec.import_defaults,
    )


@dataclass
class BulkRecord:
    row: int
    values: dict[str, Any]

    def key(self, shape: BulkShape) -> tuple[Any, ...]:
        return tuple(self.values[k] for k in shape.key)

    def proposal(self, shape: BulkShape) -> dict[str, Any]:
        return {name: self.values[name] for name in shape.proposed}


@dataclass
class Upserted:
    created: int = 0
    updated: int = 0
    # The rows whose record is registered in another jurisdiction: not written.
    elsewhere: list[BulkRecord] = field(default_factory=list)
    # A verified record's pk → the values proposed for it: not written, to be held.
    held: dict[int, dict[str, Any]] = field(default_factory=dict)
    written: int = 0


def _existing(
    shape: BulkShape, records: list[BulkRecord], root: str
) -> tuple[set[tuple[Any, ...]], dict[tuple[Any, ...], int]]:
    """Keys registered outside the caller's jurisdiction, and verified records' keys → pks.

    One indexed query per batch, as the jurisdiction check alone was, so a
    file of new records (the department-scale case) pays nothing more. A
    person or an organisation is keyed city-wide and may sit in any grid; a
    home is keyed inside its grid, which the matcher placed in the
    caller's jurisdiction.
    """
    manager = shape.model._default_manager
    verified = Q(verified_at__isnull=False)
    elsewhere: set[tuple[Any, ...]] = set()
    held: dict[tuple[Any, ...], int] = {}
    if len(shape.key) == 1:
        name = shape.key[0]
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
    wanted = {r.key(shape) for r in records}
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


def _upsert_generic(shape: BulkShape, records: list[BulkRecord]) -> tuple[int, int]:
    manager = shape.model._default_manager
    now = timezone.now()
    if len(shape.key) == 1:
        existing: dict[tuple[Any, ...], models.Model] = {
            (getattr(o, shape.key[0]),): o
            for o in manager.filter(
                **{f"{shape.key[0]}__in": [r.values[shape.key[0]] for r in records]}
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
    for record in records:
        obj = existing.get(record.key(shape))
        if obj is None:
            new.append(
                shape.model(
                    **{c: record.values[c] for c in shape.columns},
                    **{k: copy.copy(v) for k, v in shape.constants.items()},
                    created_at=now,
                    updated_at=now,
                )
            )
            continue
        if all(_same(getattr(obj, c), record.values[c]) for c in shape.differing):
            continue
        for name in (*shape.compared, "source", "source_time"):
            setattr(obj, name, record.values[name])
        obj.updated_at = now  # type: ignore[attr-defined]
        changed.append(obj)
    manager.bulk_create(new)
    if changed:
        manager.bulk_update(
            changed,
            [
                *(c.removesuffix("_id") for c in shape.compared),
                "source",
                "source_time",
                "updated_at",
            ],
        )
    return len(new), len(changed)


def _same(stored: Any, new: Any) -> bool:
    if isinstance(stored, Decimal) and new is not None:
        return stored == Decimal(new)
    return bool(stored == new)


def _sql_constant(value: Any) -> str:
    """A constant of the spec (code, never input) as SQL: a flag or a JSON value."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return f"'{json.dumps(value)}'::jsonb"


def _upsert_postgres(shape: BulkShape, records: list[BulkRecord]) -> tuple[int, int]:
    table = shape.model._meta.db_table
    columns = shape.columns
    column_types = {f.column: f.db_type(connection) for f in shape.model._meta.concrete_fields}
    staging = f"exchange_staging_{table}"
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS {staging} "
            f"({', '.join(f'{c} {column_types[c]}' for c in columns)}) ON COMMIT DELETE ROWS"
        )
        # A batch inside an outer transaction (a test, a caller's atomic block) commits only a
        # savepoint, which does not empty the table: an earlier batch's rows would merge again.
        cursor.execute(f"TRUNCATE {staging}")
        raw = cursor.cursor
        with raw.copy(f"COPY {staging} ({', '.join(columns)}) FROM STDIN") as copy_in:
            for record in records:
                copy_in.write_row([record.values[c] for c in columns])
        constant_cols = list(shape.constants)
        constant_vals = [_sql_constant(v) for v in shape.constants.values()]
        updates = [*shape.compared, "source", "source_time"]
        targets = ", ".join((*columns, *constant_cols, "created_at", "updated_at"))
        cursor.execute(
            f"INSERT INTO {table} ({targets}) "  # noqa: S608 - names from the spec
            f"SELECT {', '.join((*columns, *constant_vals))}, now(), now() FROM {staging} "
            f"ON CONFLICT ({', '.join(shape.key)}) DO UPDATE SET "
            + ", ".join(f"{c} = EXCLUDED.{c}" for c in updates)
            + ", updated_at = now() WHERE "
            + f"({', '.join(f'{table}.{c}' for c in shape.differing)}) IS DISTINCT FROM "
            + f"({', '.join(f'EXCLUDED.{c}' for c in shape.differing)}) "
            "RETURNING (xmax = 0)"
        )
        flags = [row[0] for row in cursor.fetchall()]
    created = sum(1 for f in flags if f)
    return created, len(flags) - created


Upsert = Callable[[BulkShape, list[BulkRecord]], tuple[int, int]]
# By database vendor; any other takes the portable path.
UPSERTS: dict[str, Upsert] = {"postgresql": _upsert_postgres}


@transaction.atomic
def records_upsert(
    *, actor: User, kind: str, records: list[BulkRecord], scope_code: str, source: str
) -> Upserted:
    """Write a batch of prepared records of one kind inside `scope_code`'s jurisdiction.

    Returns what was created and updated, the rows registered elsewhere and
    the proposals for verified records, neither of them written.
    """
    _require_writer(actor)
    bulk = shape(kind)
    elsewhere, verified = _existing(bulk, records, scope_code)
    outcome = Upserted()
    writable: list[BulkRecord] = []
    for record in records:
        key = record.key(bulk)
        if key in elsewhere:
            outcome.elsewhere.append(record)
        elif key in verified:
            outcome.held[verified[key]] = record.proposal(bulk)
        else:
            writable.append(record)
    outcome.written = len(writable)
    if writable:
        upsert = UPSERTS.get(connection.vendor, _upsert_generic)
        outcome.created, outcome.updated = upsert(bulk, writable)
    if outcome.created or outcome.updated:
        audit_record(
            actor=actor,
            action="registry.records_upsert",
            target_type=bulk.model._meta.label_lower,
            detail={
                "kind": kind,
                "source": source,
                "created": outcome.created,
                "updated": outcome.updated,
            },
        )
    return outcome
