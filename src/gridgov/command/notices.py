"""What linked command tells people, through gridgov.notifications: an instruction reaching
its addressees, a reminder, an unacknowledged urgent instruction escalated, an activation."""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gridgov.command.models import Instruction
from gridgov.notifications.actions import notice_send
from gridgov.notifications.kinds import kind_register

INSTRUCTION = "command_instruction"
ESCALATED = "command_escalated"

kind_register(INSTRUCTION, gettext_lazy("instruction from a command centre"))
kind_register(ESCALATED, gettext_lazy("instruction not acknowledged in time"))


def _due(instruction: Instruction) -> str:
    return timezone.localtime(instruction.due_at).strftime("%Y-%m-%d %H:%M")


def delivered(instruction: Instruction, first: int, recipients: Sequence[int]) -> None:
    """One notice per delivery batch, named by the first account it added: that account's
    receipt exists once, so no other batch can bear the name."""
    with translation.override(settings.LANGUAGE_CODE):
        notice_send(
            kind=INSTRUCTION,
            key=f"command.instruction:{instruction.pk}:{first}",
            title=_("Instruction from %(centre)s: %(title)s")
            % {"centre": instruction.centre.name, "title": instruction.title},
            body=f"{instruction.body}\n{_('To be done by %(due)s') % {'due': _due(instruction)}}",
            link=reverse("command:receipts_mine"),
            recipients=recipients,
            data={"instruction": instruction.pk, "priority": instruction.priority},
        )


def reminded(instruction: Instruction, round_: int, recipients: Sequence[int]) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        notice_send(
            kind=INSTRUCTION,
            key=f"command.instruction:{instruction.pk}:remind:{round_}",
            title=_("Reminder: acknowledge the instruction “%(title)s”")
            % {"title": instruction.title},
            body=instruction.body,
            link=reverse("command:receipts_mine"),
            recipients=recipients,
            data={"instruction": instruction.pk, "reminder": round_},
        )


def escalated(instruction: Instruction, recipients: Sequence[int], missing: int) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        notice_send(
            kind=ESCALATED,
            key=f"command.instruction:{instruction.pk}:escalated",
            title=_("%(n)d addressees have not acknowledged the urgent instruction “%(title)s”")
            % {"n": missing, "title": instruction.title},
            body=instruction.centre.name,
            link=reverse("command:instruction", args=[instruction.pk]),
            recipients=recipients,
            data={"instruction": instruction.pk, "missing": missing},
        )
