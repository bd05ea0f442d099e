"""The prompt notice's loop, declared once: the centre issues a drafted notice (or dismisses
it), the area replies with its measures, the centre closes it or sends it back.

actions.notice_step applies this table and nothing else: any other (state, command) pair is
a conflict.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from gridgov.accounts.roles import Role
from gridgov.insight.models import NoticeStatus


class NoticeCommand(models.TextChoices):
    ISSUE = "issue", _("issue")
    DISMISS = "dismiss", _("dismiss")
    REPLY = "reply", _("reply with measures")
    CLOSE = "close", _("close")
    RETURN = "return", _("send back")


TRANSITIONS: dict[tuple[str, str], str] = {
    (NoticeStatus.DRAFT, NoticeCommand.ISSUE): NoticeStatus.ISSUED,
    (NoticeStatus.DRAFT, NoticeCommand.DISMISS): NoticeStatus.DISMISSED,
    (NoticeStatus.ISSUED, NoticeCommand.REPLY): NoticeStatus.REPLIED,
    (NoticeStatus.REPLIED, NoticeCommand.CLOSE): NoticeStatus.CLOSED,
    (NoticeStatus.REPLIED, NoticeCommand.RETURN): NoticeStatus.ISSUED,
}


@dataclass(frozen=True)
class StateFacts:
    label: str | Promise
    open: bool
    # The field stamped when the notice enters the state.
    stamp: str


STATES: dict[str, StateFacts] = {
    NoticeStatus.DRAFT: StateFacts(NoticeStatus.DRAFT.label, True, "drafted_at"),
    NoticeStatus.ISSUED: StateFacts(NoticeStatus.ISSUED.label, True, "issued_at"),
    NoticeStatus.REPLIED: StateFacts(NoticeStatus.REPLIED.label, True, "replied_at"),
    NoticeStatus.CLOSED: StateFacts(NoticeStatus.CLOSED.label, False, "closed_at"),
    NoticeStatus.DISMISSED: StateFacts(NoticeStatus.DISMISSED.label, False, "dismissed_at"),
}

OPEN_STATUSES = frozenset(s for s, facts in STATES.items() if facts.open)

# The centre: the district command centre (and the city's, which sits at that role too).
CENTRE_ROLES = frozenset({Role.DISTRICT_COMMANDER})
# The area's own leaders answer: the account that sits on the notice's node.
AREA_ROLES = frozenset({Role.DISTRICT_COMMANDER, Role.SUBDISTRICT_DISPATCHER, Role.COMMUNITY_STAFF})
# Whether a command is the centre's (over an area below it) or the area's own.
CENTRE_COMMANDS = frozenset(
    {NoticeCommand.ISSUE, NoticeCommand.DISMISS, NoticeCommand.CLOSE, NoticeCommand.RETURN}
)
