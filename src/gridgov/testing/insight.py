"""A prompt notice on the scope matrix's target community, for tests of other packages."""

from __future__ import annotations

from django.utils import timezone

from gridgov.insight.models import Index, PromptNotice
from gridgov.jurisdiction.models import Node


def make_target_notice(code: str) -> int:
    index, _created = Index.objects.get_or_create(
        code="safety", defaults={"name": "平安稳定指数", "levels": [4]}
    )
    notice = PromptNotice.objects.create(
        index=index,
        node=Node.objects.get(code=code),
        month=timezone.localdate().replace(day=1),
        value=40.0,
        baseline=70.0,
        reason="目标提示单",
        drafted_at=timezone.now(),
    )
    return notice.pk
