"""What prompt notices tell people, through gridgov.notifications: the centre hears of a
draft and of a reply gone overdue; the area hears that a notice was issued or sent back;
the centre hears of the area's reply.

Hooks (one line each in insight.actions): `drafted(pk)` in notices_draft, `stepped(pk, cmd)`
in notice_step, `overdue(pk)` in notices_sweep."""

from __future__ import annotations

from django.conf import settings
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gridgov.accounts.models import User
from gridgov.insight.models import PromptNotice
from gridgov.insight.workflow import AREA_ROLES, CENTRE_ROLES, NoticeCommand
from gridgov.notifications.actions import notice_send
from gridgov.notifications.kinds import kind_register

PROMPT_NOTICE = "prompt_notice"
kind_register(PROMPT_NOTICE, gettext_lazy("prompt notice"))


def _centre(notice: PromptNotice) -> QuerySet[User]:
    return User.objects.filter(
        role__in=CENTRE_ROLES, is_active=True, node__code__in=notice.node.ancestor_codes()
    )


def _area(notice: PromptNotice) -> QuerySet[User]:
    return User.objects.filter(role__in=AREA_ROLES, is_active=True, node_id=notice.node_id)


def _send(notice: PromptNotice, step: str, title: str, recipients: QuerySet[User]) -> None:
    notice_send(
        kind=PROMPT_NOTICE,
        key=f"insight.notice:{notice.pk}:{step}",
        title=title,
        body=notice.reason,
        link=reverse("insight:notice", args=[notice.pk]),
        recipients=recipients.values_list("pk", flat=True),
        data={"notice": notice.pk, "area": notice.node.code},
    )


def _notice(pk: int) -> PromptNotice:
    return PromptNotice.objects.unscoped().select_related("node", "index").get(pk=pk)


def drafted(pk: int) -> None:
    notice = _notice(pk)
    with translation.override(settings.LANGUAGE_CODE):
        title = _("Prompt notice drafted for %(area)s: %(index)s") % {
            "area": notice.node.name,
            "index": notice.index.name,
        }
        _send(notice, "draft", title, _centre(notice))


def stepped(pk: int, command: str) -> None:
    notice = _notice(pk)
    with translation.override(settings.LANGUAGE_CODE):
        names = {"area": notice.node.name, "index": notice.index.name}
        if command == NoticeCommand.ISSUE:
            title = _("Prompt notice on %(index)s: reply with measures") % names
            _send(notice, f"issue:{notice.issued_at:%Y%m%d%H%M%S}", title, _area(notice))
        elif command == NoticeCommand.RETURN:
            title = _("Prompt notice on %(index)s sent back: reply again") % names
            _send(notice, f"return:{notice.issued_at:%Y%m%d%H%M%S}", title, _area(notice))
        elif command == NoticeCommand.REPLY:
            title = _("%(area)s replied to the prompt notice on %(index)s") % names
            _send(notice, f"reply:{notice.replied_at:%Y%m%d%H%M%S}", title, _centre(notice))


def overdue(pk: int) -> None:
    notice = _notice(pk)
    with translation.override(settings.LANGUAGE_CODE):
        title = _("%(area)s has not replied to the prompt notice on %(index)s in time") % {
            "area": notice.node.name,
            "index": notice.index.name,
        }
        _send(notice, "overdue", title, _centre(notice))
