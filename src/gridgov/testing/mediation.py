"""Disputes for the tests of mediation and of the scope matrix."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from stdnum.cn import ric

from gridgov.mediation.actions import PartyIn, dispute_register
from gridgov.mediation.models import Dispute, MediatorKind, PartySide, RiskLevel

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
