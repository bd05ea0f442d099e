"""After a full small seed every menu's page shows data to the demo logins."""

from __future__ import annotations

from django.test import Client

from gridgov.accounts.models import User
from gridgov.registry.models import Person
from gridgov.whistle.models import Summons, Whistle


def test_the_full_small_seed_fills_the_whistle_registry_verification_and_exchange_pages(seeded):
    summonses = Summons.objects.all()
    assert Whistle.objects.filter(closed_at__isnull=False).exists()
    assert Whistle.objects.filter(closed_at__isnull=True).exists()
    assert summonses.filter(reported_at__isnull=True).exists()
    assert summonses.filter(reported_at__isnull=False, part_done_at__isnull=True).exists()
    assert summonses.filter(part_done_at__isnull=False, part_verified_at__isnull=True).exists()
    assert summonses.filter(rating__isnull=False).exists()
    worker = User.objects.get(username="gw")
    person = Person.objects.filter(grid=worker.node).first()
    assert person is not None
    handler = User.objects.get(username="dh")
    open_summonses = list(
        summonses.filter(department=handler.department, part_done_at__isnull=True).values_list(
            "whistle__event__number", flat=True
        )
    )
    assert open_summonses
    # (login, page, words the page must show, the words an empty page shows)
    pages = [
        ("dc", "/exchange/", ["补录人员.csv", "单位名录（续）.csv", "demo-people.csv"], None),
        ("gw", f"/registry/people/{person.pk}/", [person.id_number_masked], None),
        ("gw", "/verification/", [], "没有需要核实的任务。"),
        ("sd", "/whistle/", [w.event.number for w in Whistle.objects.all()], None),
        ("dh", "/whistle/summons/", open_summonses, None),
        ("an", "/assessment/", [], "没有可排名的考核对象。"),
    ]
    for username, path, shown, empty in pages:
        client = Client()
        client.force_login(User.objects.get(username=username))
        response = client.get(path)
        assert response.status_code == 200, (username, path)
        page = response.content.decode()
        assert all(words in page for words in shown), (username, path)
        assert empty is None or empty not in page, (username, path)
