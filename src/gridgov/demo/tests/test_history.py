from io import StringIO

from django.core.management import call_command

from gridgov.events.models import Category, Event


def test_no_history_still_loads_the_catalogue(db):
    out = StringIO()
    call_command("seed_demo", "--no-progress", "--no-history", stdout=out)
    assert "grids 62" in out.getvalue()
    assert "events" not in out.getvalue()
    assert not Event.objects.exists()
    assert Category.objects.filter(code="0101", active=True).exists()
