"""The agreement and its signed scan through the API: the PDF once agreed, the scan posted as
multipart and refused with a JSON code when it is missing, not a scan or too large."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from pypdf import PdfReader

from gridgov.mediation import actions
from gridgov.testing.mediation import agreed_dispute, make_dispute

GRID = "320104001001001"
API = "/api/v1/mediation/disputes"


@pytest.mark.django_db
def test_the_agreement_pdf_and_its_signed_scan_go_through_the_api(
    users: Any, settings: Any, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    actor = users["community_staff"]
    client = Client()
    client.force_login(actor, backend="gridgov.accounts.backends.RoleBackend")
    pending = make_dispute(actor, GRID)
    assert client.get(f"{API}/{pending.pk}/agreement.pdf").json()["code"] == "no_agreement"

    dispute = agreed_dispute(actor, GRID)
    answer = client.get(f"{API}/{dispute.pk}/agreement.pdf")
    assert answer["Content-Type"] == "application/pdf"
    pdf = answer.content
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "赔偿800元" in "".join(text.split())
    assert client.get(f"{API}/{dispute.pk}/scan").json()["code"] == "no_signed_scan"

    scan_url = f"{API}/{dispute.pk}/scan"
    missing = client.post(scan_url, {})
    assert missing.status_code == 422
    assert missing.json()["errors"][0]["code"] == "required"
    text_file = client.post(scan_url, {"scan": SimpleUploadedFile("a.txt", b"hello")})
    assert text_file.json()["errors"][0]["code"] == "file_type"
    monkeypatch.setattr(actions, "SCAN_MAX_BYTES", 10)
    too_large = client.post(scan_url, {"scan": SimpleUploadedFile("s.pdf", pdf)})
    assert too_large.json()["errors"][0]["code"] == "too_large"
    monkeypatch.undo()
    assert not client.get(f"{API}/{dispute.pk}").json()["signed_scan"]

    kept = client.post(scan_url, {"scan": SimpleUploadedFile("signed.pdf", pdf)})
    assert kept.status_code == 200
    assert kept.json()["signed_scan"] is True
    scan = client.get(scan_url)
    assert scan["Content-Type"] == "application/pdf"
    assert scan.content == pdf


@pytest.mark.django_db
def test_a_session_is_recorded_with_its_attachment(
    users: Any, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    actor = users["community_staff"]
    client = Client()
    client.force_login(actor, backend="gridgov.accounts.backends.RoleBackend")
    dispute = make_dispute(actor, GRID)
    url = f"{API}/{dispute.pk}/commands/accept"
    client.post(url, {"expected_version": 1}, content_type="application/json")
    fields = {
        "held_at": "2026-12-01T10:00:00+08:00",
        "place": "社区调解室",
        "participants": "张三、李四",
    }
    url = f"{API}/{dispute.pk}/sessions/with-attachment"
    wrong = client.post(url, {**fields, "attachment": SimpleUploadedFile("a.txt", b"hello")})
    assert wrong.json()["errors"][0]["code"] == "file_type"
    photo = SimpleUploadedFile("minutes.png", b"\x89PNG\r\n\x1a\n" + b"0" * 32)
    kept = client.post(url, {**fields, "attachment": photo})
    assert kept.status_code == 201
    assert kept.json()["attachment"] is True
