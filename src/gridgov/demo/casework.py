"""The demo's case work: the shipped reply templates, internal comments that mention the
handler's department on open events of the dispatcher's subdistrict, and a kept filter, all
through the events' own actions so each is audited and notifies as on the pages."""

from __future__ import annotations

import importlib.resources
import json

from gridgov.accounts.models import User
from gridgov.core.scope import Scope
from gridgov.events.actions.casework import event_comment_add, saved_filter_create
from gridgov.events.actions.catalogue import reply_templates_load
from gridgov.events.models import Event
from gridgov.events.workflow import OPEN_STATUSES, Status

COMMENTS = (
    "@{department} 现场涉及管线产权，请协助确认责任单位。",
    "已电话联系报告人，补充了现场照片。",
    "@{department} 此点位本月第三次上报，请一并研究长效措施。",
)


def casework_seed() -> int:
    """Returns how many comments were written (none when the demo was seeded before)."""
    source = importlib.resources.files("gridgov.events.data") / "reply_templates.json"
    reply_templates_load(actor=None, data=json.loads(source.read_text(encoding="utf-8")))
    dispatcher, handler = User.objects.get(username="sd"), User.objects.get(username="dh")
    # demo_accounts_ensure placed both accounts.
    assert dispatcher.node is not None  # noqa: S101
    assert handler.department is not None  # noqa: S101
    saved_filter_create(
        actor=dispatcher, name="待派遣·消防用电", query="tab=to_dispatch&category=0401"
    )
    events = (
        Event.objects.visible_to(Scope.under(dispatcher.node))
        .filter(
            status__in=[s for s in OPEN_STATUSES if s != Status.REPORTED],
            comments__isnull=True,
        )
        .order_by("-number")[: len(COMMENTS)]
    )
    written = 0
    for text, event in zip(COMMENTS, events, strict=False):
        body = text.format(department=handler.department.name)
        event_comment_add(actor=dispatcher, number=event.number, body=body)
        written += 1
    return written
