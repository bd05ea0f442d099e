from __future__ import annotations

import json
from typing import Any

from gridgov.inspections.models import Checklist


def test_the_admin_publishes_a_new_version_and_names_bad_items(
    kinds: None, client_for: Any
) -> None:
    admin = client_for("system_admin")
    kind = Checklist.objects.get(kind__code="small_hotel").kind_id
    add = "/admin/inspections/checklist/add/"
    bad = admin.post(add, {"kind": kind, "items": json.dumps([{"code": "a", "text": ""}])})
    assert bad.status_code == 200
    assert "请用1至255个字说明检查内容" in bad.content.decode()
    good = admin.post(
        add, {"kind": kind, "items": json.dumps([{"code": "exit", "text": "疏散通道畅通"}])}
    )
    assert good.status_code == 302
    assert list(
        Checklist.objects.filter(kind_id=kind).order_by("version").values_list("version", flat=True)
    ) == [1, 2]
    first = Checklist.objects.get(kind_id=kind, version=1)
    assert admin.get(f"/admin/inspections/checklist/{first.pk}/change/").status_code == 200
    assert admin.post(f"/admin/inspections/checklist/{first.pk}/delete/").status_code == 403
