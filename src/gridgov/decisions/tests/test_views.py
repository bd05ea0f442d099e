"""The decision pages, in Chinese: the list with its figures, registering, deciding from the
decision's page, the assessor's page of its assignment, and the audited reveal."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from gridgov.conftest import login
from gridgov.decisions.models import Decision, Participant
from gridgov.testing.decisions import PARTICIPANT_ID, commission, complete, register

pytestmark = pytest.mark.django_db


def test_register_decide_and_follow_up_from_the_pages(people: dict[str, Any]) -> None:
    client = login(Client(), people["dispatcher"])
    form = client.get("/decisions/new/")
    assert "登记重大决策" in form.content.decode()
    made = client.post(
        "/decisions/new/",
        {
            "title": "营房扩建工程",
            "category": "construction",
            "decided_by": "区政府常务会议",
            "node": "320104001",
            "people_affected": "1200",
            "planned_on": "2027-06-01",
        },
        follow=True,
    )
    page = made.content.decode()
    assert "决策已登记" in page
    assert "已登记" in page
    decision = Decision.objects.unscoped().get()
    # Going ahead without the third-party assessment the category requires: told why.
    refused = client.post(
        f"/decisions/{decision.pk}/command/",
        {"command": "proceed", "note": "直接实施", "version": decision.version},
        follow=True,
    )
    assert "须完成第三方评估" in refused.content.decode()
    client.post(
        f"/decisions/{decision.pk}/commission/",
        {"kind": "third_party", "assessor": people["assessor"].pk, "version": decision.version},
    )
    assessment = decision.assessments.unscoped().get()
    assert assessment.assessor == people["assessor"]
    complete(people["dispatcher"], assessment, people["assessor"], level="medium")
    detail = client.get(f"/decisions/{decision.pk}/").content.decode()
    assert "终止实施" in detail  # the outcome buttons
    assert "日照纠纷" in detail  # the risk point that takes mitigations
    stopped = client.post(
        f"/decisions/{decision.pk}/command/",
        {"command": "stop", "note": "日照异议集中，风险中", "version": decision.version + 2},
        follow=True,
    )
    assert "已终止" in stopped.content.decode()
    listing = client.get("/decisions/?outcome=stop").content.decode()
    assert "营房扩建工程" in listing
    assert "已完成第三方评估" in listing


def test_the_assessor_works_on_its_assignment_in_its_page(people: dict[str, Any]) -> None:
    sd, tp = people["dispatcher"], people["assessor"]
    assessment = commission(sd, register(sd, "320104001"), tp)
    client = login(Client(), tp)
    home = client.get("/").content.decode()
    assert "评估工作台" in home
    assert "营房扩建工程" not in home
    client.post(f"/decisions/assessments/{assessment.pk}/command/", {"command": "start"})
    recorded = client.post(
        f"/decisions/assessments/{assessment.pk}/consultation/",
        {
            "method": "hearing",
            "held_on": timezone.localdate().isoformat(),
            "participants": "20",
            "in_favour": "5",
            "against": "12",
            "main_concerns": "冬至日照不足",
            "name_1": "王建国",
            "phone_1": "13812345678",
            "id_number_1": PARTICIPANT_ID,
            "opinion_1": "against",
        },
        follow=True,
    )
    page = recorded.content.decode()
    assert "参与 20 人，赞成 5 人，反对 12 人" in page
    assert "138****5678" in page
    assert "13812345678" not in page
    assert "/unmask/" not in page  # no reveal for the assessor


def test_the_reveal_asks_why_and_shows_once(people: dict[str, Any]) -> None:
    sd, tp = people["dispatcher"], people["assessor"]
    complete(sd, commission(sd, register(sd, "320104001"), tp), tp)
    participant = Participant.objects.unscoped().get()
    client = login(Client(), sd)
    url = f"/decisions/participants/{participant.pk}/unmask/"
    assert client.post(url, {"field": "phone", "purpose": ""}).status_code == 422
    shown = client.post(url, {"field": "phone", "purpose": "回访"})
    assert "13812345678" in shown.content.decode()
    assert shown["Cache-Control"].startswith("max-age=0")
    assert login(Client(), tp).get(url).status_code == 200  # its own assignment's participant
    assert login(Client(), tp).post(url, {"field": "phone", "purpose": "x"}).status_code == 403
