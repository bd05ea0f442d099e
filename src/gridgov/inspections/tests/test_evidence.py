"""An inspection's evidence from the phone: photos tied to the checklist item they show, and
where the inspector stood — near the venue's address, or inside its grid when the record has
no standard address — refused when far, with nothing written."""

from __future__ import annotations

import json
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from gridgov.addresses.actions import address_create, road_create
from gridgov.inspections.models import Inspection, InspectionPhoto, InspectionStatus, Venue
from gridgov.registry.models import Organisation
from gridgov.testing.images import PNG
from gridgov.testing.tree import HERE, THERE

API = "/api/v1/inspections"
ITEMS = ("extinguisher", "exit", "wiring", "no_living", "no_charging")


def send(client: Any, inspection: Inspection, photos: int, **data: Any) -> Any:
    body = {"answers": [{"code": c, "passed": c != "exit"} for c in ITEMS], **data}
    return client.post(
        f"{API}/inspections/{inspection.pk}/result/with-photos",
        {
            "data": json.dumps(body),
            "photos": [
                SimpleUploadedFile(f"p{i}.png", PNG, content_type="image/png")
                for i in range(photos)
            ],
        },
    )


def test_photos_name_their_item(due: Inspection, client_for: Any) -> None:
    worker = client_for("grid_worker")
    unknown = send(worker, due, 1, photo_items=["no_such_item"])
    assert unknown.status_code == 422
    assert [e["code"] for e in unknown.json()["errors"]] == ["unknown_item"]
    mismatch = send(worker, due, 2, photo_items=["exit"])
    assert [e["code"] for e in mismatch.json()["errors"]] == ["photo_items_mismatch"]
    assert not InspectionPhoto.objects.exists()
    done = send(worker, due, 2, photo_items=["exit", ""], lon=HERE[0], lat=HERE[1])
    assert done.status_code == 200, done.content
    assert [(p["item_code"], p["name"]) for p in done.json()["photos"]] == [
        ("", "p1.png"),
        ("exit", "p0.png"),
    ]


def test_a_result_far_from_the_venue_is_refused(
    due: Inspection, shop: Venue, client_for: Any
) -> None:
    worker = client_for("grid_worker")
    far = send(worker, due, 1, lon=THERE[0], lat=THERE[1])
    assert far.status_code == 422
    assert far.json()["code"] == "far_from_venue"
    # With a standard address, inside the grid yet some 470 m from the door is too far.
    road = road_create(actor=None, code="320104R99998", name="目标路", district_code="320104")
    door = address_create(actor=None, road_code=road.code, door=1, lon=HERE[0], lat=HERE[1])
    record = Organisation.objects.unscoped().filter(pk=shop.organisation_id or 0)
    record.update(address_code=door.code)
    across = send(worker, due, 0, lon=HERE[0] + 0.005, lat=HERE[1])
    assert across.json()["code"] == "far_from_venue"
    due.refresh_from_db()
    assert due.status == InspectionStatus.DUE
    assert not InspectionPhoto.objects.exists()
    at_the_door = send(worker, due, 0, lon=HERE[0] + 0.001, lat=HERE[1])
    assert at_the_door.status_code == 200, at_the_door.content
