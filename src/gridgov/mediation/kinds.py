"""The field task mediation registers with fieldwork: the follow-up visit (回访)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from gridgov.fieldwork.kinds import register_task_kind

FOLLOW_UP_KIND = "mediation_follow_up"


def register_kinds() -> None:
    register_task_kind(FOLLOW_UP_KIND, _("mediation follow-up visit"), "mediation:follow_up")
