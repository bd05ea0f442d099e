"""The search's results export through the one exports module: the criteria posted, never in
an address; masked, revealed only with the right and a purpose; audited without the criteria."""

from __future__ import annotations

import csv
import io

from django.test import Client

from gridgov.accounts.models import User
from gridgov.audit.models import AuditEntry
from gridgov.conftest import login
from gridgov.registry.tests.factories import ID_NUMBER, PHONE, make_records

EXPORT = "/exports/lists/registry.search"


def csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8").lstrip("\ufeff"))))


def test_search_results_export_masked_then_revealed_with_a_purpose(
    users: dict[str, User],
) -> None:
    make_records(users["community_staff"])
    staff = login(Client(), users["community_staff"])
    page = staff.post("/registry/", {"id_number": ID_NUMBER}).content.decode()
    assert "共 1 条" in page
    assert f'name="id_number" value="{ID_NUMBER}"' in page
    assert f"?id_number={ID_NUMBER}" not in page

    masked = staff.post(EXPORT, {"id_number": ID_NUMBER, "format": "csv"})
    assert masked.status_code == 200
    rows = csv_rows(masked.content)
    assert [r[0] for r in rows[1:]] == ["目标居民1"]
    assert ID_NUMBER not in str(rows)
    assert PHONE not in str(rows)
    entry = AuditEntry.objects.filter(action="exports.export").latest("id")
    assert entry.detail["filters"] == {"id_number": "***"}
    assert (entry.detail["rows"], entry.detail["reveal"]) == (1, False)

    analyst = login(Client(), users["analyst"])
    refused = analyst.post(EXPORT, {"id_number": ID_NUMBER, "format": "csv", "purpose": "统计"})
    assert refused.status_code == 422

    revealed = staff.post(EXPORT, {"name": "目标居民", "format": "csv", "purpose": "入户走访"})
    assert ID_NUMBER in str(csv_rows(revealed.content))
    entry = AuditEntry.objects.filter(action="exports.export").latest("id")
    assert entry.detail["filters"] == {"name": "目标居民"}
    assert (entry.detail["reveal"], entry.detail["purpose"]) == (True, "入户走访")
    assert ID_NUMBER not in str(AuditEntry.objects.values_list("detail", flat=True))
