"""System checks that keep a production deployment honest about superusers and roles."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register
from django.db import DatabaseError


@register(Tags.security, deploy=True)
def no_active_superuser(
    app_configs: Sequence[AppConfig] | None = None, databases: Any = None, **kwargs: Any
) -> list[CheckMessage]:
    """A superuser bypasses the three-administrator separation; production must have none."""
    if settings.ALLOW_SUPERUSER:
        return []
    from gridgov.accounts.models import User

    try:
        names = list(
            User.objects.filter(is_superuser=True, is_active=True).values_list(
                "username", flat=True
            )
        )
    except DatabaseError:
        return []
    if not names:
        return []
    return [
        Error(
            f"Active superuser accounts exist: {', '.join(sorted(names))}.",
            hint="Deactivate them (manage.py deactivate_superusers) and use the "
            "system, security and audit administrator roles instead.",
            id="gridgov.E001",
        )
    ]
