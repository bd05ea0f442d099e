"""The demo's linked command (联动指挥) for 秦淮区: the city's centre, Qinhuai's district centre
with a centre per subdistrict and per district department ("1+12+N"), a month of duty rosters,
two emergency plans (flood, large event), one finished activation with its report, and
instructions in every state, all through the command actions as on the pages."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from gridgov.accounts.models import User
from gridgov.command.actions.centres import centre_create, member_set
from gridgov.command.actions.instructions import (
    Targets,
    instruction_fan_out,
    instruction_send,
    instructions_escalate,
    receipt_apply,
)
from gridgov.command.actions.plans import activation_end, activation_start, order_send, plan_save
from gridgov.command.actions.rosters import ShiftIn, day_and_night, roster_save
from gridgov.command.models import (
    CommandCentre,
    EmergencyPlan,
    Instruction,
    MemberRole,
    PlanKind,
    Priority,
    Receipt,
)
from gridgov.departments.models import Department
from gridgov.jurisdiction.models import Node

QINHUAI = "320104"


def _user(username: str) -> User:
    return User.objects.unscoped().select_related("node", "department").get(username=username)


def command_seed(*, now: datetime | None = None) -> int:
    """The centres and their month; the number of centres made."""
    now = now or timezone.now()
    cc, dc, sd, dh, gw = (_user(name) for name in ("cc", "dc", "sd", "dh", "gw"))
    district = Node.objects.unscoped().get(code=QINHUAI)
    city = district.parent
    # demo_accounts_ensure placed every account; Qinhuai sits in the city.
    assert city is not None  # noqa: S101
    assert sd.node is not None  # noqa: S101
    assert gw.node is not None  # noqa: S101
    top = centre_create(actor=cc, name=f"{city.name}城市运行指挥中心", node=city)
    member_set(actor=cc, centre=top, user=cc, role=MemberRole.COMMANDER)
    hq = centre_create(actor=dc, name="秦淮区社会治理联动指挥中心", node=district, parent=top)
    member_set(actor=dc, centre=hq, user=dc, role=MemberRole.COMMANDER)
    below: dict[str, CommandCentre] = {}
    for node in Node.objects.unscoped().filter(parent=district).order_by("code"):
        below[node.code] = centre_create(
            actor=dc, name=f"{node.name}指挥分中心", node=node, parent=hq
        )
    for department in Department.objects.unscoped().filter(node=district).order_by("code"):
        below[department.code] = centre_create(
            actor=dc, name=f"{department.name}分中心", department=department, parent=hq
        )
    member_set(actor=dc, centre=below[sd.node.code], user=sd, role=MemberRole.COMMANDER)
    if dh.department is not None and dh.department.code in below:
        member_set(actor=dc, centre=below[dh.department.code], user=dh, role=MemberRole.MEMBER)
    _rosters(hq, below[sd.node.code], now)
    plans = _plans(dc, hq, list(below.values()))
    _instructions(dc, sd, dh, gw, hq, below[sd.node.code], now)
    _finished_activation(dc, gw, hq, plans[0])
    return 2 + len(below)


def _rosters(hq: CommandCentre, sub: CommandCentre, now: datetime) -> None:
    """This month, day and night: the district centre's commander and dispatchers take turns;
    the subdistrict's dispatcher and community staff take theirs."""
    first = timezone.localdate(now).replace(day=1)
    days = [
        first + timedelta(days=i)
        for i in range(31)
        if (first + timedelta(days=i)).month == first.month
    ]
    start = day_and_night(days[0])[0][0]
    end = day_and_night(days[-1])[1][1]
    for centre, names in ((hq, ("dc", "sd", "sd2")), (sub, ("sd", "cs"))):
        people = [_user(name) for name in names]
        shifts = []
        for index, day in enumerate(days):
            for half, (s, e) in enumerate(day_and_night(day)):
                person = people[(index * 2 + half) % len(people)]
                shifts.append(ShiftIn(user_id=person.pk, starts_at=s, ends_at=e))
        roster_save(
            actor=people[0], centre=centre, start=start, end=end, shifts=shifts, accept_gaps=True
        )


