"""The demo's year of disputes (矛盾纠纷) in the commander's district, at Qinhuai's volume and
rate: 3,381 mediations concluded, 3,369 of them with an agreement (99.64 %). The year goes in
as a ledger (mediation.actions.disputes_history_insert); a few of the grid worker's own
disputes then go through the real actions, so every state, the event conversion, an escalation
to the command centre and an open follow-up visit are on the pages."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.utils import timezone
from stdnum.cn import ric

from gridgov.accounts.models import User
from gridgov.core import crypto
from gridgov.core.scope import Scope
from gridgov.demo import names
from gridgov.events.models import Event
from gridgov.jurisdiction.models import Level, Node
from gridgov.mediation.actions import (
    PARTY_ID_NUMBER,
    PARTY_PHONE,
    PartyIn,
    PastDispute,
    dispute_apply,
    dispute_from_event,
    dispute_register,
    disputes_history_insert,
    figures_rebuild,
    session_add,
)
from gridgov.mediation.models import (
    FOLLOW_UP_DAYS,
    Dispute,
    DisputeStep,
    DisputeType,
    MediatorKind,
    Party,
    PartyKind,
    PartySide,
    RiskLevel,
    Session,
    Source,
)
from gridgov.mediation.workflow import Command, ReferralTarget, Status

CONCLUDED = 3381
AGREED = 3369
# Still open at the end of the year, and referred before any conclusion.
OPEN, REFERRED = 60, 25
TYPES = (
    (DisputeType.NEIGHBOUR, 38), (DisputeType.FAMILY, 18), (DisputeType.PROPERTY, 14),
    (DisputeType.LABOUR, 10), (DisputeType.LAND_HOUSING, 8), (DisputeType.CONSUMER, 7),
    (DisputeType.OTHER, 5),
)  # fmt: skip
SUMMARIES = {
    DisputeType.NEIGHBOUR: (
        "楼上卫生间漏水殃及楼下，维修费用协商未果", "夜间装修噪声扰民引发争吵",
        "楼道堆放杂物占用公共空间", "宠物狗夜间吠叫影响邻居休息",
    ),
    DisputeType.FAMILY: (
        "老人赡养费用分担发生争执", "夫妻感情不和引发家庭矛盾", "兄弟姐妹因遗产分割发生纠纷",
    ),
    DisputeType.PROPERTY: (
        "业主拒交物业费，认为服务不到位", "小区停车位收费标准引发争议",
        "电梯长期故障维修费用分摊争议",
    ),
    DisputeType.LABOUR: ("装修工人工资被拖欠", "餐饮店员工离职工资结算争议", "快递员工伤赔偿争议"),
    DisputeType.LAND_HOUSING: (
        "房屋租赁押金退还争议", "老房拆除后院墙边界争议", "群租房退租引发纠纷",
    ),
    DisputeType.CONSUMER: (
        "预付卡商家停业退款纠纷", "装修质量问题引发消费纠纷", "二手家电质量争议",
    ),
    DisputeType.OTHER: ("共用水表水费分摊争议", "交通剐蹭赔偿协商未果"),
}  # fmt: skip
TERMS = {
    DisputeType.NEIGHBOUR: "乙方承担维修费用并于七日内完成维修，双方互谅互让、和睦相处。",
    DisputeType.FAMILY: "双方就赡养费用分担达成一致，按月支付，互相尊重。",
    DisputeType.PROPERTY: "物业公司限期整改服务问题，业主补交物业费。",
    DisputeType.LABOUR: "雇主于十日内一次性支付拖欠工资。",
    DisputeType.LAND_HOUSING: "出租方于三日内退还押金，承租方按期搬离。",
    DisputeType.CONSUMER: "商家退还剩余预付款。",
    DisputeType.OTHER: "双方按约定比例分担费用。",
}
MEDIATOR_KINDS = (
    (MediatorKind.COMMUNITY, 45), (MediatorKind.GRID_WORKER, 25), (MediatorKind.COMMITTEE, 18),
    (MediatorKind.JUDICIAL, 8), (MediatorKind.LAWYER, 4),
)  # fmt: skip
AMOUNTED = {
    DisputeType.LABOUR,
    DisputeType.CONSUMER,
    DisputeType.PROPERTY,
    DisputeType.LAND_HOUSING,
}


def _id_number(rng: random.Random) -> str:
    born = date(1990, 1, 1) + timedelta(days=rng.randrange(0, 365 * 15))
    body = f"320104{born:%Y%m%d}{rng.randrange(0, 1000):03d}"
    return body + ric.calc_check_digit(body + "0")


def _party(rng: random.Random, side: str, kind: str, ring: crypto.Keyring) -> Party:
    if kind == PartyKind.ORGANISATION:
        return Party(kind=kind, side=side, name=names.compound(rng) + "物业服务有限公司")
    phone = f"1{rng.choice('3589')}{rng.randrange(10**9):09d}"
    return Party(
        kind=kind,
        side=side,
        name=names.person(rng),
        **crypto.seal(_id_number(rng), PARTY_ID_NUMBER, ring=ring).columns("id_number"),
        **crypto.seal(phone, PARTY_PHONE, ring=ring).columns("phone"),
    )


class _Ledger:
    def __init__(self, rng: random.Random, grids: list[Node], actor: User, now: datetime):
        self.rng, self.grids, self.actor, self.now = rng, grids, actor, now
        self.points = {g.pk: g.geometry.representative_point() for g in grids}
        self.mediators = {g.parent_id: [names.person(rng) for _ in range(3)] for g in grids}
        self.serial: dict[str, int] = {}
        self.ring = crypto.keyring()

    def number(self, at: datetime) -> str:
        prefix = f"MD{timezone.localtime(at):%Y%m%d}"
        self.serial[prefix] = self.serial.get(prefix, 0) + 1
        # Above the live actions' numbers of the same day, which count from 1.
        return f"{prefix}{50000 + self.serial[prefix]:05d}"

    def dispute(self, outcome: str) -> PastDispute:
        rng = self.rng
        kind = rng.choices([t for t, _ in TYPES], weights=[w for _, w in TYPES])[0]
        grid = rng.choice(self.grids)
        point = self.points[grid.pk]
        # A concluded mediation ends inside the year, after about a week (an exponential
        # spread of at least a day); an open or referred one began in the last month.
        if outcome in ("agreed", "failed"):
            end = self.now - timedelta(days=rng.uniform(0.05, 364.0))
            registered = end - timedelta(days=max(1.0, rng.expovariate(1 / 7)))
        else:
            end = self.now
            registered = end - timedelta(days=rng.uniform(1, 30))
        mediator_kind = rng.choices(
            [k for k, _ in MEDIATOR_KINDS], weights=[w for _, w in MEDIATOR_KINDS]
        )[0]
        dispute = Dispute(
            number=self.number(registered),
            dispute_type=kind,
            source=rng.choices(list(Source.values), weights=(55, 20, 20, 5))[0],
            summary=rng.choice(SUMMARIES[kind]),
            grid=grid,
            address="",
            lon=float(point.x),
            lat=float(point.y),
            amount=Decimal(rng.randrange(5, 500) * 100) if kind in AMOUNTED else None,
            risk_level=rng.choices(list(RiskLevel.values), weights=(85, 13, 2))[0],
            mediator_kind=mediator_kind,
            mediator_name=rng.choice(self.mediators[grid.parent_id]),
            registered_by_id=self.actor.pk,
            registered_at=registered,
        )
        organisation = kind == DisputeType.PROPERTY and rng.random() < 0.6
        parties = [
            _party(rng, PartySide.APPLICANT, PartyKind.PERSON, self.ring),
            _party(
                rng,
                PartySide.RESPONDENT,
                PartyKind.ORGANISATION if organisation else PartyKind.PERSON,
                self.ring,
            ),
        ]
        past = PastDispute(dispute, parties, [], [])
        self._walk(past, outcome, end)
        return past

    def _step(self, past: PastDispute, command: str, before: str, to: str, at: datetime) -> None:
        past.dispute.status = to
        past.steps.append(
            DisputeStep(
                command=command, from_status=before, to_status=to, actor_id=self.actor.pk, at=at
            )
        )

    def _walk(self, past: PastDispute, outcome: str, end: datetime) -> None:
        """Each step at its share of the way from registration to `end` (the conclusion, or
        now for a dispute still open)."""
        rng, d = self.rng, past.dispute

        def at(share: float) -> datetime:
            return d.registered_at + (end - d.registered_at) * share

        self._step(past, "register", "", Status.REGISTERED, d.registered_at)
        if outcome == "open" and rng.random() < 0.3:
            return
        d.accepted_at = at(0.1)
        self._step(past, Command.ACCEPT, Status.REGISTERED, Status.ACCEPTED, d.accepted_at)
        if outcome == "referred":
            d.referred_at = at(0.5)
            d.referral_target = rng.choice(list(ReferralTarget.values))
            d.referral_reason = "涉及金额较大，当事人要求通过法律途径解决"
            self._step(past, Command.REFER, Status.ACCEPTED, Status.REFERRED, d.referred_at)
            return
        if outcome == "open" and rng.random() < 0.4:
            return
        d.mediating_at = at(0.2)
        self._step(past, Command.MEDIATE, Status.ACCEPTED, Status.MEDIATING, d.mediating_at)
        held = at(0.6)
        past.sessions.append(
            Session(
                held_at=held,
                place=f"{d.grid.parent.name if d.grid.parent else ''}调解室",
                participants="双方当事人、" + d.mediator_name,
                notes="听取双方陈述，释法明理，引导协商",
                recorded_by_id=self.actor.pk,
            )
        )
        if outcome == "open":
            return
        concluded = end
        if outcome == "failed":
            d.not_agreed_at = concluded
            self._step(past, Command.FAIL, Status.MEDIATING, Status.NOT_AGREED, concluded)
            return
        d.agreed_at = concluded
        d.agreement_terms = TERMS[DisputeType(d.dispute_type)]
        d.follow_up_due_at = concluded + timedelta(days=FOLLOW_UP_DAYS)
        for party in past.parties:
            party.consented_at = concluded
        self._step(past, Command.AGREE, Status.MEDIATING, Status.AGREED, concluded)
        visited = d.follow_up_due_at + timedelta(days=rng.uniform(0, 5))
        if visited >= self.now:
            return
        d.followed_up_at = visited
        d.agreement_kept = rng.random() < 0.97
        self._step(past, Command.FOLLOW_UP, Status.AGREED, Status.FOLLOWED_UP, visited)
        d.closed_at = visited + timedelta(days=1)
        if d.closed_at < self.now:
            self._step(past, Command.CLOSE, Status.FOLLOWED_UP, Status.CLOSED, d.closed_at)


def mediation_seed(*, seed: int = 1) -> dict[str, int]:
    """The commander's district's year of disputes, then the grid worker's live ones."""
    commander = User.objects.get(username="dc")
    district = commander.node
    if district is None:
        return {}
    grids = list(
        Node.objects.visible_to(Scope.under(district))
        .filter(level=Level.GRID)
        .select_related("parent")
        .order_by("code")
    )
    now = timezone.now()
    ledger = _Ledger(random.Random(seed), grids, commander, now)  # noqa: S311 — demo data
    # The grid worker's live agreement below is the year's last.
    outcomes = (
        ["agreed"] * (AGREED - 1) + ["failed"] * (CONCLUDED - AGREED) + ["open"] * OPEN
        + ["referred"] * REFERRED
    )  # fmt: skip
    past = [ledger.dispute(outcome) for outcome in outcomes]
    written = disputes_history_insert(actor=None, past=past)
    live = _live_disputes(random.Random(seed + 1))  # noqa: S311 — demo data
    first = min(p.dispute.registered_at for p in past)
    days = (now - first).days + 1
    figures_rebuild([timezone.localdate(first) + timedelta(days=n) for n in range(days + 1)])
    return {"disputes": written + live}


