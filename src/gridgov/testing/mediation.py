"""Disputes for the tests of mediation and of the scope matrix."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from stdnum.cn import ric

from gridgov.mediation.actions import PartyIn, dispute_apply, dispute_register
from gridgov.mediation.models import Dispute, MediatorKind, Party, PartySide, RiskLevel
from gridgov.mediation.workflow import Command

if TYPE_CHECKING:
    from gridgov.accounts.models import User


def id_number(serial: int = 123) -> str:
    """A valid resident ID number born 1990-01-01 in 320104 (秦淮区)."""
    body = f"32010419900101{serial % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


def two_parties(name_a: str = "张三", name_b: str = "李四") -> list[PartyIn]:
    return [
        PartyIn(
            side=PartySide.APPLICANT, name=name_a, id_number=id_number(123), phone="13812345678"
        ),
        PartyIn(side=PartySide.RESPONDENT, name=name_b, id_number=id_number(456)),
    ]


def make_dispute(actor: User, grid_code: str, **overrides: Any) -> Dispute:
    fields: dict[str, Any] = {
        "dispute_type": "neighbour",
        "summary": "楼上漏水，双方对维修费用有争议",
        "grid_code": grid_code,
        "parties": two_parties(),
        "risk_level": RiskLevel.LOW,
        "mediator_kind": MediatorKind.COMMUNITY,
        "mediator_name": "王调解",
        "address": "中山路8号2幢301",
        "amount": "1200",
    } | overrides
    return dispute_register(actor=actor, **fields)


def walk(actor: User, dispute: Dispute, *commands: Command, **payload: Any) -> Dispute:
    """The dispute moved by each command in turn, every one given the same payload."""
    for command in commands:
        dispute = dispute_apply(
            actor=actor,
            dispute_id=dispute.pk,
            command=command,
            expected_version=dispute.version,
            payload=payload,
        )
    return dispute


def agreed_dispute(actor: User, grid_code: str) -> Dispute:
    """A dispute taken to an agreement every party consented to."""
    dispute = walk(actor, make_dispute(actor, grid_code), Command.ACCEPT, Command.MEDIATE)
    consents = list(Party.objects.unscoped().filter(dispute=dispute).values_list("pk", flat=True))
    return walk(actor, dispute, Command.AGREE, terms="赔偿800元", consents=consents)


def target_dispute(user_id: int, grid_code: str) -> Dispute:
    """The scope matrix's dispute in the target grid, made once by the target's dispatcher;
    its summary carries a name the matrix watches for."""
    from gridgov.accounts.models import User

    found = Dispute.objects.unscoped().filter(grid__code=grid_code).first()
    if found is not None:
        return found
    return make_dispute(User.objects.get(pk=user_id), grid_code, summary="目标事件的纠纷")


def target_follow_up_task(user_id: int, grid_code: str) -> int:
    """The follow-up visit of the target dispute, agreed to get there."""
    from gridgov.accounts.models import User
    from gridgov.fieldwork.models import FieldTask
    from gridgov.mediation.actions import dispute_apply
    from gridgov.mediation.models import Party
    from gridgov.mediation.workflow import Command

    actor = User.objects.get(pk=user_id)
    dispute = target_dispute(user_id, grid_code)
    consents = list(Party.objects.unscoped().filter(dispute=dispute).values_list("pk", flat=True))
    for command in (Command.ACCEPT, Command.MEDIATE, Command.AGREE):
        dispute = dispute_apply(
            actor=actor,
            dispute_id=dispute.pk,
            command=command,
            expected_version=dispute.version,
            payload={"terms": "目标事件协议", "consents": consents},
        )
    return FieldTask.objects.unscoped().get(payload__dispute_id=dispute.pk).pk


def target_figures(user_id: int, grid_code: str) -> None:
    """The target dispute counted in today's figures."""
    from django.utils import timezone

    from gridgov.mediation.actions import figures_rebuild

    target_dispute(user_id, grid_code)
    figures_rebuild([timezone.localdate()])
