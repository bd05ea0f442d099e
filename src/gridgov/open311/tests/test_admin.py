"""Client applications and photo approval in the admin, through the admin's own forms."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from gridgov.accounts.roles import Role
from gridgov.audit.models import AuditEntry
from gridgov.events.models import EventAttachment
from gridgov.open311.models import ClientApplication
from gridgov.testing.images import PNG
from gridgov.testing.tree import HERE, Tree
from gridgov.testing.users import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(tree: Tree, catalogue: None) -> Client:
    root = make_user("root", Role.SYSTEM_ADMIN, node=tree["3201"])
    root.is_superuser = True
    root.save()
    client = Client()
    client.force_login(root)
    return client


def test_a_client_is_registered_and_its_key_shown_once(admin_client: Client) -> None:
    answer = admin_client.post(
        "/admin/open311/clientapplication/add/",
        {"name": "随手拍", "contact": "信息中心", "requests_per_hour": "100", "active": "on"},
        follow=True,
    )
    assert answer.status_code == 200
    client = ClientApplication.objects.get()
    shown = [str(m) for m in answer.context["messages"]]
    # The key is 32 random bytes, URL-safe base64: 43 characters, whatever the language.
    [key] = [found.group() for m in shown if (found := re.search(r"[\w-]{43}", m))]
    assert client.digest == ClientApplication.digest_of(key)
    assert key not in str(ClientApplication.objects.values().get())
    assert AuditEntry.objects.filter(action="open311.client_create").exists()
    rotated = admin_client.post(
        "/admin/open311/clientapplication/",
        {"action": "issue_new_key", "_selected_action": [client.pk]},
        follow=True,
    )
    assert rotated.status_code == 200
    client.refresh_from_db()
    assert client.digest != ClientApplication.digest_of(key)


def test_staff_approve_photos_in_the_admin(admin_client: Client, settings: Any) -> None:
    Client().post(
        "/residents/",
        {
            "category": "0202",
            "description": "路灯不亮",
            "lon": HERE[0],
            "lat": HERE[1],
            "consent": "on",
            "form_key": "k",
            "photos": [SimpleUploadedFile("lamp.png", PNG, content_type="image/png")],
        },
    )
    attachment = EventAttachment.objects.get()
    assert admin_client.get("/admin/events/eventattachment/").status_code == 200
    admin_client.post(
        "/admin/events/eventattachment/",
        {"action": "approve_for_public", "_selected_action": [attachment.pk]},
    )
    attachment.refresh_from_db()
    assert attachment.public_approved
