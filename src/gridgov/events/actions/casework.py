"""Case work beside the loop (issue 12 item 7): internal comments that mention departments,
queue filters kept under a name, and one loop command given to many events at once.

None of these moves an event by itself: bulk work calls event_apply once per event, each in
its own savepoint, so one refused event leaves the others as they went."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlencode

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.audit.actions import audit_record
from gridgov.core.errors import DomainError, InvalidInput, NotFound, PermissionDenied
from gridgov.departments.models import Department
from gridgov.events import notices
from gridgov.events.actions.loop import event_apply
from gridgov.events.models import Event, EventComment, SavedFilter
from gridgov.events.selectors import event_get
from gridgov.events.workflow import COMMAND_ROLES, Command

if TYPE_CHECKING:
    from gridgov.accounts.models import User

# Whoever may give a command of the loop works its cases and may write beside them.
COMMENT_ROLES = frozenset().union(*COMMAND_ROLES.values())
COMMENT_MAX = 2000
# The commands a dispatcher gives to a page of the queue at once: no per-event input needed.
BULK_COMMANDS = (Command.REGISTER, Command.DISPATCH)
BULK_MAX = 100
# What a saved filter may hold: the queue's own parameters, nothing else.
FILTER_KEYS = ("tab", "status", "category", "since", "until", "q", "node", "department")
SAVED_FILTERS_MAX = 30


def mention_departments(event: Event) -> QuerySet[Department]:
    """The departments that serve the event's place, at its level or above: whom one may ask."""
    place = [*event.node.ancestor_codes(), event.node.code]
    return Department.objects.unscoped().filter(node__code__in=place)


def _mentioned(body: str, departments: list[Department]) -> tuple[list[Department], list[str]]:
    """Each `@` followed by the longest department name it begins; Chinese puts no space after
    a name, so a name is found by its start, not cut at a space. Returns the departments and
    the words after an `@` that name none."""
    found: dict[int, Department] = {}
    unknown: list[str] = []
    by_length = sorted(departments, key=lambda d: len(d.name), reverse=True)
    for start, char in enumerate(body):
        if char != "@":
            continue
        rest = body[start + 1 :]
        match = next((d for d in by_length if rest.startswith(d.name)), None)
        if match is not None:
            found[match.pk] = match
        else:
            unknown.append(rest.split()[0][:20] if rest.strip() else "")
    return list(found.values()), unknown


@transaction.atomic
def event_comment_add(*, actor: User, number: str, body: str) -> EventComment:
    """Write an internal comment; each department named with `@` is told in its inbox."""
    if actor.role not in COMMENT_ROLES:
        raise PermissionDenied(_("Your role does not work on events."), code="comment_forbidden")
    event = event_get(actor, number)
    text = body.strip()
    if not text:
        raise InvalidInput(_("Write the comment."), code="required")
    if len(text) > COMMENT_MAX:
        raise InvalidInput(
            _("A comment holds at most %(n)d characters.") % {"n": COMMENT_MAX},
            code="too_long",
        )
    mentioned, unknown = _mentioned(text, list(mention_departments(event)))
    if unknown:
        raise InvalidInput(
            _("No department named “%(name)s” serves this event's place.") % {"name": unknown[0]},
            code="mention_unknown",
        )
    comment = EventComment.objects.create(event=event, author=actor, body=text, at=timezone.now())
    comment.mentions.set(mentioned)
    audit_record(
        actor=actor,
        action="events.comment_add",
        target=event,
        detail={"comment": comment.pk, "mentions": [d.code for d in mentioned]},
    )
    notices.mentioned(event, comment, mentioned)
    return comment


def filter_query(raw: str) -> str:
    """The queue parameters of a query string, in a fixed order; anything else dropped."""
    pairs = [(k, v) for k, v in parse_qsl(raw.lstrip("?")) if k in FILTER_KEYS and v]
    return urlencode(sorted(pairs))


@transaction.atomic
def saved_filter_create(*, actor: User, name: str, query: str) -> SavedFilter:
    """Keep the queue's current filter under a name; the same name again replaces it."""
    label = name.strip()
    if not label or len(label) > 40:
        raise InvalidInput(_("Name the filter in 1 to 40 characters."), code="bad_name")
    kept = filter_query(query)
    if not kept:
        raise InvalidInput(_("There is no filter to keep."), code="empty_filter")
    mine = SavedFilter.objects.filter(owner=actor)
    if not mine.filter(name=label).exists() and mine.count() >= SAVED_FILTERS_MAX:
        raise InvalidInput(
            _("Keep at most %(n)d filters; delete one first.") % {"n": SAVED_FILTERS_MAX},
            code="too_many",
        )
    try:
        with transaction.atomic():
            saved, _created = SavedFilter.objects.update_or_create(
                owner=actor, name=label, defaults={"query": kept, "created_at": timezone.now()}
            )
    except IntegrityError as error:  # the same name saved twice at once
        raise InvalidInput(_("Save the filter again."), code="busy") from error
    audit_record(actor=actor, action="events.saved_filter_create", target=saved)
    return saved


@transaction.atomic
def saved_filter_delete(*, actor: User, filter_id: int) -> None:
    saved = SavedFilter.objects.filter(owner=actor, pk=filter_id).first()
    if saved is None:
        raise NotFound(_("No such saved filter."), code="saved_filter_not_found")
    audit_record(actor=actor, action="events.saved_filter_delete", target=saved)
    saved.delete()


@dataclass(frozen=True)
class BulkOutcome:
    number: str
    done: bool
    code: str = ""
    message: str = ""


def events_apply_many(
    *, actor: User, command: str, items: list[tuple[str, int]], note: str = ""
) -> list[BulkOutcome]:
    """Give one command to each (number, version) the person saw, in the order given.

    Each event is its own transaction: a stale or refused one is reported with its reason and
    the others stand. Dispatch sends each to its category's department."""
    if command not in BULK_COMMANDS:
        raise InvalidInput(
            _("Only registering and dispatching are given to many events at once."),
            code="bulk_command",
        )
    if actor.role not in COMMAND_ROLES[Command(command)]:
        raise PermissionDenied(
            _("Your role may not give the command “%(command)s”.")
            % {"command": Command(command).label},
            code="command_forbidden",
        )
    if not items:
        raise InvalidInput(_("Choose at least one event."), code="required")
    if len(items) > BULK_MAX:
        raise InvalidInput(
            _("Choose at most %(n)d events at once.") % {"n": BULK_MAX}, code="too_many"
        )
    outcomes = []
    for number, version in items:
        try:
            event = event_get(actor, number)
            event_apply(
                actor=actor,
                event_id=event.pk,
                command=command,
                expected_version=version,
                note=note,
            )
        except DomainError as error:
            outcomes.append(BulkOutcome(number, False, error.code, str(error.message)))
        else:
            outcomes.append(BulkOutcome(number, True))
    return outcomes
