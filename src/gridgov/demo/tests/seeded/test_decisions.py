"""The demo's major decisions: a dozen in every state, the barracks extension stopped at
medium risk, and the demo's third-party assessor seeing only its assignments, in Chinese."""

from __future__ import annotations

from django.test import Client

from gridgov.accounts.models import User
from gridgov.decisions.models import Assessment, Decision
from gridgov.decisions.workflow import Status
from gridgov.demo.decisions import PLANS


def test_the_seed_has_decisions_in_every_state_and_the_barracks_stopped(seeded):
    decisions = Decision.objects.unscoped()
    assert decisions.count() == len(PLANS) >= 12
    assert set(decisions.values_list("status", flat=True)) == set(Status.values)
    barracks = decisions.get(title="营房扩建工程")
    assert (barracks.status, barracks.outcome) == (Status.STOPPED, "stop")
    assert barracks.assessments.unscoped().get().risk_level == "medium"
    assert "日照" in barracks.outcome_reason

    assessor = User.objects.get(username="tp")
    client = Client()
    client.force_login(assessor)
    page = client.get("/decisions/assessments/").content.decode()
    mine = Assessment.objects.unscoped().filter(assessor=assessor)
    assert mine.exists()
    assert all(a.decision.title in page for a in mine)
    assert "公交线路优化调整" not in page  # a self-assessed decision: not its assignment
    assert "社会稳定风险评估" in page

    commander = Client()
    commander.force_login(User.objects.get(username="dc"))
    listing = commander.get("/decisions/").content.decode()
    assert "重大决策" in listing
    assert "终止实施" in listing
