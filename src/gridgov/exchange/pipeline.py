"""Rows → validated, placed, sealed records → the registry's bulk upsert, one call per batch.

Each batch is one transaction that also moves the job's checkpoint, so a
process killed at any moment leaves whole batches and a checkpoint that
names exactly the last of them; a re-run starts after it. The batch locks
the job row and refuses to commit when the checkpoint moved since the run
read it, so two runs of one job (a command and a polling page) never count
a row twice. Writing is the registry's (registry.actions.bulk): it touches
a record only when a compared column differs, so importing the same rows
again writes nothing.

A row that would change a record someone has verified on the ground is not
written: the upsert hands it back, and it becomes a verification task for
that grid's worker in the same transaction (collect → verify), and the
worker's decision updates the record. New records and records never
verified are written directly; the stale sweep sends them to a worker later
(ADR 10).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.addresses.explain import explanation
from gridgov.addresses.matcher import Match
from gridgov.addresses.selectors import address_match_many
from gridgov.core import crypto
from gridgov.core.errors import Conflict, ProblemList
from gridgov.core.scope import Scope
from gridgov.exchange.columns import COLUMNS, Column, choice
from gridgov.exchange.models import ImportJob, ImportRowError
from gridgov.exchange.readers import _reject
from gridgov.jurisdiction.models import Level, Node
from gridgov.registry.actions.bulk import BulkRecord, records_upsert, shape
from gridgov.registry.records import BY_IMPORT
from gridgov.registry.validation import credit_code_check, phone_check, resident_id_check
from gridgov.verification.actions import import_changes_propose

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


@dataclass
class BatchResult:
    records: list[BulkRecord] = field(default_factory=list)
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
        self.record_kind = BY_IMPORT[kind].kind
        self.shape = shape(self.record_kind)
        self.root = scope_root(actor).code
        self.source = source[:64]
        self.source_time = timezone.now()
        self.grids: dict[str, tuple[int, int]] = {
            code: (pk, parent or pk)
            for pk, code, parent in Node.objects.visible_to(Scope.within(self.root))
            .filter(level=Level.GRID)
            .values_list("id", "code", "parent_id")
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
        if fieldname in self.personal:
            value = crypto.mask(value, f"{self.record_kind}.{fieldname}")
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
        by_key: dict[tuple[Any, ...], BulkRecord] = {}
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
            if "address" in self.shape.columns:
                values["address"] = match.label[:255]
            values["source"], values["source_time"] = self.source, self.source_time
            record = BulkRecord(number, values)
            earlier = by_key.pop(record.key(self.shape), None)
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
            by_key[record.key(self.shape)] = record
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


def commit_batch(job: ImportJob, result: BatchResult, last_row: int, *, actor: User) -> None:
    """One transaction: the records (through the registry's bulk upsert), the held changes'
    tasks, the batch's refused rows, the job's counters and checkpoint."""
    from gridgov.audit.actions import audit_record

    with transaction.atomic():
        stored = (
            ImportJob.objects.select_for_update()
            .values_list("checkpoint", flat=True)
            .get(pk=job.pk)
        )
        if stored != job.checkpoint:
            raise CheckpointMoved(_("Another run of this import committed these rows first."))
        kind = BY_IMPORT[job.kind].kind
        outcome = records_upsert(
            actor=actor,
            kind=kind,
            records=result.records,
            scope_code=job.scope_code,
            source=result.source,
        )
        issues = list(result.issues)
        issues.extend(
            RowIssue(
                record.row,
                "",
                "",
                "registered_elsewhere",
                _("This record is registered in another jurisdiction."),
            )
            for record in outcome.elsewhere
        )
        created, updated, held = outcome.created, outcome.updated, 0
        if outcome.held:
            held = import_changes_propose(
                actor=actor,
                record_kind=kind,
                changes=outcome.held,
                batch=result.source,
                source_time=result.source_time,
            )
        ImportRowError.objects.bulk_create(
            ImportRowError(
                job=job, row=i.row, column=i.column, value=i.value, code=i.code, reason=i.reason
            )
            for i in (*issues, *result.merged)
        )
        job.rows_ok += outcome.written + len(outcome.held)
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
