"""Deliveries over the outside channels, one task per delivery row."""

from __future__ import annotations

from gridgov.notifications.actions import delivery
from gridgov.tasks.engine import GridTask, app


@app.task(base=GridTask, name="gridgov.notifications.deliver")
def deliver(*, delivery_id: int) -> str:
    return delivery.delivery_run(delivery_id=delivery_id)
