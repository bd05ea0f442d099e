"""A Django template printed to PDF by WeasyPrint: the one renderer of the reports and the
mediation agreements (ADR 0031).

WeasyPrint lays out with Debian's pango and embeds the subset of Noto CJK the text uses; the
stylesheet is a static file read from disk, so nothing is fetched while rendering. WeasyPrint
is imported when a PDF is made: importing it parses its default stylesheets (and logs it),
which every process loading the URLconf would otherwise pay for.
"""

from __future__ import annotations

from typing import Any

from django.contrib.staticfiles import finders
from django.core.exceptions import ImproperlyConfigured
from django.template.loader import render_to_string


def pdf_from_template(template: str, context: dict[str, Any], *, stylesheet: str) -> bytes:
    from weasyprint import CSS, HTML

    path = finders.find(stylesheet)
    if not isinstance(path, str):
        raise ImproperlyConfigured(f"static file {stylesheet} not found")
    html = render_to_string(template, context)
    return bytes(HTML(string=html).write_pdf(stylesheets=[CSS(filename=path)]))
