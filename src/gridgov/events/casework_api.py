"""Case work beside the loop, for clients other than the pages: internal comments, reply
templates, the caller's kept queue filters, and one command given to many events."""

from datetime import datetime

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from gridgov.accounts.requests import request_user
from gridgov.events import selectors
from gridgov.events.actions import casework
from gridgov.events.models import EventComment

router = Router(tags=["case work"])


class CommentIn(Schema):
    body: str = Field(max_length=casework.COMMENT_MAX)


class CommentOut(Schema):
    id: int
    author: str
    body: str
    at: datetime
    mentions: list[str]


def _comment_out(comment: EventComment) -> CommentOut:
    return CommentOut(
        id=comment.pk,
        author=str(comment.author),
        body=comment.body,
        at=comment.at,
        mentions=[d.name for d in comment.mentions.all()],
    )


@router.get("/events/{number}/comments", response=list[CommentOut])
def comments(request: HttpRequest, number: str) -> list[CommentOut]:
    event = selectors.event_get(request_user(request), number)
    return [_comment_out(c) for c in selectors.event_comments(event)]


@router.post("/events/{number}/comments", response={201: CommentOut})
def comment_add(request: HttpRequest, number: str, data: CommentIn) -> Status[CommentOut]:
    comment = casework.event_comment_add(actor=request_user(request), number=number, body=data.body)
    return Status(201, _comment_out(comment))


class ReplyTemplateOut(Schema):
    title: str
    body: str
    category: str | None


@router.get("/events/{number}/reply-templates", response=list[ReplyTemplateOut])
def reply_templates(request: HttpRequest, number: str) -> list[ReplyTemplateOut]:
    event = selectors.event_get(request_user(request), number)
    return [
        ReplyTemplateOut(
            title=t.title, body=t.body, category=t.category.name if t.category else None
        )
        for t in selectors.reply_templates(event.category).select_related("category")
    ]


class SavedFilterIn(Schema):
    name: str = Field(max_length=40)
    query: str = Field(max_length=500)


class SavedFilterOut(Schema):
    id: int
    name: str
    query: str


@router.get("/saved-filters", response=list[SavedFilterOut])
def saved_filters(request: HttpRequest) -> list[SavedFilterOut]:
    return [
        SavedFilterOut(id=f.pk, name=f.name, query=f.query)
        for f in selectors.saved_filters(request_user(request))
    ]


@router.post("/saved-filters", response={201: SavedFilterOut})
def saved_filter_create(request: HttpRequest, data: SavedFilterIn) -> Status[SavedFilterOut]:
    saved = casework.saved_filter_create(
        actor=request_user(request), name=data.name, query=data.query
    )
    return Status(201, SavedFilterOut(id=saved.pk, name=saved.name, query=saved.query))


@router.delete("/saved-filters/{filter_id}", response={204: None})
def saved_filter_delete(request: HttpRequest, filter_id: int) -> Status[None]:
    casework.saved_filter_delete(actor=request_user(request), filter_id=filter_id)
    return Status(204, None)


class BulkItemIn(Schema):
    number: str = Field(max_length=16)
    version: int = Field(ge=1)


class BulkIn(Schema):
    command: str
    events: list[BulkItemIn] = Field(max_length=casework.BULK_MAX)
    note: str = Field("", max_length=500)


class BulkOutcomeOut(Schema):
    number: str
    done: bool
    code: str
    message: str


@router.post("/bulk", response=list[BulkOutcomeOut])
def bulk(request: HttpRequest, data: BulkIn) -> list[BulkOutcomeOut]:
    outcomes = casework.events_apply_many(
        actor=request_user(request),
        command=data.command,
        items=[(item.number, item.version) for item in data.events],
        note=data.note,
    )
    return [
        BulkOutcomeOut(number=o.number, done=o.done, code=o.code, message=o.message)
        for o in outcomes
    ]
