"""The three indices and the department figures the platform ships with (data migration
0002 writes them; a deployment changes them as data afterwards). Weights add up to 100."""

from __future__ import annotations

from typing import Any

from gridgov.insight.indices import ComponentSpec
from gridgov.insight.models import Direction, Normalisation
from gridgov.jurisdiction.models import Level

H, L = Direction.HIGHER_BETTER, Direction.LOWER_BETTER
RANGE, PEERS = Normalisation.RANGE, Normalisation.PEERS

FIGURE_KINDS: list[dict[str, Any]] = [
    {"code": "crime_rate", "name": "刑事案件发案率", "unit": "件/万人",
     "plausible_min": 0, "plausible_max": 20},
    {"code": "public_order_rate", "name": "治安案件发案率", "unit": "件/万人",
     "plausible_min": 0, "plausible_max": 50},
    {"code": "safety_accident_rate", "name": "生产安全事故率", "unit": "起/十万人",
     "plausible_min": 0, "plausible_max": 10},
    {"code": "security_survey", "name": "群众安全感", "unit": "%",
     "plausible_min": 60, "plausible_max": 100},
]  # fmt: skip

AREA_LEVELS = [Level.DISTRICT, Level.SUBDISTRICT, Level.COMMUNITY]
ALL_LEVELS = [*AREA_LEVELS, Level.GRID]

INDICES: list[dict[str, Any]] = [
    {
        "code": "safety",
        "name": "平安稳定指数",
        "description": "刑事与治安发案、生产安全事故、群众安全感与安全类事件、矛盾纠纷的加权计算。",
        "levels": AREA_LEVELS,
        "threshold_floor": 10.0,
        "components": [
            ComponentSpec("figure:crime_rate", L, 20, RANGE, 0, 10),
            ComponentSpec("figure:public_order_rate", L, 15, RANGE, 0, 30),
            ComponentSpec("figure:safety_accident_rate", L, 10, RANGE, 0, 5),
            ComponentSpec("figure:security_survey", H, 15, RANGE, 80, 100),
            ComponentSpec("safety_events_per_1000", L, 20, PEERS),
            ComponentSpec("disputes_per_1000", L, 20, PEERS),
        ],
    },
    {
        "code": "work_orders",
        "name": "工单指数",
        "description": "事件办结、超期、按时处置与群众满意度的加权计算。",
        "levels": ALL_LEVELS,
        "threshold_floor": 10.0,
        "components": [
            ComponentSpec("closure_rate", H, 30, RANGE, 50, 100),
            ComponentSpec("overdue_share", L, 25, RANGE, 0, 50),
            ComponentSpec("on_time_handling", H, 25, RANGE, 50, 100),
            ComponentSpec("satisfaction", H, 20, RANGE, 3, 5),
        ],
    },
    {
        "code": "environment",
        "name": "环境指数",
        "description": "市容环境与环境噪声类事件的发生率和办结率。",
        "levels": ALL_LEVELS,
        "threshold_floor": 10.0,
        "components": [
            ComponentSpec("environment_events_per_1000", L, 60, PEERS),
            ComponentSpec("environment_closure_rate", H, 40, RANGE, 50, 100),
        ],
    },
]