def _live_disputes(rng: random.Random) -> int:
    """The grid worker's own disputes, one at each step, through the actions."""
    worker, staff = User.objects.get(username="gw"), User.objects.get(username="cs")
    grid = worker.node
    if grid is None or grid.level != Level.GRID:
        return 0

    def parties() -> list[PartyIn]:
        return [
            PartyIn(side=PartySide.APPLICANT, name=names.person(rng), id_number=_id_number(rng),
                    phone=f"139{rng.randrange(10**8):08d}"),
            PartyIn(side=PartySide.RESPONDENT, name=names.person(rng), id_number=_id_number(rng)),
        ]  # fmt: skip

    def register(kind: str, summary: str, risk: str = RiskLevel.LOW) -> Dispute:
        return dispute_register(
            actor=worker, dispute_type=kind, summary=summary, grid_code=grid.code,
            parties=parties(), risk_level=risk, mediator_kind=MediatorKind.GRID_WORKER,
            mediator_name=worker.get_full_name() or "网格员", address=f"{grid.name}8号2幢",
        )  # fmt: skip

    def walk(
        dispute: Dispute, *commands: Command, payload: dict[str, object] | None = None
    ) -> Dispute:
        for command in commands:
            dispute = dispute_apply(
                actor=staff, dispute_id=dispute.pk, command=command,
                expected_version=dispute.version, payload=payload or {}, note="",
            )  # fmt: skip
        return dispute

    register(DisputeType.NEIGHBOUR, "楼上空调外机滴水，楼下居民不满")
    walk(register(DisputeType.PROPERTY, "业主与物业就车位收费发生争执"), Command.ACCEPT)
    mediating = walk(
        register(DisputeType.FAMILY, "子女就老人赡养问题发生争执"), Command.ACCEPT, Command.MEDIATE
    )
    session_add(
        actor=worker, dispute_id=mediating.pk, held_at=timezone.now() - timedelta(hours=3),
        place="社区调解室", participants="双方当事人、网格员", notes="双方情绪平稳，约定再次协商",
    )  # fmt: skip
    agreed = walk(
        register(DisputeType.NEIGHBOUR, "楼上卫生间漏水殃及楼下"), Command.ACCEPT, Command.MEDIATE
    )
    consents = list(Party.objects.unscoped().filter(dispute=agreed).values_list("pk", flat=True))
    walk(
        agreed, Command.AGREE, payload={"terms": TERMS[DisputeType.NEIGHBOUR], "consents": consents}
    )
    labour = walk(
        register(DisputeType.LABOUR, "十余名装修工人聚集讨要工资", RiskLevel.MEDIUM), Command.ACCEPT
    )
    dispute_apply(
        actor=worker, dispute_id=labour.pk, command=Command.ESCALATE,
        expected_version=labour.version, note="工人情绪激动，有聚集升级风险",
        payload={"risk_level": RiskLevel.HIGH},
    )  # fmt: skip
    made = 5
    event = (
        Event.objects.unscoped()
        .filter(grid=grid, category__code="0801", dispute__isnull=True)
        .order_by("-reported_at")
        .first()
    )
    if event is not None:
        dispute_from_event(
            actor=worker, event_number=event.number, parties=parties(), risk_level=RiskLevel.LOW,
            mediator_kind=MediatorKind.COMMUNITY, mediator_name=names.person(rng),
        )  # fmt: skip
        made += 1
    return made
