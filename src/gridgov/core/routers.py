"""Send the reads of analytics and exports to the reading replica, when one is configured.

Only code that asks for it reads from the replica (`with replica_reads():`): a replica lags
behind, and a page that shows what its user just wrote must read the primary."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps
from typing import Any, ParamSpec, TypeVar

from django.conf import settings
from django.db import models

REPLICA = "replica"

_on_replica: ContextVar[bool] = ContextVar("on_replica", default=False)

P = ParamSpec("P")
R = TypeVar("R")


@contextmanager
def replica_reads() -> Iterator[None]:
    token = _on_replica.set(True)
    try:
        yield
    finally:
        _on_replica.reset(token)


def on_replica(view: Callable[P, R]) -> Callable[P, R]:
    """The view's queries read from the replica; a streamed body, read after the view has
    returned, reads the primary."""

    @wraps(view)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with replica_reads():
            return view(*args, **kwargs)

    return wrapper


class ReplicaRouter:
    def db_for_read(self, model: type[models.Model], **hints: Any) -> str | None:
        if _on_replica.get() and REPLICA in settings.DATABASES:
            return REPLICA
        return None

    def db_for_write(self, model: type[models.Model], **hints: Any) -> str | None:
        return None

    def allow_relation(self, obj1: models.Model, obj2: models.Model, **hints: Any) -> bool:
        # The replica holds the same rows as the primary.
        return True

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db != REPLICA
