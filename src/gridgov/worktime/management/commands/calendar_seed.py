from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from gridgov.worktime.actions import calendar_seed


class Command(BaseCommand):
    help = "Load every year the chinese-calendar package knows; years entered by hand are kept."

    def handle(self, *args: Any, **options: Any) -> None:
        result = calendar_seed(actor=None)
        self.stdout.write(
            f"written: {_years(result.written)}; unchanged: {_years(result.unchanged)}; "
            f"kept (entered by hand): {_years(result.kept_manual)}"
        )


def _years(years: list[int]) -> str:
    return ", ".join(map(str, years)) or "none"
