"""The Content-Security-Policy (ADR 0012) and what it relies on: no page or script of ours puts
inline code or data-as-HTML on a page (issue 8, item 2)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client

SRC = Path(__file__).resolve().parents[2]
TEMPLATES = sorted(p for p in SRC.rglob("*.html") if "templates" in p.parts)
SCRIPTS = sorted(p for p in SRC.rglob("*.js") if "static" in p.parts)

INLINE = {
    "inline script": re.compile(r"<script(?![^>]*\ssrc=)(?![^>]*application/json)[^>]*>", re.I),
    "event handler attribute": re.compile(r"<[^>]*\son[a-z]+\s*=", re.I),
    "javascript: URL": re.compile(r"javascript:", re.I),
    "inline style": re.compile(r"<style|\sstyle\s*=", re.I),
}
# Whatever a script puts on a page from data is text; these would parse it as HTML.
AS_HTML = re.compile(r"\.(innerHTML|outerHTML)\s*[+]?=|insertAdjacentHTML|document\.write")


def test_the_scan_finds_the_files() -> None:
    assert len(TEMPLATES) > 50
    assert {p.name for p in SCRIPTS} >= {"map.js", "page.js", "report.js", "public_map.js"}


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(SRC)))
def test_no_template_has_inline_code(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    found = [what for what, pattern in INLINE.items() if pattern.search(text)]
    assert found == []


@pytest.mark.parametrize("path", SCRIPTS, ids=lambda p: str(p.relative_to(SRC)))
def test_no_script_of_ours_writes_html(path: Path) -> None:
    assert AS_HTML.findall(path.read_text(encoding="utf-8")) == []


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/accounts/login/", "/residents/", "/open311/v2/discovery.json"])
def test_every_answer_carries_the_policy(url: str) -> None:
    policy = Client().get(url)["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe" not in policy


def test_a_tile_server_is_allowed_for_images_only() -> None:
    from gridgov.settings import tile_origin

    assert tile_origin("https://{s}.tiles.example.cn/{z}/{x}/{y}.png") == [
        "https://*.tiles.example.cn"
    ]
    assert tile_origin("") == []
