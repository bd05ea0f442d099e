"""Every word a page or the admin shows has its Chinese: a msgid left untranslated shows up in
English on a Chinese page. Other engineers' strings are checked too, once merged: that is the
point of the check."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.test import Client
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import ngettext, npgettext, pgettext
from django.utils.translation.template import templatize

from gridgov.audit.actions import audit_record
from gridgov.audit.models import AuditEntry

ROOT = Path(settings.BASE_DIR)
# Words that are the same in both languages: codes, acronyms, names of formats and products.
SAME_IN_BOTH = {
    "API",
    "CSV",
    "GeoJSON",
    "ID",
    "Open311",
    "OK",
    "Excel",
    "PDF",
    "WGS84",
    "GCJ-02",
    "BD-09",
    "CGCS2000",
    "SHA-256",
}
# templatize turns {% translate %} and {% blocktranslate %} into gettext calls with their
# literal arguments first; only those literals matter here.
CALL = re.compile(r"\b(gettext|pgettext|ngettext|npgettext)\(((?:\s*u?'(?:[^'\\]|\\.)*'\s*,?)+)")


def template_msgids() -> Iterator[tuple[str, str, tuple[str, ...]]]:
    for path in sorted(ROOT.rglob("templates/**/*.html")):
        text = templatize(path.read_text(encoding="utf-8"), origin=str(path))
        for call in CALL.finditer(text):
            args = ast.literal_eval(f"({call.group(2).rstrip().rstrip(',')},)")
            yield str(path.relative_to(ROOT)), call.group(1), tuple(args)


def translated(kind: str, args: tuple[str, ...]) -> tuple[str, str]:
    """The msgid and what zh-hans shows for it."""
    if kind == "gettext":
        return args[0], translation.gettext(args[0])
    if kind == "pgettext":
        return args[1], pgettext(args[0], args[1])
    if kind == "ngettext":
        return args[0], ngettext(args[0], args[1], 1)
    return args[1], npgettext(args[0], args[1], args[2], 1)


def untranslated(msgid: str, shown: str) -> bool:
    return (
        shown == msgid and msgid.strip() not in SAME_IN_BOTH and bool(re.search("[A-Za-z]", msgid))
    )


def test_every_template_string_is_translated() -> None:
    with translation.override("zh-hans"):
        missing = [
            f"{path}: {msgid!r}"
            for path, kind, args in template_msgids()
            for msgid, shown in [translated(kind, args)]
            if untranslated(msgid, shown)
        ]
    assert not missing, "\n".join(missing)


def model_labels() -> Iterator[tuple[str, Any]]:
    """Every model's names, its fields' names and its choices' labels, as the admin and the
    pages show them; a field's default name (from its attribute) is internal and skipped."""
    for model in apps.get_models():
        where = model._meta.label
        yield where, model._meta.verbose_name
        yield where, model._meta.verbose_name_plural
        for field in model._meta.get_fields():
            name = getattr(field, "verbose_name", None)
            if name is not None and name != field.name.replace("_", " "):
                yield f"{where}.{field.name}", name
            for _value, label in getattr(field, "flatchoices", None) or []:
                yield f"{where}.{field.name}", label


def test_every_model_name_and_choice_is_translated() -> None:
    with translation.override("zh-hans"):
        missing = []
        for where, label in model_labels():
            if not isinstance(label, Promise):
                continue
            msgid = label._args[-1]  # type: ignore[attr-defined]
            if untranslated(msgid, str(label)):
                missing.append(f"{where}: {msgid!r}")
    assert not missing, "\n".join(missing)


def test_pages_name_each_language_in_itself_and_the_admin_the_product(
    client_for: Any, users: dict[str, Any]
) -> None:
    page = client_for("security_admin").get("/").content.decode()
    assert ">English</button>" in page
    assert ">简体中文</button>" in page
    assert "英语" not in page
    admin = client_for("security_admin").get("/admin/").content.decode()
    assert "网格治理平台管理" in admin
    assert "Django 管理" not in admin
    assert "登录防护" in admin
    assert ">Axes<" not in admin
    # The admin's jurisdiction and department fields ask for a code, not a CAPTCHA.
    form = client_for("security_admin").get("/admin/accounts/user/add/").content.decode()
    assert "验证码" not in form
    assert "请输入代码，例如 320104" in form


def test_map_zoom_buttons_take_the_pages_words(tree: Any) -> None:
    page = Client().get("/residents/map/").content.decode()
    assert 'data-zoom-in="放大" data-zoom-out="缩小"' in page


def test_the_audit_trail_names_events_and_reads_in_local_time(
    client_for: Any, users: dict[str, Any]
) -> None:
    audit_record(
        actor=users["dispatcher"],
        action="events.register",
        target=users["dispatcher"],
        detail={"number": "SJ20261207000001", "due_at": "2026-12-07T02:00:00+00:00"},
    )
    trail = client_for("auditor").get("/admin/audit/auditentry/").content.decode()
    assert "SJ20261207000001" in trail
    entry = AuditEntry.objects.get(action="events.register")
    detail = client_for("auditor").get(f"/admin/audit/auditentry/{entry.pk}/change/")
    text = detail.content.decode()
    assert "2026-12-07 10:00:00" in text
    assert "{&quot;" not in text
