"""The sections the other domains feed into a report, read back from the PDF's text."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from gridgov.accounts.models import User
from gridgov.assessment.models import IndicatorDaily, UnitKind
from gridgov.departments.models import Department
from gridgov.fieldwork.models import FieldDaily
from gridgov.insight.models import Index, IndexValue, NoticeStatus, PromptNotice
from gridgov.reports import actions
from gridgov.reports.tests.test_reports import figures, pdf_text
from gridgov.testing.tree import Tree

pytestmark = pytest.mark.django_db

SUBDISTRICT = "320104001"


def test_every_domain_section_reaches_the_pdf(
    tree: Tree, users: dict[str, User], brigade: Department, media: Path
) -> None:
    today = timezone.localdate()
    month = today.replace(day=1)
    before = (month - timedelta(days=1)).replace(day=1)
    node = tree[SUBDISTRICT]
    safety = Index.objects.get(code="safety")
    for m, value in ((before, 80.0), (month, 62.5)):
        IndexValue.objects.create(index=safety, node=node, month=m, value=value)
    PromptNotice.objects.create(
        index=safety, node=tree["320104001001"], month=month, status=NoticeStatus.ISSUED,
        value=62.5, baseline=80.0, reason="环比下降", drafted_at=timezone.now(),
        reply_due_at=timezone.now() + timedelta(days=3),
    )  # fmt: skip
    FieldDaily.objects.create(
        day=today, worker=users["grid_worker"], node=tree["320104001001001"], working_day=True,
        present=True, log_submitted=True, patrols_planned=4, patrols_done=3,
        points_planned=10, points_checked=8,
    )  # fmt: skip
    IndicatorDaily.objects.create(
        day=today, unit_kind=UnitKind.NODE, node=node, reported=4, reported_closed=3
    )

    made = actions.report_generate(node=node, period="day", start=today)

    assert figures(made, "patrols")["巡查覆盖率"] == "75%"
    assert figures(made, "notices")["未办结提示单"] == 1
    text = pdf_text(made)
    for words in (
        "指数", "平安稳定指数", "62.5", "-17.5",  # indices, with the move from last month
        "网格巡查统计", "已完成巡查", "8 / 10", "出勤率",  # patrols and duty
        "网格员考核", "结案率",  # assessment
        "隐患", "发现隐患", "群租房预警",  # hazards and rentals
        "提示单", "已下发",  # prompt notices
    ):  # fmt: skip
        assert words in text, words
    # A department's report carries its assessment, none of an area's figures.
    theirs = actions.report_generate(department=brigade, period="day", start=today)
    assert [s["code"] for s in theirs.sections] == ["events", "flow", "assessment"]
