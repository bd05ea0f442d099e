import pytest
from django.core.management.base import CommandError
from django.test import override_settings

from gridgov.demo.tests.seeded.city import seed_command
from gridgov.jurisdiction.models import Node


@override_settings(PRODUCTION=True)
def test_never_in_production(db):
    with pytest.raises(CommandError, match="production"):
        seed_command()
    assert not Node.objects.exists()


def test_unknown_scale_is_refused(db):
    with pytest.raises(CommandError):
        seed_command("--scale", "galaxy")
