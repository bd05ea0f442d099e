"""Every write of notifications: send a notice, mark read, set preferences.

Domain actions call `notice_send` inside their own transaction (one line each, listed in
docs/adr/0023): the notice, its inbox rows and its deliveries commit or roll back with the
change that caused them. This package imports no domain package; domains call it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.accounts.models import User
from gridgov.accounts.roles import Role
from gridgov.audit.actions import audit_record
from gridgov.core.errors import PermissionDenied, ProblemList
from gridgov.core.scope import Scope
from gridgov.notifications import sealing
from gridgov.notifications.channels import adapter_for
from gridgov.notifications.kinds import kind_label
from gridgov.notifications.models import (
    USER_CHANNELS,
    Channel,
    Delivery,
    Follower,
    InboxItem,
    Notice,
    Preference,
    WebhookEndpoint,
)
from gridgov.tasks.actions import task_enqueue

DELIVER_TASK = "gridgov.notifications.deliver"


def _enabled_channels(user_ids: list[int], kind: str) -> dict[int, set[str]]:
    """Each user's outside channels for a kind: the deployment's defaults, then their choices."""
    defaults = {c for c in settings.NOTIFICATIONS_DEFAULT_CHANNELS if c in USER_CHANNELS}
    chosen: dict[int, set[str]] = {user_id: set(defaults) for user_id in user_ids}
    for user_id, channel, enabled in Preference.objects.filter(
        user_id__in=user_ids, kind=kind
    ).values_list("user_id", "channel", "enabled"):
        (chosen[user_id].add if enabled else chosen[user_id].discard)(channel)
    return chosen


def _user_deliveries(notice: Notice, user_ids: list[int]) -> list[Delivery]:
    configured = {c for c in USER_CHANNELS if adapter_for(c) is not None}
    return [
        Delivery(
            notice=notice,
            channel=channel,
            recipient_id=user_id,
            key=f"{notice.key}|{channel}|u{user_id}",
        )
        for user_id, channels in _enabled_channels(user_ids, notice.kind).items()
        for channel in sorted(channels & configured)
    ]


def _phone_deliveries(notice: Notice, topic: str) -> list[Delivery]:
    """The phones following the topic, still sealed; only where an SMS adapter is configured
    (adapter permitting: without one a resident is told nothing and nothing is kept)."""
    if not topic or adapter_for(Channel.SMS) is None:
        return []
    return [
        Delivery(
            notice=notice,
            channel=Channel.SMS,
            sealed_address=sealed,
            key=f"{notice.key}|{Channel.SMS}|f{follower_id}",
        )
        for follower_id, sealed in Follower.objects.filter(topic=topic).values_list(
            "id", "sealed_phone"
        )
    ]


def notice_follow(*, topic: str, phone: str) -> Follower | None:
    """Keep a resident's phone, sealed, to tell them of the topic's steps; nothing is kept
    where no SMS adapter could ever use it."""
    if not phone or adapter_for(Channel.SMS) is None:
        return None
    return Follower.objects.create(topic=topic[:100], sealed_phone=sealing.seal(phone))


def _webhook_deliveries(notice: Notice) -> list[Delivery]:
    return [
        Delivery(
            notice=notice,
            channel=Channel.WEBHOOK,
            endpoint=endpoint,
            key=f"{notice.key}|{Channel.WEBHOOK}|e{endpoint.pk}",
        )
        for endpoint in WebhookEndpoint.objects.filter(active=True)
        if notice.kind in endpoint.kinds
    ]


@transaction.atomic
def notice_send(
    *,
    kind: str,
    key: str,
    title: str,
    body: str = "",
    link: str = "",
    recipients: Iterable[int] = (),
    followers: str = "",
    data: dict[str, Any] | None = None,
) -> Notice:
    """Tell `recipients` (user ids) and the phones following `followers` about one thing, once.

    The key names the thing (`events.event:12:dispatch:3`): a second call with it sends
    nothing and returns the first notice, so a retried hook or an overlapping periodic run
    never duplicates."""
    notice, created = Notice.objects.get_or_create(
        key=key[:200],
        defaults={
            "kind": kind,
            "title": title[:200],
            "body": body,
            "link": link[:300],
            "payload": data or {},
        },
    )
    if not created:
        return notice
    user_ids = sorted(set(recipients))
    InboxItem.objects.bulk_create(
        [InboxItem(notice=notice, recipient_id=user_id) for user_id in user_ids]
    )
    deliveries = [
        *_user_deliveries(notice, user_ids),
        *_phone_deliveries(notice, followers),
        *_webhook_deliveries(notice),
    ]
    for delivery in Delivery.objects.bulk_create(deliveries):
        task_enqueue(task=DELIVER_TASK, delivery_id=delivery.pk)
    return notice


BROADCAST_ROLES = frozenset({Role.DISTRICT_COMMANDER, Role.SUBDISTRICT_DISPATCHER})


def _accounts_under(actor: User) -> list[int]:
    """Every active account placed in the actor's jurisdiction, or on a department of it."""
    if not actor.place_code:
        return []
    return list(
        User.objects.visible_to(Scope.within(actor.place_code))
        .filter(is_active=True)
        .exclude(pk=actor.pk)
        .values_list("pk", flat=True)
    )


@transaction.atomic
def notice_broadcast(*, actor: User, title: str, body: str = "") -> Notice:
    """An announcement by a commander or dispatcher to every account of their jurisdiction."""
    if actor.role not in BROADCAST_ROLES:
        raise PermissionDenied(
            _("Your role may not send announcements."), code="broadcast_forbidden"
        )
    problems = ProblemList()
    if not title.strip():
        problems.add("required", _("Give a title."), field="title")
    if len(title) > 200:
        problems.add("too_long", _("The title is 200 characters at most."), field="title")
    problems.raise_if_any(_("The announcement cannot be sent."))
    notice = notice_send(
        kind="broadcast",
        key=f"broadcast:{actor.pk}:{timezone.now().isoformat()}",
        title=title.strip(),
        body=body.strip(),
        recipients=_accounts_under(actor),
    )
    audit_record(
        actor=actor,
        action="notifications.broadcast",
        target=notice,
        detail={"title": title[:100], "recipients": notice.inbox.count()},
    )
    return notice


def inbox_mark_read(*, actor: User, item_ids: Iterable[int] | None = None) -> int:
    """Mark the actor's own items read (all unread ones when no ids are given).

    Reading one's own inbox is not audited: it changes nothing anyone else sees."""
    items = InboxItem.objects.filter(recipient=actor, read_at__isnull=True)
    if item_ids is not None:
        items = items.filter(pk__in=list(item_ids))
    return items.update(read_at=timezone.now())


@transaction.atomic
def preferences_set(*, actor: User, choices: dict[tuple[str, str], bool]) -> int:
    """The actor's choices per (kind, channel); the in-app channel cannot be turned off."""
    problems = ProblemList()
    for kind, channel in choices:
        if channel not in USER_CHANNELS:
            problems.add(
                "bad_channel",
                _("No such channel: %(channel)s.") % {"channel": channel},
                field="channel",
            )
        if kind_label(kind) == kind:
            problems.add("bad_kind", _("No such kind: %(kind)s.") % {"kind": kind}, field="kind")
    problems.raise_if_any(_("The preferences cannot be saved."))
    for (kind, channel), enabled in choices.items():
        Preference.objects.update_or_create(
            user=actor, kind=kind, channel=channel, defaults={"enabled": enabled}
        )
    audit_record(
        actor=actor,
        action="notifications.preferences",
        target=actor,
        detail={f"{k}.{c}": v for (k, c), v in choices.items()},
    )
    return len(choices)
