"""Registration, bad input, the event → dispute conversion, the dispute → event escalation,
consent, the agreement PDF and the reveal of a party's data."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfReader

from gridgov.audit.models import AuditEntry
from gridgov.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from gridgov.departments.models import Department
from gridgov.events.actions.catalogue import catalogue_load
from gridgov.events.actions.intake import event_report
from gridgov.events.models import Event
from gridgov.fieldwork.models import FieldTask
from gridgov.mediation.actions import (
    PartyIn,
    agreement_scan_attach,
    dispute_apply,
    dispute_from_event,
    follow_up_record,
    party_unmask,
    session_add,
)
from gridgov.mediation.agreement import agreement_pdf
from gridgov.mediation.kinds import FOLLOW_UP_KIND
from gridgov.mediation.models import Dispute, Party, PartySide
from gridgov.mediation.workflow import Command, Status
from gridgov.registry.actions import RateLimited, person_upsert, pii_unmask
from gridgov.testing import loop
from gridgov.testing.catalogue import default_catalogue
from gridgov.testing.mediation import agreed_dispute, id_number, make_dispute, two_parties, walk
from gridgov.whistle.models import Reason, Whistle

GRID = "320104001001001"
# The district's fire brigade, a department a whistle may summon.
brigade = loop.brigade


@pytest.fixture
def catalogue(tree: Any) -> None:
    catalogue_load(actor=None, data=default_catalogue())


@pytest.mark.django_db
def test_register_seals_and_masks_the_parties(users: Any) -> None:
    dispute = make_dispute(users["grid_worker"], GRID)
    party = Party.objects.unscoped().get(dispute=dispute, side=PartySide.APPLICANT)
    assert party.id_number_masked == "3201**********" + id_number(123)[-4:]
    assert id_number(123) not in party.id_number_encrypted
    assert party.phone_masked == "138****5678"
    assert dispute.status == Status.REGISTERED
    assert AuditEntry.objects.filter(action="mediation.register").count() == 1


@pytest.mark.django_db
def test_a_bad_checksum_is_refused_and_nothing_is_written(users: Any) -> None:
    bad = id_number(123)[:-1] + ("0" if id_number(123)[-1] != "0" else "1")
    parties = [PartyIn(side=PartySide.APPLICANT, name="张三", id_number=bad), two_parties()[1]]
    with pytest.raises(InvalidInput) as refused:
        make_dispute(users["grid_worker"], GRID, parties=parties)
    assert [(p.code, p.index) for p in refused.value.problems] == [("invalid_checksum", 0)]
    assert not Dispute.objects.unscoped().exists()
    assert not Party.objects.unscoped().exists()


@pytest.mark.django_db
def test_a_neighbour_dispute_event_converts_once_keeping_the_link(
    users: Any, catalogue: None
) -> None:
    event = event_report(
        actor=users["grid_worker"],
        category_code="0801",
        description="楼上装修噪声扰民，邻居争吵",
        lon=118.1,
        lat=31.7,
        extra={"dispute_kind": "噪声"},
        address="中山路8号",
    )
    fields: dict[str, Any] = {
        "event_number": event.number,
        "parties": two_parties(),
        "risk_level": "medium",
        "mediator_kind": "grid_worker",
        "mediator_name": "网格员小李",
    }
    dispute = dispute_from_event(actor=users["grid_worker"], **fields)
    assert dispute.source_event == event
    assert dispute.source == "event"
    assert dispute.dispute_type == "neighbour"
    assert dispute.grid.code == GRID
    assert dispute.summary == event.description
    assert Event.objects.unscoped().get(pk=event.pk).dispute == dispute
    with pytest.raises(Conflict):
        dispute_from_event(actor=users["grid_worker"], **fields)
    other = event_report(
        actor=users["grid_worker"],
        category_code="0702",
        description="夜间噪声",
        lon=118.1,
        lat=31.7,
    )
    with pytest.raises(InvalidInput):
        dispute_from_event(actor=users["grid_worker"], **{**fields, "event_number": other.number})
    with pytest.raises(NotFound):
        dispute_from_event(actor=users["sibling_dispatcher"], **fields)


@pytest.mark.django_db
def test_rising_risk_becomes_an_event_for_the_command_centre(users: Any, catalogue: None) -> None:
    dispute = make_dispute(users["grid_worker"], GRID, dispute_type="labour")
    dispute = walk(users["community_staff"], dispute, Command.ACCEPT)
    dispute = dispute_apply(
        actor=users["grid_worker"],
        dispute_id=dispute.pk,
        command=Command.ESCALATE,
        expected_version=dispute.version,
        note="工人聚集讨薪，情绪激动",
        payload={"risk_level": "high"},
    )
    assert dispute.status == Status.ACCEPTED
    assert dispute.risk_level == "high"
    event = dispute.escalated_event
    assert event is not None
    assert event.category.code == "0801"
    assert dispute.number in event.description
    assert event.grid is not None
    assert event.grid.code == GRID
    assert event.status == "reported"
    with pytest.raises(Conflict):
        dispute_apply(
            actor=users["grid_worker"],
            dispute_id=dispute.pk,
            command=Command.ESCALATE,
            expected_version=dispute.version,
        )


@pytest.mark.django_db
def test_a_high_risk_escalation_blows_the_whistle_on_its_event(
    users: Any, catalogue: None, brigade: Department, client_for: Any
) -> None:
    dispatcher = users["dispatcher"]
    dispute = walk(dispatcher, make_dispute(dispatcher, GRID), Command.ACCEPT)

    def escalate(**payload: Any) -> Dispute:
        return dispute_apply(
            actor=dispatcher, dispute_id=dispute.pk, command=Command.ESCALATE,
            expected_version=dispute.version, note="双方纠集亲友，可能发生群体冲突",
            payload=payload,
        )  # fmt: skip

    with pytest.raises(InvalidInput) as unnamed:
        escalate(risk_level="high")
    assert unnamed.value.problems[0].field == "whistle_departments"
    with pytest.raises(InvalidInput) as too_low:
        escalate(risk_level="medium", whistle_departments=[brigade.code])
    assert too_low.value.problems[0].code == "whistle_needs_high_risk"
    assert not Event.objects.exists()
    assert not Whistle.objects.exists()

    dispute = escalate(risk_level="high", whistle_departments=[brigade.code])
    whistle = Whistle.objects.get()
    assert whistle.event == dispute.escalated_event
    assert whistle.reason == Reason.SEVERAL_DEPARTMENTS
    assert list(whistle.summonses.values_list("department", flat=True)) == [brigade.pk]
    answer = client_for("dispatcher").get(f"/api/v1/mediation/disputes/{dispute.pk}")
    assert answer.json()["whistles"] == [whistle.pk]
    page = client_for("dispatcher").get(f"/mediation/{dispute.pk}/").content.decode()
    assert f"/whistle/{whistle.pk}/" in page
    assert brigade.name in page  # the departments a dispatcher's escalation may summon


@pytest.mark.django_db
def test_an_agreement_needs_every_partys_consent(users: Any) -> None:
    actor = users["community_staff"]
    dispute = walk(actor, make_dispute(actor, GRID), Command.ACCEPT, Command.MEDIATE)
    first = Party.objects.unscoped().filter(dispute=dispute).first()
    assert first is not None
    with pytest.raises(InvalidInput) as refused:
        walk(actor, dispute, Command.AGREE, terms="赔偿800元", consents=[first.pk])
    assert refused.value.problems[0].code == "consent_missing"
    dispute.refresh_from_db()
    assert dispute.status == Status.MEDIATING
    assert dispute.agreed_at is None
    assert not Party.objects.unscoped().filter(consented_at__isnull=False).exists()


@pytest.mark.django_db
def test_the_agreement_pdf_carries_the_parties_names_and_terms(users: Any) -> None:
    actor = users["community_staff"]
    dispute = walk(actor, make_dispute(actor, GRID), Command.ACCEPT, Command.MEDIATE)
    session_add(
        actor=actor,
        dispute_id=dispute.pk,
        held_at=dispute.registered_at,
        place="社区调解室",
        participants="张三、李四、王调解",
        notes="双方同意协商",
    )
    consents = list(Party.objects.unscoped().filter(dispute=dispute).values_list("pk", flat=True))
    dispute = walk(
        actor, dispute, Command.AGREE, terms="李四赔偿张三维修费800元", consents=consents
    )
    assert dispute.follow_up_due_at is not None
    assert dispute.agreed_at is not None
    assert (dispute.follow_up_due_at - dispute.agreed_at).days == 30
    name, pdf = agreement_pdf(actor, dispute.pk)
    assert name == f"{dispute.number}.pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    compact = "".join(text.split())
    for expected in ("张三", "李四", "李四赔偿张三维修费800元", dispute.number, "王调解"):
        assert expected in compact, expected
    assert id_number(123) not in compact


@pytest.mark.django_db
def test_a_party_is_revealed_only_with_the_right_and_a_purpose(users: Any) -> None:
    dispute = make_dispute(users["grid_worker"], GRID)
    party = Party.objects.unscoped().get(dispute=dispute, side=PartySide.APPLICANT)
    with pytest.raises(PermissionDenied):
        party_unmask(
            actor=users["grid_worker"], party_id=party.pk, field="id_number", purpose="核实"
        )
    with pytest.raises(InvalidInput):
        party_unmask(
            actor=users["community_staff"], party_id=party.pk, field="id_number", purpose=" "
        )
    shown = party_unmask(
        actor=users["community_staff"], party_id=party.pk, field="id_number", purpose="出具协议书"
    )
    assert shown == id_number(123)
    entry = AuditEntry.objects.get(action="mediation.unmask")
    assert entry.detail["purpose"] == "出具协议书"


@pytest.mark.django_db
def test_every_kind_of_reveal_counts_against_one_hourly_limit(users: Any, settings: Any) -> None:
    """A leaked session cannot page on through the parties of disputes once the registry's
    limit is spent, nor the other way round."""
    settings.GRIDGOV_UNMASK_PER_HOUR = 2
    actor = users["community_staff"]
    person = person_upsert(
        actor=actor, id_number=id_number(321), name="赵六",
        kind="registered", grid_code=GRID, phone="13900001111",
    )  # fmt: skip
    party = Party.objects.unscoped().get(
        dispute=make_dispute(users["grid_worker"], GRID), side=PartySide.APPLICANT
    )
    pii_unmask(actor=actor, person_id=person.pk, field="phone", purpose="电话回访")
    party_unmask(actor=actor, party_id=party.pk, field="id_number", purpose="出具协议书")
    with pytest.raises(RateLimited):
        pii_unmask(actor=actor, person_id=person.pk, field="id_number", purpose="核实")
    with pytest.raises(RateLimited):
        party_unmask(actor=actor, party_id=party.pk, field="phone", purpose="回访")


@pytest.mark.django_db
def test_the_follow_up_visit_is_a_field_task_that_records_whether_it_is_kept(users: Any) -> None:
    dispute = agreed_dispute(users["community_staff"], GRID)
    task = FieldTask.objects.unscoped().get(kind=FOLLOW_UP_KIND)
    assert task.grid_id == dispute.grid_id
    assert task.due_at == dispute.follow_up_due_at
    assert task.payload == {"dispute_id": dispute.pk}
    assert "张三" in task.target_label
    dispute = follow_up_record(
        actor=users["grid_worker"], task_id=task.pk, kept=False, note="未履行"
    )
    assert dispute.status == Status.FOLLOWED_UP
    assert dispute.agreement_kept is False
    task.refresh_from_db()
    assert task.status == "done"
    assert task.result == {"kept": False}


@pytest.mark.django_db
def test_a_follow_up_at_the_desk_withdraws_the_visit(users: Any) -> None:
    actor = users["community_staff"]
    dispute = walk(actor, agreed_dispute(actor, GRID), Command.FOLLOW_UP, kept=True)
    assert dispute.agreement_kept is True
    assert FieldTask.objects.unscoped().get(kind=FOLLOW_UP_KIND).status == "cancelled"


@pytest.mark.django_db
def test_a_registry_person_is_a_party_and_revealed_by_the_registry(users: Any) -> None:
    person = person_upsert(
        actor=users["community_staff"], id_number=id_number(321), name="赵六",
        kind="registered", grid_code=GRID, phone="13900001111",
    )  # fmt: skip
    parties = [PartyIn(side=PartySide.APPLICANT, person_id=person.pk), two_parties()[1]]
    dispute = make_dispute(users["grid_worker"], GRID, parties=parties)
    party = Party.objects.unscoped().get(dispute=dispute, person=person)
    assert party.name == "赵六"
    assert party.id_number_encrypted == ""
    assert party.shown_id_number == person.id_number_masked
    shown = party_unmask(
        actor=users["community_staff"], party_id=party.pk, field="phone", purpose="电话回访"
    )
    assert shown == "13900001111"
    assert AuditEntry.objects.filter(action="registry.unmask").count() == 1


@pytest.mark.django_db
def test_hostile_input_is_refused_whole(users: Any) -> None:
    with pytest.raises(InvalidInput) as refused:
        make_dispute(
            users["grid_worker"], GRID, dispute_type="riot", risk_level="extreme",
            amount="-5", summary=" ", mediator_name="", parties=two_parties()[:1],
        )  # fmt: skip
    codes = {p.code for p in refused.value.problems}
    assert codes == {"invalid_choice", "invalid_amount", "required", "too_few_parties"}
    with pytest.raises(NotFound):
        make_dispute(users["grid_worker"], "320104002001001")  # a sibling's grid
    assert not Dispute.objects.unscoped().exists()


@pytest.mark.django_db
def test_a_referral_needs_a_target_and_a_reason(users: Any) -> None:
    actor = users["community_staff"]
    dispute = walk(actor, make_dispute(actor, GRID), Command.ACCEPT)
    with pytest.raises(InvalidInput) as refused:
        walk(actor, dispute, Command.REFER, target="court")
    assert {p.field for p in refused.value.problems} == {"target", "note"}
    dispute = dispute_apply(
        actor=actor, dispute_id=dispute.pk, command=Command.REFER,
        expected_version=dispute.version, note="金额较大，当事人申请仲裁",
        payload={"target": "arbitration"},
    )  # fmt: skip
    assert dispute.status == Status.REFERRED
    assert dispute.referral_target == "arbitration"


@pytest.mark.django_db
def test_the_signed_scan_is_kept_and_must_be_a_scan(
    users: Any, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    actor = users["community_staff"]
    dispute = agreed_dispute(actor, GRID)
    with pytest.raises(InvalidInput):
        agreement_scan_attach(
            actor=actor, dispute_id=dispute.pk, upload=SimpleUploadedFile("x.txt", b"hello")
        )
    _name, pdf = agreement_pdf(actor, dispute.pk)
    agreement_scan_attach(
        actor=actor, dispute_id=dispute.pk, upload=SimpleUploadedFile("signed.pdf", pdf)
    )
    dispute.refresh_from_db()
    assert str(dispute.signed_scan.name).endswith(".pdf")
