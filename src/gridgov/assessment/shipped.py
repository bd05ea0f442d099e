"""The assessment sheet's weights and the staffing factors the platform ships with (data
migration 0004 writes them; a deployment changes them as data). Each set adds up to 100."""

from __future__ import annotations

SHEET_ITEMS: dict[str, list[tuple[str, int]]] = {
    "node": [
        ("closure_rate", 25),
        ("on_time_closure", 20),
        ("timely_handling", 15),
        ("satisfaction", 15),
        ("rework_rate", 5),
        ("appraisal", 20),
    ],
    "department": [
        ("closure_rate", 30),
        ("on_time_closure", 25),
        ("timely_handling", 20),
        ("satisfaction", 15),
        ("whistle_rating", 10),
    ],
}

# (code, label, carried by one worker, weight).
STAFFING_FACTORS: list[tuple[str, str, float, int]] = [
    ("population", "常住人口", 1500.0, 40),
    ("homes", "房屋", 500.0, 20),
    ("venues", "单位场所", 80.0, 15),
    ("events", "月均事件", 40.0, 25),
]
