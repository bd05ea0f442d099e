"""A campaign's life as one table: draft → pushing → running → closed.

`campaign_apply` (actions) is the only writer of `status`: it takes the pair from this
table, refuses any other with 409, stamps `<state>_at`, writes a CampaignLog row and the
audit row. `finish_push` is the push task's own step (no person gives it).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from gridgov.accounts.roles import Role
from gridgov.campaigns.models import Status


class Command(models.TextChoices):
    PUSH = "push", _("push to the grids")
    FINISH_PUSH = "finish_push", _("push finished")
    CLOSE = "close", _("close")


TRANSITIONS: dict[tuple[str, str], str] = {
    (Status.DRAFT, Command.PUSH): Status.PUSHING,
    (Status.PUSHING, Command.FINISH_PUSH): Status.RUNNING,
    (Status.RUNNING, Command.CLOSE): Status.CLOSED,
}

# The timestamp each state stamps when entered.
STAMPS: dict[str, str] = {
    Status.PUSHING: "pushing_at",
    Status.RUNNING: "running_at",
    Status.CLOSED: "closed_at",
}

# The centres that define, push and close campaigns: a subdistrict, a district, the city.
CENTRE_ROLES = frozenset({Role.SUBDISTRICT_DISPATCHER, Role.DISTRICT_COMMANDER})
# Those who answer on the phone: the grid's workers, whose field task the answer completes.
ANSWER_ROLES = frozenset({Role.GRID_WORKER})
# Who reads a campaign's counts and answers: the centres, the grids and their communities.
READ_ROLES = CENTRE_ROLES | ANSWER_ROLES | {Role.COMMUNITY_STAFF, Role.ANALYST}

# States whose form may still be answered.
ANSWERABLE = frozenset({Status.RUNNING})


def allowed(status: str) -> list[str]:
    return [command for (state, command) in TRANSITIONS if state == status]
