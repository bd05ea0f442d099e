"""manage.py demo_logins: who to log in as in the demo, and where each account sits."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, OutputWrapper
from django.utils.translation import gettext as _

from gridgov.demo.logins import DEMO_PASSWORD, DEMO_URL
from gridgov.demo.selectors import demo_logins


def _width(text: str) -> int:
    """Columns a terminal gives the text: CJK characters take two."""
    return sum(2 if ord(c) >= 0x1100 else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def write_logins(out: OutputWrapper) -> None:
    rows = demo_logins()
    if not any(row.exists for row in rows):
        out.write(_("No demo accounts yet: run manage.py seed_demo first."))
        return
    header = (_("Role"), _("Username"), _("Password"), _("Where"))
    table = [header] + [
        (row.role, row.username, DEMO_PASSWORD if row.exists else "—", row.where) for row in rows
    ]
    widths = [max(_width(line[i]) for line in table) for i in range(len(header))]
    for index, line in enumerate(table):
        out.write("  ".join(_pad(cell, w) for cell, w in zip(line, widths, strict=True)).rstrip())
        if index == 0:
            out.write("  ".join("-" * w for w in widths))
    out.write(_("Open %(url)s and log in with one of these accounts.") % {"url": DEMO_URL})


class Command(BaseCommand):
    help = "Print the demo accounts (role, username, password, place) and the URL."

    def handle(self, *args: Any, **options: Any) -> None:
        write_logins(self.stdout)
