"""What collect → verify tells grid workers, through gridgov.notifications.

Hooks (one line each in verification.actions): `notices.tasks_assigned(...)` in
change_propose, _newcomer_propose, import_changes_propose and stale_sweep."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import ngettext

from gridgov.notifications.actions import notice_send
from gridgov.notifications.models import Kind


def tasks_assigned(assignees: Iterable[int | None], batch: str = "") -> None:
    """One notice per grid worker for the tasks one write gave them, with their number."""
    counts = Counter(a for a in assignees if a is not None)
    stamp = batch or timezone.now().isoformat()
    for user_id, n in counts.items():
        with translation.override(settings.LANGUAGE_CODE):
            notice_send(
                kind=Kind.VERIFICATION,
                key=f"verification.tasks:{user_id}:{stamp}",
                title=ngettext("%(n)d new verification task", "%(n)d new verification tasks", n)
                % {"n": n},
                link=reverse("verification:tasks"),
                recipients=[user_id],
            )
