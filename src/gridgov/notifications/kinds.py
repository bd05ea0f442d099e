"""The kinds of notice, as data: a later domain registers its own without a migration."""

from __future__ import annotations

from django.utils.functional import Promise

from gridgov.notifications.models import Kind

_KINDS: dict[str, str | Promise] = {kind.value: kind.label for kind in Kind}


def kind_register(code: str, label: str | Promise) -> None:
    """Called at import time by the domain that sends the kind (its notices module)."""
    _KINDS.setdefault(code, label)


def kind_label(code: str) -> str:
    return str(_KINDS.get(code, code))


def kinds() -> list[tuple[str, str]]:
    return [(code, str(label)) for code, label in _KINDS.items()]
