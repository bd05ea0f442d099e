"""The demo's inboxes and exports: announcements from the city and the district commanders,
and a district-wide export the commander ran in the background, so the inbox and the exports
page of every desk show what they show on a working day. Through the domains' own actions."""

from __future__ import annotations

from gridgov.accounts.models import User
from gridgov.exports.actions import export_job_run, export_run
from gridgov.notifications.actions import notice_broadcast

ANNOUNCEMENTS = (
    ("cc", "全市网格化工作例会通知", "本周五下午三点在市社会治理指挥中心召开，各区指挥长参加。"),
    ("dc", "本周六开展防汛应急演练", "请各街道、社区网格员上午八点前到岗，保持通讯畅通。"),
    ("dc", "关于做好岁末年初安全隐患排查的通知", "重点排查群租房、飞线充电和消防通道堵塞。"),
)


def notices_seed() -> dict[str, int]:
    """Announcements to every account below each commander, and one queued export."""
    for username, title, body in ANNOUNCEMENTS:
        notice_broadcast(actor=User.objects.get(username=username), title=title, body=body)
    commander = User.objects.get(username="dc")
    exported = export_run(actor=commander, name="events.queue", params={"tab": "all"}, fmt="xlsx")
    if exported.job is not None:
        export_job_run(job_id=exported.job.pk)
    return {"announcements": len(ANNOUNCEMENTS), "exports": int(exported.job is not None)}
