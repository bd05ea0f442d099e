"""A year's holiday arrangement as plain entries: read from chinese-calendar or from a file.

Both the seed and an administrator's upload become the same list of
entries, so one action validates and stores them whatever their origin.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils.translation import gettext_lazy as _

from gridgov.core.errors import ProblemList
from gridgov.worktime.models import DayKind

# Kinds as the State Council notice and office staff write them: 休 a day off, 班 a working day.
KIND_ALIASES = {
    "holiday": DayKind.HOLIDAY.value,
    "休": DayKind.HOLIDAY.value,
    "workday": DayKind.WORKDAY.value,
    "班": DayKind.WORKDAY.value,
}


@dataclass(frozen=True)
class DayEntry:
    date: date
    kind: str
    name: str = ""


def package_arrangements() -> dict[int, list[DayEntry]]:
    """Every year chinese-calendar knows, its days named in Chinese as the notices name them."""
    from chinese_calendar import constants

    chinese = {holiday.value: holiday.chinese for holiday in constants.Holiday}
    years: dict[int, list[DayEntry]] = {}
    for days, kind in (
        (constants.holidays, DayKind.HOLIDAY.value),
        (constants.workdays, DayKind.WORKDAY.value),
    ):
        for day, english in days.items():
            years.setdefault(day.year, []).append(
                DayEntry(date=day, kind=kind, name=chinese.get(english, english))
            )
    return {year: sorted(entries, key=lambda e: e.date) for year, entries in years.items()}


def parse_arrangement(text: str) -> list[dict[str, Any]]:
    """Rows of a CSV (date,kind,name; header optional) or a JSON list, numbered for the user.

    Only the shape is read here; the values are checked by the action so
    every entry point reports the same problems.
    """
    stripped = text.lstrip("\ufeff").strip()
    problems = ProblemList()
    rows: list[dict[str, Any]] = []
    if stripped.startswith("["):
        try:
            items = json.loads(stripped)
        except json.JSONDecodeError as exc:
            problems.add(
                "bad_json",
                _("The text is not valid JSON (line %(line)d, column %(column)d).")
                % {"line": exc.lineno, "column": exc.colno},
            )
            problems.raise_if_any(_("The arrangement could not be read."))
        for index, item in enumerate(items, start=1):
            if not isinstance(item, dict):
                problems.add("bad_row", _("Each item must be an object."), index=index)
                continue
            rows.append({**item, "index": index})
    else:
        for index, fields in enumerate(csv.reader(io.StringIO(stripped)), start=1):
            cells = [cell.strip() for cell in fields]
            if not any(cells) or cells[0].startswith("#"):
                continue
            if index == 1 and cells[0].lower() == "date":
                continue
            if len(cells) > 3:
                problems.add(
                    "bad_row",
                    _("Write date,kind,name on each line."),
                    index=index,
                    item=",".join(cells),
                )
                continue
            day, kind, name = (cells + ["", ""])[:3]
            rows.append({"index": index, "date": day, "kind": kind, "name": name})
    problems.raise_if_any(_("The arrangement could not be read."))
    return rows
