"""The demo's campaigns: a census check and a flood patrol finished weeks ago, and an
epidemic screening running now with the call robot's results imported, each defined,
pushed and answered through the campaigns' own actions as on the pages."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from gridgov.accounts.models import User
from gridgov.campaigns.actions import (
    answer_submit,
    calls_import,
    campaign_close,
    campaign_define,
    campaign_push,
    campaign_push_batch,
    campaign_tasks_cancel,
    completion_rebuild,
)
from gridgov.campaigns.catalogue import CENSUS, EPIDEMIC, FLOOD, Template
from gridgov.campaigns.models import Answer, Campaign, Target
from gridgov.core.crypto import PERSON_PHONE, decrypt
from gridgov.registry.models import Person

# Days ago each campaign started and how long it ran; None: still running.
PLAN: tuple[tuple[Template, int, int | None], ...] = (
    (CENSUS, 75, 14),
    (FLOOD, 40, 3),
    (EPIDEMIC, 2, None),
)
# Of the grid worker's targets, the share answered (every n-th left undone).
LEAVE_EVERY = 5


def _answer(spec: dict[str, Any], index: int) -> Any:
    kind = spec["type"]
    if kind == "yes_no":
        return "yes"
    if kind == "choice":
        return spec["choices"][index % 2]
    if kind == "multiple_choice":
        return ["无"] if "无" in spec["choices"] else [spec["choices"][0]]
    if kind == "number":
        return str(max(spec.get("min", 0), 1) + index % 3)
    if kind == "date":
        return (timezone.localdate() - timedelta(days=index % 20)).isoformat()
    if kind in ("text", "address"):
        return "正常"
    return None


def _form_data(template: Template, index: int) -> dict[str, Any]:
    data = {}
    for spec in template.form["fields"]:
        value = _answer(spec, index)
        if value is not None:
            data[spec["name"]] = value
    return data


def _calls(campaign: Campaign) -> bytes:
    """The call robot's file for the running screening: two in five reached, one in five not."""
    people = Person.objects.unscoped().in_bulk(
        list(
            Target.objects.unscoped()
            .filter(campaign=campaign, state="open")
            .exclude(phone_index="")
            .values_list("ref_id", flat=True)
        )
    )
    lines = ["电话,结果,时间"]
    at = timezone.localtime() - timedelta(hours=20)
    for n, person in enumerate(people.values()):
        if n % 5 in (0, 1):
            said = "已排查无异常"
        elif n % 5 == 2:
            said = "未接通"
        else:
            continue
        phone = decrypt(person.phone_encrypted, field=PERSON_PHONE)
        lines.append(f"{phone},{said},{at:%Y-%m-%d %H:%M}")
    lines.append("13800000000,已排查无异常,2026-01-01 09:00")
    return ("\n".join(lines) + "\n").encode()


def _backdate(campaign: Campaign, started: int, ran: int | None) -> None:
    now = timezone.now()
    start = now - timedelta(days=started)
    end = start + timedelta(days=ran) if ran is not None else None
    Campaign.objects.unscoped().filter(pk=campaign.pk).update(
        created_at=start - timedelta(hours=2),
        pushing_at=start,
        running_at=start,
        closed_at=end,
        due_at=end or campaign.due_at,
    )
    span = (end or now) - start
    answers = Answer.objects.unscoped().filter(campaign=campaign).order_by("id")
    total = answers.count() or 1
    for n, answer in enumerate(answers):
        at = start + span * (n + 1) / (total + 1)
        Answer.objects.unscoped().filter(pk=answer.pk).update(answered_at=at)
        Target.objects.unscoped().filter(pk=answer.target_id).update(done_at=at)


def campaign_seed() -> int:
    """Three campaigns of the subdistrict, answered in the grid worker's grid."""
    dispatcher, worker = User.objects.get(username="sd"), User.objects.get(username="gw")
    assert dispatcher.node is not None  # noqa: S101 - demo_accounts_ensure placed it
    made = 0
    for template, started, ran in PLAN:
        campaign = campaign_define(
            actor=dispatcher,
            title=template.title,
            instructions=template.instructions,
            form=template.form,
            target_kind=template.target_kind,
            target_category=template.target_category,
            areas=[dispatcher.node.code],
            due_at=timezone.now() + timedelta(days=template.days),
            template=template.code,
        )
        campaign_push(actor=dispatcher, campaign_id=campaign.pk)
        while campaign_push_batch(campaign_id=campaign.pk, batch_size=5000):
            pass
        made += 1
        targets = Target.objects.visible_to(worker.scope).filter(campaign=campaign)
        for index, target in enumerate(targets.order_by("id")):
            if index % LEAVE_EVERY != LEAVE_EVERY - 1:
                answer_submit(actor=worker, target_id=target.pk, data=_form_data(template, index))
        if ran is None:
            calls_import(actor=dispatcher, campaign_id=campaign.pk, content=_calls(campaign))
        else:
            campaign_close(actor=dispatcher, campaign_id=campaign.pk)
            while campaign_tasks_cancel(campaign_id=campaign.pk, batch_size=5000):
                pass
        _backdate(campaign, started, ran)
    today = timezone.localdate()
    for back in range(max(started for _, started, _ in PLAN), -1, -1):
        completion_rebuild(day=today - timedelta(days=back))
    return made