def _plans(dc: User, hq: CommandCentre, units: list[CommandCentre]) -> list[EmergencyPlan]:
    ids = [unit.pk for unit in units]
    flood = plan_save(
        actor=dc,
        centre=hq,
        name="秦淮区防汛防台应急预案",
        kind=PlanKind.FLOOD,
        levels={
            "III": {
                "units": ids,
                "instructions": [
                    {
                        "title": "启动Ⅲ级防汛应急响应",
                        "body": "各街道、部门值班领导到岗，巡查低洼易涝点。",
                    }
                ],
            },
            "II": {
                "units": ids,
                "instructions": [
                    {
                        "title": "启动Ⅱ级防汛应急响应",
                        "body": "转移危旧房、地下空间人员，泵站满负荷运行。",
                    }
                ],
            },
        },
        checklist=["泵站运行检查", "低洼地段人员转移名单", "防汛物资清点", "地下车库挡水板"],
        duration_hours=24,
        order_limit_minutes=15,
    )
    event = plan_save(
        actor=dc,
        centre=hq,
        name="秦淮灯会大型活动保障预案",
        kind=PlanKind.LARGE_EVENT,
        levels={
            "IV": {
                "units": ids[:4],
                "instructions": [{"title": "灯会安保启动", "body": "夫子庙周边网格加密巡查。"}],
            }
        },
        checklist=["人流监测点位", "疏散通道", "医疗保障点"],
        duration_hours=72,
        order_limit_minutes=10,
    )
    return [flood, event]


def _instructions(
    dc: User, sd: User, dh: User, gw: User, hq: CommandCentre, sub: CommandCentre, now: datetime
) -> None:
    """One carried out, one half acknowledged, one urgent left silent and escalated."""
    assert sd.node is not None  # noqa: S101
    due = now + timedelta(days=2)
    done = instruction_send(
        actor=sd,
        centre=sub,
        title="开展出租房屋消防安全排查",
        body="各网格本周内完成辖区出租房屋消防隐患排查并上报。",
        due_at=due,
        targets=Targets(area=sd.node.code),
    )
    mixed = instruction_send(
        actor=dc,
        centre=hq,
        title="做好寒潮天气防范工作",
        body="关注独居老人，检查燃气使用安全。",
        due_at=due,
        targets=Targets(centres=[sub.pk], users=[gw.pk, dh.pk]),
    )
    urgent = instruction_send(
        actor=dc,
        centre=hq,
        title="立即核查燃气泄漏报警点位",
        priority=Priority.URGENT,
        due_at=now + timedelta(hours=2),
        ack_minutes=1,
        targets=Targets(centres=[sub.pk]),
    )
    for instruction in (done, mixed, urgent):
        instruction_fan_out(instruction_id=instruction.pk)
    for receipt in Receipt.objects.unscoped().filter(instruction=done):
        receipt_apply(
            actor=receipt.recipient,
            receipt_id=receipt.pk,
            command="report",
            note="已排查完毕，无隐患",
        )
    for user, command in ((gw, "acknowledge"), (dh, "report")):
        receipt = Receipt.objects.unscoped().get(instruction=mixed, recipient=user)
        receipt_apply(actor=user, receipt_id=receipt.pk, command=command, note="已落实")
    instructions_escalate(now + timedelta(minutes=2))


def _finished_activation(dc: User, gw: User, hq: CommandCentre, plan: EmergencyPlan) -> None:
    """A night of heavy rain: the district became a headquarters, ordered a grid directly,
    and stood down with its report."""
    assert gw.node is not None  # noqa: S101
    activation = activation_start(
        actor=dc, plan=plan, area=hq.node, level="III", reason="气象台发布暴雨橙色预警"
    )
    order = order_send(
        actor=dc,
        centre=hq,
        title="立即排查网格内积水点并设置警示",
        targets=Targets(grids=[gw.node.code]),
    )
    for instruction in Instruction.objects.unscoped().filter(activation=activation):
        instruction_fan_out(instruction_id=instruction.pk)
    receipt = Receipt.objects.unscoped().get(instruction=order, recipient=gw)
    receipt_apply(actor=gw, receipt_id=receipt.pk, command="report", note="已设置警示牌3处")
    activation_end(actor=dc, activation=activation, note="降雨结束，积水已退，解除Ⅲ级响应")
