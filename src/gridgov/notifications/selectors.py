"""Every read of notifications: a user reads only their own inbox and preferences."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from gridgov.core.errors import NotFound
from gridgov.notifications.kinds import kinds
from gridgov.notifications.models import USER_CHANNELS, InboxItem, Preference

if TYPE_CHECKING:
    from gridgov.accounts.models import User


def inbox(user: User, *, unread_only: bool = False) -> QuerySet[InboxItem]:
    items = InboxItem.objects.filter(recipient=user).select_related("notice").order_by("-id")
    return items.filter(read_at__isnull=True) if unread_only else items


def inbox_item_get(user: User, item_id: int) -> InboxItem:
    item = inbox(user).filter(pk=item_id).first()
    if item is None:
        raise NotFound(_("No such notification."), code="notification_not_found")
    return item


def unread_count(user: User) -> int:
    return InboxItem.objects.filter(recipient=user, read_at__isnull=True).count()


def preferences(user: User) -> list[tuple[str, str, dict[str, bool]]]:
    """Each kind with its label and, per outside channel, whether it is on for the user."""
    defaults = set(settings.NOTIFICATIONS_DEFAULT_CHANNELS)
    chosen = {
        (kind, channel): enabled
        for kind, channel, enabled in Preference.objects.filter(user=user).values_list(
            "kind", "channel", "enabled"
        )
    }
    return [
        (
            code,
            label,
            {str(c): chosen.get((code, c), c in defaults) for c in USER_CHANNELS},
        )
        for code, label in kinds()
    ]


def channel_labels() -> list[tuple[str, str]]:
    """The outside channels a user may choose, in the order of the preferences table."""
    return [(str(c.value), str(c.label)) for c in USER_CHANNELS]
