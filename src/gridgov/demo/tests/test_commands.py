from io import StringIO

from django.core.management import call_command
from django.utils import translation


def logins() -> str:
    out = StringIO()
    with translation.override("en"):
        call_command("demo_logins", stdout=out)
    return out.getvalue()


def test_demo_logins_before_seeding_says_what_to_run(db):
    assert "seed_demo" in logins()
