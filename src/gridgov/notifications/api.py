"""/api/v1/notifications: the caller's own inbox, unread count, marking read, preferences."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, cast

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from gridgov.core.paging import PageNumberPagination
from gridgov.notifications import actions, selectors
from gridgov.notifications.kinds import kind_label
from gridgov.notifications.models import InboxItem, Notice

if TYPE_CHECKING:
    from gridgov.accounts.models import User

router = Router(tags=["notifications"])


def _user(request: HttpRequest) -> User:
    return cast("User", request.user)


class ItemOut(Schema):
    id: int
    kind: str = Field(alias="notice.kind")
    kind_label: str
    title: str = Field(alias="notice.title")
    body: str = Field(alias="notice.body")
    link: str = Field(alias="notice.link")
    created_at: datetime = Field(alias="notice.created_at")
    read_at: datetime | None

    @staticmethod
    def resolve_kind_label(obj: InboxItem) -> str:
        return kind_label(obj.notice.kind)


class UnreadOut(Schema):
    unread: int


class MarkReadIn(Schema):
    ids: list[int] | None = Field(
        default=None, description="The items to mark read; leave out to mark every unread one."
    )


class MarkedOut(Schema):
    marked: int


class PreferenceIn(Schema):
    kind: str = Field(max_length=48)
    channel: str = Field(max_length=16)
    enabled: bool


class PreferenceOut(Schema):
    kind: str
    kind_label: str
    channels: dict[str, bool]


@router.get("/inbox", response=list[ItemOut])
@paginate(PageNumberPagination)
def inbox(request: HttpRequest, unread: bool = False) -> list[InboxItem]:
    return selectors.inbox(_user(request), unread_only=unread)  # type: ignore[return-value]


@router.get("/unread", response=UnreadOut)
def unread(request: HttpRequest) -> UnreadOut:
    return UnreadOut(unread=selectors.unread_count(_user(request)))


@router.post("/inbox/read", response=MarkedOut)
def mark_read(request: HttpRequest, payload: MarkReadIn) -> MarkedOut:
    return MarkedOut(marked=actions.inbox_mark_read(actor=_user(request), item_ids=payload.ids))


@router.get("/preferences", response=list[PreferenceOut])
def preferences(request: HttpRequest) -> list[PreferenceOut]:
    return [
        PreferenceOut(kind=kind, kind_label=label, channels=channels)
        for kind, label, channels in selectors.preferences(_user(request))
    ]


@router.put("/preferences", response=list[PreferenceOut])
def preferences_put(request: HttpRequest, payload: list[PreferenceIn]) -> list[PreferenceOut]:
    actions.preferences_set(
        actor=_user(request), choices={(p.kind, p.channel): p.enabled for p in payload}
    )
    return preferences(request)


class BroadcastIn(Schema):
    title: str = Field(max_length=200)
    body: str = Field(default="", max_length=2000)


class BroadcastOut(Schema):
    id: int
    title: str
    recipients: int

    @staticmethod
    def resolve_recipients(obj: Notice) -> int:
        return obj.inbox.count()


@router.post("/broadcasts", response={201: BroadcastOut})
def broadcast(request: HttpRequest, payload: BroadcastIn) -> tuple[int, Notice]:
    """An announcement to every account of the caller's jurisdiction (commanders, dispatchers)."""
    return 201, actions.notice_broadcast(
        actor=_user(request), title=payload.title, body=payload.body
    )
