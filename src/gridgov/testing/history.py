"""Tests that stage an old history move append-only rows on purpose."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import QuerySet

from gridgov.core.append_only import AppendOnlyModel, triggers_lifted


def history_rewrite(rows: QuerySet[Any], **values: Any) -> int:
    """Update append-only rows past the queryset's refusal and, on PostgreSQL, the trigger."""
    model = rows.model
    assert issubclass(model, AppendOnlyModel)
    with transaction.atomic(), triggers_lifted(model):
        return QuerySet.update(rows, **values)
