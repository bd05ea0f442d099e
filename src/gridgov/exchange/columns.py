"""The columns of each kind's file: Chinese headers, as the templates carry them."""

from __future__ import annotations

from dataclasses import dataclass

from gridgov.exchange.models import ImportKind
from gridgov.registry.models import HomeUse, OrganisationKind, ResidentKind, Sex, Tenure


@dataclass(frozen=True)
class Column:
    field: str
    header: str
    required: bool = False
    personal: bool = False


COLUMNS: dict[str, tuple[Column, ...]] = {
    ImportKind.PEOPLE: (
        Column("name", "姓名", required=True),
        Column("id_number", "身份证号", required=True, personal=True),
        Column("birth_date", "出生日期"),
        Column("sex", "性别"),
        Column("phone", "手机号", personal=True),
        Column("kind", "人员类别", required=True),
        Column("address", "地址", required=True),
        Column("moved_in", "迁入日期"),
    ),
    ImportKind.HOMES: (
        Column("address", "地址", required=True),
        Column("floor_area", "建筑面积"),
        Column("use", "用途"),
        Column("tenure", "居住状态"),
    ),
    ImportKind.ORGANISATIONS: (
        Column("name", "单位名称", required=True),
        Column("credit_code", "统一社会信用代码", required=True),
        Column("kind", "单位类别", required=True),
        Column("address", "地址", required=True),
        Column("staff_count", "从业人数"),
    ),
}

# Cells may hold the Chinese label or the stored value.
CHOICES: dict[str, dict[str, str]] = {
    "people.kind": {
        "户籍人口": ResidentKind.REGISTERED,
        "流动人口": ResidentKind.FLOATING,
        "寄住人口": ResidentKind.LODGING,
    },
    "people.sex": {"男": Sex.MALE, "女": Sex.FEMALE},
    "homes.use": {
        "住宅": HomeUse.RESIDENTIAL,
        "商业": HomeUse.COMMERCIAL,
        "商住": HomeUse.MIXED,
        "其他": HomeUse.OTHER,
    },
    "homes.tenure": {"自住": Tenure.OWNER_OCCUPIED, "出租": Tenure.RENTED, "空置": Tenure.VACANT},
    "organisations.kind": {
        "企业": OrganisationKind.ENTERPRISE,
        "个体工商户": OrganisationKind.INDIVIDUAL_BUSINESS,
        "事业单位": OrganisationKind.PUBLIC_INSTITUTION,
        "社会组织": OrganisationKind.SOCIAL_ORGANISATION,
        "机关": OrganisationKind.GOVERNMENT,
        "其他": OrganisationKind.OTHER,
    },
}
_VALUES = {
    "people.kind": ResidentKind.values,
    "people.sex": Sex.values,
    "homes.use": HomeUse.values,
    "homes.tenure": Tenure.values,
    "organisations.kind": OrganisationKind.values,
}


def choice(kind: str, field: str, cell: str) -> str | None:
    """The stored value for a cell, or None when it names no choice."""
    key = f"{kind}.{field}"
    if cell in _VALUES[key]:
        return cell
    return CHOICES[key].get(cell)


def headers(kind: str) -> list[str]:
    return [c.header for c in COLUMNS[kind]]


def example_row(kind: str) -> list[str]:
    """One filled-in row, so the template shows the expected forms."""
    examples: dict[str, list[str]] = {
        ImportKind.PEOPLE: [
            "张三",
            "320104199001011235",
            "1990-01-01",
            "男",
            "13812345678",
            "户籍人口",
            "太平南路108号康居小区2幢1单元302室",
            "2020-05-01",
        ],
        ImportKind.HOMES: ["太平南路108号康居小区2幢1单元302室", "89.5", "住宅", "自住"],
        ImportKind.ORGANISATIONS: [
            "南京示例科技有限公司",
            "91320104MA1XXXXX0P",
            "企业",
            "太平南路108号",
            "25",
        ],
    }
    return examples[kind]
