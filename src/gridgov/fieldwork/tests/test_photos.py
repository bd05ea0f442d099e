"""A task's result with photos over the JSON API: multipart, each file checked by content and
size, a refusal as JSON naming the file, nothing written."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from gridgov.accounts.models import User
from gridgov.fieldwork.models import FieldPhoto
from gridgov.fieldwork.tests.conftest import MakeTask
from gridgov.testing.images import PNG
from gridgov.testing.tree import HERE

API = "/api/v1/fieldwork"


def test_a_result_with_photos(make_task: MakeTask, people: dict[str, User], media: Path) -> None:
    task = make_task()
    worker = Client()
    worker.force_login(people["grid_worker"], backend="gridgov.accounts.backends.RoleBackend")
    url = f"{API}/tasks/{task.pk}/complete/with-photos"
    data = json.dumps({"note": "已清理", "lon": HERE[0], "lat": HERE[1]})
    fake = SimpleUploadedFile("after.png", b"not an image", content_type="image/png")
    refused = worker.post(url, {"data": data, "photos": [fake]})
    assert refused.status_code == 422
    assert [(e["code"], e["item"]) for e in refused.json()["errors"]] == [
        ("photo_type", "after.png")
    ]
    malformed = worker.post(url, {"data": '{"lon": "east"}'})
    assert malformed.status_code == 422
    assert not FieldPhoto.objects.exists()
    photo = SimpleUploadedFile("after.png", PNG, content_type="image/png")
    done = worker.post(url, {"data": data, "photos": [photo]})
    assert done.status_code == 200, done.content
    assert done.json()["status"] == "done"
    assert FieldPhoto.objects.get(task=task).name == "after.png"
