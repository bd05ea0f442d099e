"""The campaign templates shipped as data: a centre starts from one and changes what it
needs. Their words are the centre's own (Chinese), as a centre would write them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gridgov.campaigns.models import TargetKind


@dataclass(frozen=True)
class Template:
    code: str
    title: str
    target_kind: str
    target_category: str
    days: int
    instructions: str
    form: dict[str, Any]


EPIDEMIC = Template(
    code="epidemic_screening",
    title="流动人口健康排查",
    target_kind=TargetKind.PEOPLE,
    target_category="floating",
    days=3,
    instructions="逐人核实近14天行程与健康状况；有发热等症状的，当场登记并报告社区。",
    form={
        "fields": [
            {"name": "at_home", "label": "是否在住", "type": "yes_no", "required": True},
            {
                "name": "symptoms",
                "label": "近14天症状",
                "type": "multiple_choice",
                "choices": ["无", "发热", "咳嗽", "乏力", "其他"],
                "required": True,
                "show_if": {"field": "at_home", "in": [True]},
            },
            {
                "name": "temperature",
                "label": "体温(℃)",
                "type": "number",
                "min": 34,
                "max": 43,
                "show_if": {"field": "at_home", "in": [True]},
            },
            {"name": "arrived_on", "label": "来宁日期", "type": "date"},
            {"name": "note", "label": "备注", "type": "text"},
        ]
    },
)

CENSUS = Template(
    code="census_check",
    title="人口普查入户核查",
    target_kind=TargetKind.HOMES,
    target_category="",
    days=14,
    instructions="按户核对常住人数与登记信息，空置房屋拍照留档。",
    form={
        "fields": [
            {
                "name": "occupancy",
                "label": "居住情况",
                "type": "choice",
                "choices": ["自住", "出租", "空置"],
                "required": True,
            },
            {
                "name": "residents",
                "label": "常住人数",
                "type": "number",
                "min": 0,
                "max": 50,
                "required": True,
                "show_if": {"field": "occupancy", "in": ["自住", "出租"]},
            },
            {
                "name": "matches_registry",
                "label": "与登记信息一致",
                "type": "yes_no",
                "required": True,
                "show_if": {"field": "occupancy", "in": ["自住", "出租"]},
            },
            {
                "name": "photo",
                "label": "房屋照片",
                "type": "photo",
                "show_if": {"field": "occupancy", "in": ["空置"]},
            },
            {"name": "address", "label": "核实地址", "type": "address"},
        ]
    },
)

FLOOD = Template(
    code="flood_patrol",
    title="防汛隐患巡查",
    target_kind=TargetKind.VENUES,
    target_category="individual_business",
    days=2,
    instructions="汛期前巡查低洼处个体经营场所，检查挡水板、排水与物资，隐患拍照上报。",
    form={
        "fields": [
            {"name": "barrier", "label": "挡水板到位", "type": "yes_no", "required": True},
            {"name": "drainage", "label": "排水通畅", "type": "yes_no", "required": True},
            {
                "name": "hazards",
                "label": "发现隐患",
                "type": "multiple_choice",
                "choices": ["无", "积水", "电线浸水", "物资不足", "其他"],
                "required": True,
            },
            {
                "name": "photo",
                "label": "隐患照片",
                "type": "photo",
                "required": True,
                "show_if": {"field": "hazards", "in": ["积水", "电线浸水", "物资不足", "其他"]},
            },
        ]
    },
)

TEMPLATES: dict[str, Template] = {t.code: t for t in (EPIDEMIC, CENSUS, FLOOD)}
