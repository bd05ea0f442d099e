"""One spec per kind of registry record: its fields, how each reads, whether it is personal,
and the Chinese header of its import column.

Everything else that lists a record's fields derives from here: the columns
of an import file and its template (exchange.columns), the fields a source
may propose and a grid worker checks (verification.fields), the columns the
bulk upsert writes and compares (registry.actions.bulk), and which values are
sealed (crypto.seal) rather than stored in the clear. A new field is one line
here plus its model column.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gridgov.core.errors import ProblemList
from gridgov.registry.models import (
    Home,
    HomeUse,
    Organisation,
    OrganisationKind,
    Person,
    Provenance,
    ResidentKind,
    Sex,
    Tenure,
)
from gridgov.registry.validation import phone_check

# A value as a source sends it (JSON, or a form's text) → its Python type; each problem named.
Parser = Callable[[ProblemList, str, Any], Any]


class RecordKind(models.TextChoices):
    PERSON = "person", _("person")
    HOME = "home", _("home")
    ORGANISATION = "organisation", _("organisation")


def parse_text(problems: ProblemList, name: str, raw: Any) -> str:
    if not isinstance(raw, str):
        problems.add("invalid_value", _("Expected text."), field=name)
        return ""
    return raw.strip()


def parse_required_text(problems: ProblemList, name: str, raw: Any) -> str:
    text = parse_text(problems, name, raw)
    if isinstance(raw, str) and not text:
        problems.add("required", _("This value cannot be empty."), field=name)
    return text


def parse_choice(choices: type[models.TextChoices]) -> Parser:
    def parse(problems: ProblemList, name: str, raw: Any) -> str:
        if raw not in choices.values:
            problems.add(
                "invalid_choice",
                _("Not one of: %(choices)s") % {"choices": ", ".join(choices.values)},
                field=name,
            )
        return str(raw)

    return parse


def parse_date(problems: ProblemList, name: str, raw: Any) -> date | None:
    if raw in (None, ""):
        return None
    try:
        return date.fromisoformat(str(raw))
    except ValueError:
        problems.add("invalid_date", _("Expected a date as YYYY-MM-DD."), field=name)
        return None


def parse_decimal(problems: ProblemList, name: str, raw: Any) -> Decimal | None:
    if raw in (None, ""):
        return None
    try:
        value = Decimal(str(raw))
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite():
        problems.add("invalid_number", _("Expected a number."), field=name)
        return None
    return value.quantize(Decimal("0.01"))


def parse_count(problems: ProblemList, name: str, raw: Any) -> int | None:
    if raw in (None, ""):
        return None
    try:
        value = int(str(raw))
    except ValueError:
        value = -1
    if value < 0:
        problems.add("invalid_number", _("Expected a whole number, zero or more."), field=name)
        return None
    return value


def parse_flag(problems: ProblemList, name: str, raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    if raw in ("true", "false"):
        return bool(raw == "true")
    problems.add("invalid_value", _("Expected true or false."), field=name)
    return False


def parse_phone(problems: ProblemList, name: str, raw: Any) -> str:
    return phone_check(problems, parse_text(problems, name, raw), field=name)


@dataclass(frozen=True)
class RecordField:
    name: str
    label: str | Promise
    parse: Parser = parse_text
    # The column's header in an import file and its template; no header, not imported.
    header: str = ""
    required: bool = False
    # Sealed at rest as <name>_index, <name>_encrypted and <name>_masked (crypto.seal).
    personal: bool = False
    # A source (a department file, an API push, a declaration) may propose a change to it.
    proposable: bool = False
    choices: type[models.TextChoices] | None = None
    # The words an import cell may hold for a choice, besides its stored value.
    cells: Mapping[str, str] = field(default_factory=dict)
    # How a phone form asks for it: text, tel, date, number or flag (yes/no).
    input: str = "text"
    # The template's example cell.
    example: str = ""

    def cell_value(self, cell: str) -> str | None:
        """The stored value an import cell names, or None when it names no choice."""
        assert self.choices is not None  # noqa: S101 - asked of choice fields only
        if cell in self.choices.values:
            return cell
        return self.cells.get(cell)


# A person's and a home's address: the same column, the same example.
HOME_ADDRESS = RecordField(
    "address",
    _("Address"),
    header="地址",
    required=True,
    example="太平南路108号康居小区2幢1单元302室",
)
ADDRESS_CODE = RecordField(
    "address_code", _("Address code"), proposable=True
)  # filled by the import's address matching, not by a column of its own


@dataclass(frozen=True)
class RecordSpec:
    kind: str
    model: type[Provenance]
    fields: tuple[RecordField, ...]
    # The fields that name one record: city-wide, or (for a home) inside its grid.
    key: tuple[str, ...]
    # An import file of this kind (exchange's ImportKind); "" when records are not imported.
    import_kind: str = ""
    # Columns an import does not carry that a new row needs (the database has no defaults).
    import_defaults: Mapping[str, Any] = field(default_factory=dict)

    def __getitem__(self, name: str) -> RecordField:
        return self.by_name[name]

    @functools.cached_property
    def by_name(self) -> dict[str, RecordField]:
        return {f.name: f for f in self.fields}

    @property
    def imported(self) -> tuple[RecordField, ...]:
        return tuple(f for f in self.fields if f.header)

    @property
    def proposable(self) -> tuple[RecordField, ...]:
        return tuple(f for f in self.fields if f.proposable)

    def stored(self, name: str) -> bool:
        """Whether the record keeps the field in a column of its own (a person's address is
        only where the import places them)."""
        try:
            self.model._meta.get_field(name)
        except FieldDoesNotExist:
            return False
        return True


PEOPLE = RecordSpec(
    RecordKind.PERSON,
    Person,
    (
        RecordField(
            "name",
            pgettext_lazy("person", "Name"),
            parse_required_text,
            header="姓名",
            required=True,
            proposable=True,
            example="张三",
        ),
        RecordField(
            "id_number",
            _("ID number"),
            header="身份证号",
            required=True,
            personal=True,
            example="320104199001011235",
        ),
        RecordField(
            "birth_date", _("birth date"), parse_date, header="出生日期", example="1990-01-01"
        ),
        RecordField(
            "sex",
            _("sex"),
            parse_choice(Sex),
            header="性别",
            choices=Sex,
            cells={"男": Sex.MALE, "女": Sex.FEMALE},
            example="男",
        ),
        RecordField(
            "phone",
            _("Phone"),
            parse_phone,
            header="手机号",
            personal=True,
            proposable=True,
            input="tel",
            example="13812345678",
        ),
        RecordField(
            "kind",
            _("Kind"),
            parse_choice(ResidentKind),
            header="人员类别",
            required=True,
            proposable=True,
            choices=ResidentKind,
            cells={
                "户籍人口": ResidentKind.REGISTERED,
                "流动人口": ResidentKind.FLOATING,
                "寄住人口": ResidentKind.LODGING,
            },
            example="户籍人口",
        ),
        HOME_ADDRESS,
        RecordField(
            "moved_in",
            _("Moved in"),
            parse_date,
            header="迁入日期",
            proposable=True,
            input="date",
            example="2020-05-01",
        ),
        RecordField("moved_out", _("Moved out"), parse_date, proposable=True, input="date"),
        ADDRESS_CODE,
    ),
    key=("id_number",),
    import_kind="people",
    import_defaults={"service_tags": []},
)

HOMES = RecordSpec(
    RecordKind.HOME,
    Home,
    (
        HOME_ADDRESS,
        RecordField(
            "floor_area",
            _("Floor area (m²)"),
            parse_decimal,
            header="建筑面积",
            proposable=True,
            input="number",
            example="89.5",
        ),
        RecordField(
            "use",
            _("Use"),
            parse_choice(HomeUse),
            header="用途",
            proposable=True,
            choices=HomeUse,
            cells={
                "住宅": HomeUse.RESIDENTIAL,
                "商业": HomeUse.COMMERCIAL,
                "商住": HomeUse.MIXED,
                "其他": HomeUse.OTHER,
            },
            example="住宅",
        ),
        RecordField(
            "tenure",
            _("Tenure"),
            parse_choice(Tenure),
            header="居住状态",
            proposable=True,
            choices=Tenure,
            cells={"自住": Tenure.OWNER_OCCUPIED, "出租": Tenure.RENTED, "空置": Tenure.VACANT},
            example="自住",
        ),
        ADDRESS_CODE,
    ),
    key=("grid", "address"),
    import_kind="homes",
)

ORGANISATIONS = RecordSpec(
    RecordKind.ORGANISATION,
    Organisation,
    (
        RecordField(
            "name",
            _("Name"),
            parse_required_text,
            header="单位名称",
            required=True,
            proposable=True,
            example="南京示例科技有限公司",
        ),
        RecordField(
            "credit_code",
            _("unified social credit code"),
            header="统一社会信用代码",
            required=True,
            example="91320104MA1XXXXX0P",
        ),
        RecordField(
            "kind",
            _("Kind"),
            parse_choice(OrganisationKind),
            header="单位类别",
            required=True,
            proposable=True,
            choices=OrganisationKind,
            cells={
                "企业": OrganisationKind.ENTERPRISE,
                "个体工商户": OrganisationKind.INDIVIDUAL_BUSINESS,
                "事业单位": OrganisationKind.PUBLIC_INSTITUTION,
                "社会组织": OrganisationKind.SOCIAL_ORGANISATION,
                "机关": OrganisationKind.GOVERNMENT,
                "其他": OrganisationKind.OTHER,
            },
            example="企业",
        ),
        RecordField(
            "address",
            _("Address"),
            header="地址",
            required=True,
            proposable=True,
            example="太平南路108号",
        ),
        RecordField(
            "staff_count",
            _("Staff count"),
            parse_count,
            header="从业人数",
            proposable=True,
            input="number",
            example="25",
        ),
        RecordField("small_venue", _("Small venue"), parse_flag, proposable=True, input="flag"),
        ADDRESS_CODE,
    ),
    key=("credit_code",),
    import_kind="organisations",
    import_defaults={"small_venue": False},
)

SPECS: Mapping[str, RecordSpec] = {spec.kind: spec for spec in (PEOPLE, HOMES, ORGANISATIONS)}
BY_IMPORT: Mapping[str, RecordSpec] = {spec.import_kind: spec for spec in SPECS.values()}
