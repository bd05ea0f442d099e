"""Verification tasks for tests, made through change_propose like a department system would."""

from __future__ import annotations

from gridgov.accounts.models import User
from gridgov.registry.tests.factories import ID_NUMBER
from gridgov.verification.actions import change_propose
from gridgov.verification.models import VerificationTask

NEW_PHONE = "13900001111"


def propose_phone(
    actor: User, *, phone: str = NEW_PHONE, name: str = "目标居民新名"
) -> VerificationTask:
    """A department file says the target resident has a new phone and name."""
    result = change_propose(
        actor=actor,
        source="department_file",
        batch="公安2026-11.xlsx",
        record_kind="person",
        id_number=ID_NUMBER,
        changes={"phone": phone, "name": name},
    )
    assert result.task is not None
    return result.task
