"""Mediation's and decisions' measures, computed by the monthly refresh from their rows and
summed up the tree (docs/indicators.md), and the grid worker's mediation scorecard sources."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from gridgov.assessment.sources import scorecard_sources, window_of
from gridgov.decisions import actions as decisions
from gridgov.decisions.workflow import Command
from gridgov.insight.actions import figures_refresh
from gridgov.insight.measures import registered_measures
from gridgov.insight.models import NodeMonth
from gridgov.mediation.models import MediationDaily
from gridgov.mediation.workflow import Command as MediationCommand
from gridgov.testing.decisions import commission, complete, make_assessor, register
from gridgov.testing.mediation import make_dispute, walk
from gridgov.testing.tree import Tree

SUBDISTRICT = "320104001"
GRIDS = ("320104001001001", "320104001001002")

pytestmark = pytest.mark.django_db


def test_mediation_and_decision_measures_per_area(tree: Tree, users: dict[str, Any]) -> None:
    today = timezone.localdate()
    month = today.replace(day=1)
    for grid, concluded, agreed, kept, days in ((GRIDS[0], 3, 3, 2, 4), (GRIDS[1], 1, 0, 0, 8)):
        MediationDaily.objects.create(
            day=month, grid=tree[grid], dispute_type="neighbour", mediator_name="王调解",
            registered=4, concluded=concluded, agreed=agreed, followed_up=2 if kept else 0,
            kept=kept, conclude_seconds=concluded * days * 86400,
        )  # fmt: skip
    sd = users["dispatcher"]
    assessor = make_assessor("tp1", tree["320104"])
    decision = register(sd, SUBDISTRICT)
    point = complete(sd, commission(sd, decision, assessor), assessor, "low").risk_points.get()
    decisions.decision_apply(actor=sd, decision_id=decision.pk, command=Command.ADJUST, note="北移")
    decisions.mitigation_add(
        actor=sd, risk_point_id=point.pk, measure="楼体北移五米", owner="区住建局",
        due_on=today + timedelta(days=30),
    )  # fmt: skip

    figures_refresh(month=month)
    got = dict(
        NodeMonth.objects.unscoped()
        .filter(node=tree[SUBDISTRICT], month=month)
        .values_list("measure", "value")
    )
    assert got["mediation_success_rate"] == pytest.approx(75.0)  # 3 agreed of 4 concluded
    assert got["mediation_kept_rate"] == pytest.approx(100.0)  # 2 kept of 2 followed up
    assert got["mediation_days"] == pytest.approx(5.0)  # (3 × 4 + 1 × 8) ÷ 4
    assert got["mediation_disputes_per_1000"] == pytest.approx(4.0)  # 8 ÷ 2,000 × 1,000
    assert got["stability_assessments_third_party"] == 1
    assert got["stability_assessments_self"] == 0
    assert got["decisions_adjusted"] == 1
    assert got["decisions_postponed"] == 0
    assert got["mitigations_open"] == 1
    grid_two = NodeMonth.objects.unscoped().get(
        node=tree[GRIDS[1]], month=month, measure="mediation_success_rate"
    )
    assert grid_two.value == 0
    assert {"mediation_success_rate", "mitigations_open"} <= {m.code for m in registered_measures()}


def test_the_workers_card_counts_disputes_found_and_agreements(users: dict[str, Any]) -> None:
    worker = users["grid_worker"]
    dispute = walk(
        users["community_staff"], make_dispute(worker, GRIDS[0]), MediationCommand.ACCEPT
    )
    dispute = walk(worker, dispute, MediationCommand.MEDIATE)
    consents = list(dispute.parties.values_list("pk", flat=True))
    walk(worker, dispute, MediationCommand.AGREE, terms="赔偿800元", consents=consents)
    today = timezone.localdate()
    span = window_of(today, today + timedelta(days=1))
    sources = {s.code: s for s in scorecard_sources()}
    assert sources["disputes_found"].compute([worker.pk], span) == {worker.pk: 1.0}
    assert sources["mediations_agreed"].compute([worker.pk], span) == {worker.pk: 1.0}
