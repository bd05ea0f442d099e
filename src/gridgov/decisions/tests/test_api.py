"""The decisions API over HTTP: the whole walk with a bearer token for the assessor, its scope
(an unassigned decision answers 404 not_assigned), masked participants, and bad input that
writes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from gridgov.accounts.actions import api_token_create
from gridgov.accounts.models import User
from gridgov.conftest import login
from gridgov.decisions.models import Consultation, Decision, DecisionLog
from gridgov.testing.decisions import BAD_CHECKSUM_ID, PARTICIPANT_ID, commission, register

pytestmark = pytest.mark.django_db

API = "/api/v1/decisions"


def post(
    client: Client,
    url: str,
    body: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> Any:
    return client.post(f"{API}{url}", body or {}, content_type="application/json", headers=headers)


def bearer(user: User) -> dict[str, str]:
    _token, key = api_token_create(actor=user, name="assessor")
    return {"Authorization": f"Bearer {key}"}


def test_the_whole_walk_over_http(people: dict[str, Any]) -> None:
    staff = login(Client(), people["dispatcher"])
    made = post(
        staff,
        "/decisions",
        {
            "title": "营房扩建工程",
            "category": "construction",
            "decided_by": "区政府常务会议",
            "node": "320104001",
            "people_affected": 1200,
            "planned_on": "2027-06-01",
        },
    )
    assert made.status_code == 201, made.content
    decision = made.json()
    assert decision["status"] == "registered"
    assigned = post(
        staff,
        f"/decisions/{decision['id']}/assessments",
        {"kind": "third_party", "assessor_id": people["assessor"].pk},
    )
    assert assigned.status_code == 201, assigned.content
    assessment_id = assigned.json()["id"]

    token = bearer(people["assessor"])
    assessor = Client()
    today = timezone.localdate().isoformat()
    assert (
        post(
            assessor, f"/assessments/{assessment_id}/commands", {"command": "start"}, headers=token
        ).status_code
        == 200
    )
    consulted = post(
        assessor,
        f"/assessments/{assessment_id}/consultations",
        {
            "method": "hearing", "held_on": today, "participants": 30, "in_favour": 5,
            "against": 20, "main_concerns": "日照",
            "people": [{"name": "王建国", "phone": "13812345678", "id_number": PARTICIPANT_ID,
                        "opinion": "against"}],
        },
        headers=token,
    )  # fmt: skip
    assert consulted.status_code == 201, consulted.content
    person = consulted.json()["people"][0]
    assert person["phone_masked"] == "138****5678"
    assert PARTICIPANT_ID not in consulted.content.decode()
    assert (
        post(
            assessor,
            f"/assessments/{assessment_id}/risk-points",
            {"title": "日照纠纷", "likelihood": 2, "impact": 2},
            headers=token,
        ).status_code
        == 201
    )
    assert (
        post(
            assessor,
            f"/assessments/{assessment_id}/expert-opinions",
            {"expert": "李教授", "opinion": "风险中等", "vote": "against", "given_on": today},
            headers=token,
        ).status_code
        == 201
    )
    submitted = post(
        assessor,
        f"/assessments/{assessment_id}/commands",
        {"command": "submit", "risk_level": "medium", "risk_reasons": "日照异议集中"},
        headers=token,
    )
    assert submitted.status_code == 200, submitted.content
    assert submitted.json()["assessment"]["status"] == "submitted"
    assert submitted.json()["votes"] == {"for": 0, "against": 1, "abstain": 0}
    # Accepting is the staff's, not the assessor's.
    assert (
        post(
            assessor, f"/assessments/{assessment_id}/commands", {"command": "accept"}, headers=token
        ).status_code
        == 403
    )
    assert (
        post(staff, f"/assessments/{assessment_id}/commands", {"command": "accept"}).status_code
        == 200
    )
    stopped = post(
        staff,
        f"/decisions/{decision['id']}/commands",
        {"command": "stop", "note": "日照异议，风险中"},
    )
    assert stopped.json()["outcome"] == "stop"
    figures = staff.get(f"{API}/figures").json()
    assert figures["assessments_by_kind"]["third_party"] == 1
    assert figures["outcomes"]["stop"] == 1
    # The staff reveal a participant's ID number with a purpose; the assessor may not.
    unmask = {"field": "id_number", "purpose": "回访"}
    assert (
        post(assessor, f"/participants/{person['id']}/unmask", unmask, headers=token).status_code
        == 403
    )
    shown = post(staff, f"/participants/{person['id']}/unmask", unmask)
    assert shown.json()["value"] == PARTICIPANT_ID


def test_an_assessor_reaching_an_unassigned_decision_is_told_clearly(
    people: dict[str, Any],
) -> None:
    sd = people["dispatcher"]
    mine, theirs = (
        register(sd, "320104001", title="我的"),
        register(sd, "320104001", title="别人的"),
    )
    commission(sd, mine, people["assessor"])
    assessment = commission(sd, theirs, people["other_assessor"])
    token = bearer(people["assessor"])
    client = Client()
    answer = client.get(f"{API}/decisions/{theirs.pk}", headers=token)
    assert answer.status_code == 404
    assert answer.json()["code"] == "not_assigned"
    assert "未委托" in answer.json()["message"]
    refused = post(
        client, f"/assessments/{assessment.pk}/commands", {"command": "start"}, headers=token
    )
    assert refused.json()["code"] == "not_assigned"
    listed = client.get(f"{API}/decisions", headers=token).json()["items"]
    assert [d["title"] for d in listed] == ["我的"]
    assert client.get(f"{API}/assessments", headers=token).json()["count"] == 1
    # Nothing else of the district either.
    assert client.get("/api/v1/jurisdiction/nodes/320104", headers=token).status_code == 404


def test_closing_without_an_outcome_is_a_clear_conflict(people: dict[str, Any]) -> None:
    staff = login(Client(), people["dispatcher"])
    decision = register(people["dispatcher"], "320104001")
    answer = post(staff, f"/decisions/{decision.pk}/commands", {"command": "close"})
    assert answer.status_code == 409
    assert answer.json()["code"] == "no_outcome"
    assert Decision.objects.unscoped().get(pk=decision.pk).status == "registered"
    assert DecisionLog.objects.filter(decision=decision).count() == 1


def test_a_bad_id_checksum_writes_nothing(people: dict[str, Any]) -> None:
    sd, tp = people["dispatcher"], people["assessor"]
    assessment = commission(sd, register(sd, "320104001"), tp)
    token = bearer(tp)
    client = Client()
    post(client, f"/assessments/{assessment.pk}/commands", {"command": "start"}, headers=token)
    answer = post(
        client,
        f"/assessments/{assessment.pk}/consultations",
        {
            "method": "visit", "held_on": timezone.localdate().isoformat(), "participants": 1,
            "in_favour": 0, "against": 1,
            "people": [{"name": "乙", "id_number": BAD_CHECKSUM_ID, "opinion": "against"}],
        },
        headers=token,
    )  # fmt: skip
    assert answer.status_code == 422
    error = answer.json()["errors"][0]
    assert (error["code"], error["field"], error["index"]) == (
        "invalid_checksum",
        "people.id_number",
        0,
    )
    assert not Consultation.objects.unscoped().exists()
