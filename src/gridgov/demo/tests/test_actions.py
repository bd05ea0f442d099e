import hashlib
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from django.utils import translation

from gridgov.accounts.models import User
from gridgov.demo.actions import demo_city_seed
from gridgov.departments.models import Department
from gridgov.jurisdiction.models import LayerUnit, Node
from gridgov.staffing.models import StaffMember


@pytest.fixture
def seeded(db):
    return demo_city_seed(scale="small", seed=1, progress=False, history=False)


def seed_command(*args: str) -> str:
    out = StringIO()
    with translation.override("en"):
        call_command("seed_demo", "--no-progress", *args, stdout=out)
    return out.getvalue()


def snapshot() -> dict[str, object]:
    rows = Node.objects.order_by("code").values_list("code", "name", "boundary")
    digest = hashlib.sha256()
    for code, name, boundary in rows:
        digest.update(f"{code}{name}".encode() + bytes(boundary))
    return {
        "nodes": digest.hexdigest(),
        "units": LayerUnit.objects.count(),
        "staff": StaffMember.objects.count(),
        "departments": Department.objects.count(),
        "users": User.objects.count(),
    }


@override_settings(PRODUCTION=True)
def test_never_in_production(db):
    with pytest.raises(CommandError, match="production"):
        seed_command()
    assert not Node.objects.exists()


def test_unknown_scale_is_refused(db):
    with pytest.raises(CommandError):
        seed_command("--scale", "galaxy")
