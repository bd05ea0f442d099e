"""The demo's major decisions (重大决策) and their stability risk assessments (稳评): a dozen
decisions of the district standing in every state, walked through the decisions' own actions
so each step is logged and audited as on the pages. Among them the barracks extension that
was stopped when the neighbours' objections over daylight made its risk medium (seed 001)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from django.utils import timezone

from gridgov.accounts.models import User
from gridgov.decisions import actions
from gridgov.decisions.models import Assessment
from gridgov.decisions.workflow import AssessmentCommand, AssessmentKind, Command

ASSESSOR_NAME = "江苏安宁社会稳定风险评估中心"


@dataclass(frozen=True)
class Plan:
    """One decision and how far it comes: `kind` of assessment ("" for none), the risk level
    it ends with, and the commands given after the assessment."""

    title: str
    category: str
    people: int
    kind: str = ""
    stage: str = "registered"  # registered, assigned, started, submitted, completed
    level: str = "low"
    concerns: str = "出行不便、施工噪声"
    risk: str = "施工期间噪声扰民"
    after: tuple[tuple[Command, str], ...] = ()
    measures: tuple[tuple[str, str, int], ...] = field(default=())


T, S = AssessmentKind.THIRD_PARTY, AssessmentKind.SELF
PLANS = (
    Plan("老旧小区加装电梯", "facility", 860),
    Plan("农贸市场搬迁", "reform", 2400),
    Plan("垃圾中转站选址", "environment", 5300, T, "assigned"),
    Plan("夫子庙周边交通管制调整", "policy", 12000, S, "started"),
    Plan("秦淮河滨水步道改造", "construction", 3100, T, "submitted"),
    Plan("路内停车收费标准调整", "policy", 45000, S, "completed"),
    Plan(
        "小学学区划分调整",
        "policy",
        3800,
        S,
        "completed",
        concerns="入学距离变远",
        risk="家长集体反映",
        after=((Command.PROCEED, "风险低，按计划实施"),),
    ),
    Plan(
        "棚户区改造房屋征收",
        "land",
        1650,
        T,
        "completed",
        "medium",
        "补偿标准、安置房源",
        "补偿标准争议引发上访",
        ((Command.ADJUST, "提高过渡安置费并增加房源后实施"),),
        (
            ("公开补偿标准并逐户入户解释", "街道征收办", 14),
            ("增加就近安置房源120套", "区住建局", 60),
        ),
    ),
    Plan(
        "城中村拆迁安置",
        "land",
        7200,
        T,
        "completed",
        "high",
        "安置房源不足、补偿偏低",
        "群体性事件风险",
        ((Command.POSTPONE, "风险高，完善安置方案后重新评估"),),
    ),
    Plan(
        "营房扩建工程",
        "construction",
        1200,
        T,
        "completed",
        "medium",
        "扩建后北侧住宅冬至日照不足两小时",
        "北侧住宅日照纠纷",
        ((Command.STOP, "邻近居民日照异议集中，风险等级中，终止实施"),),
    ),
    Plan(
        "社区卫生服务中心迁建",
        "construction",
        9800,
        T,
        "completed",
        after=(
            (Command.PROCEED, "风险低，实施"),
            (Command.REVIEW, "迁建后就诊量上升，无新增信访"),
        ),
        measures=(("迁建期间开通临时接驳车", "社区卫生服务中心", 30),),
    ),
    Plan(
        "公交线路优化调整",
        "reform",
        26000,
        S,
        "completed",
        after=(
            (Command.PROCEED, "风险低，实施"),
            (Command.REVIEW, "调整后准点率提高，投诉下降"),
            (Command.CLOSE, ""),
        ),
    ),
)


def _assess(staff: User, assessor: User, assessment: Assessment, plan: Plan, n: int) -> None:
    """Walk the assessment to the plan's stage, recording what an assessor records."""
    today = timezone.localdate()
    actions.assessment_apply(actor=assessor, assessment_id=assessment.pk, command="start")
    against = 25 if plan.level != "low" else 6
    actions.consultation_record(
        actor=assessor,
        assessment_id=assessment.pk,
        method=("hearing", "questionnaire", "visit", "symposium")[n % 4],
        held_on=today - timedelta(days=20),
        participants=60,
        in_favour=60 - against - 9,
        against=against,
        main_concerns=plan.concerns,
        people=[
            {
                "name": "王建国",
                "phone": "13851234567",
                "opinion": "against",
                "comment": plan.concerns,
            },
            {"name": "李秀英", "phone": "13952345678", "opinion": "for"},
        ],
    )
    likelihood, impact = {"low": (1, 2), "medium": (2, 2), "high": (3, 3)}[plan.level]
    actions.risk_point_record(
        actor=assessor,
        assessment_id=assessment.pk,
        title=plan.risk,
        likelihood=likelihood,
        impact=impact,
    )
    for expert, vote in (("张立新", "for"), ("陈敏", "against" if plan.level != "low" else "for")):
        actions.expert_opinion_record(
            actor=assessor,
            assessment_id=assessment.pk,
            expert=expert,
            affiliation="南京大学社会学院",
            opinion=f"{plan.risk}：风险{'可控' if vote == 'for' else '较大，需调整方案'}",
            vote=vote,
            given_on=today - timedelta(days=10),
        )
    if plan.stage == "started":
        return
    actions.assessment_apply(
        actor=assessor,
        assessment_id=assessment.pk,
        command=AssessmentCommand.SUBMIT,
        risk_level=plan.level,
        risk_reasons=f"{plan.concerns}；{plan.risk}",
    )
    if plan.stage == "completed":
        actions.assessment_apply(
            actor=staff, assessment_id=assessment.pk, command=AssessmentCommand.ACCEPT
        )


def decisions_seed() -> int:
    """The dozen decisions, registered by the district's commander for its first subdistrict
    and assessed by the demo's third-party assessor or the commander's own staff."""
    staff, assessor = User.objects.get(username="dc"), User.objects.get(username="tp")
    area = User.objects.get(username="sd").node
    # demo_accounts_ensure placed the subdistrict's dispatcher.
    assert area is not None  # noqa: S101
    for n, plan in enumerate(PLANS):
        decision = actions.decision_register(
            actor=staff,
            title=plan.title,
            category_code=plan.category,
            decided_by="秦淮区人民政府常务会议",
            node_code=area.code,
            people_affected=plan.people,
            planned_on=timezone.localdate() + timedelta(days=30 + 15 * n),
            area_description=f"{area.name}辖区",
        )
        if plan.kind:
            third = plan.kind == T
            assessment = actions.assessment_commission(
                actor=staff,
                decision_id=decision.pk,
                kind=plan.kind,
                assessor_id=assessor.pk if third else None,
            )
            if plan.stage != "assigned":
                _assess(staff, assessor if third else staff, assessment, plan, n)
            for measure, owner, days in plan.measures:
                actions.mitigation_add(
                    actor=staff,
                    risk_point_id=assessment.risk_points.get().pk,
                    measure=measure,
                    owner=owner,
                    due_on=timezone.localdate() + timedelta(days=days),
                )
        for command, note in plan.after:
            actions.decision_apply(actor=staff, decision_id=decision.pk, command=command, note=note)
    return len(PLANS)
