from __future__ import annotations

import logging
from typing import Any

import pytest
from django.test import Client

from gridgov.addresses.tests.factories import make_target_address
from gridgov.audit.models import AuditEntry
from gridgov.registry.actions import UNMASK_ACTION
from gridgov.registry.models import Person
from gridgov.registry.tests.factories import GRID, ID_NUMBER, PHONE, Records


def pages(records: Records) -> list[str]:
    return [
        f"/registry/people/{records.person.pk}/",
        f"/registry/people/{records.tenant.pk}/",
        f"/registry/households/{records.household.pk}/",
        f"/registry/homes/{records.home.pk}/",
        f"/registry/organisations/{records.organisation.pk}/",
        f"/registry/compounds/{records.compound.pk}/",
        f"/registry/grids/{GRID}/",
    ]


def test_pages_show_masked_values_only(
    records: Records, client_for: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    client = client_for("community_staff")
    for url in pages(records):
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert ID_NUMBER not in body
        assert PHONE not in body
    person = client.get(f"/registry/people/{records.person.pk}/").content.decode()
    assert "3201**********1234" in person
    assert "138****5678" in person
    home = client.get(f"/registry/homes/{records.home.pk}/").content.decode()
    assert "目标租户1" in home
    assert ID_NUMBER not in caplog.text
    assert PHONE not in caplog.text


def test_sibling_gets_404_everywhere(records: Records, client_for: Any) -> None:
    client = client_for("sibling_dispatcher")
    for url in [*pages(records), f"/registry/people/{records.person.pk}/unmask"]:
        response = client.get(url, HTTP_HX_REQUEST="true")
        assert response.status_code == 404, url
        assert "目标" not in response.content.decode()
    response = client.post(
        f"/registry/people/{records.person.pk}/unmask", {"field": "phone", "purpose": "x"}
    )
    assert response.status_code == 404


def test_search_page_posts_the_id_number(records: Records, client_for: Any) -> None:
    client = client_for("grid_worker")
    assert client.get("/registry/").status_code == 200
    response = client.post("/registry/", {"id_number": ID_NUMBER, "name": "", "address": ""})
    body = response.content.decode()
    assert "目标居民1" in body
    assert "目标租户1" not in body
    assert ID_NUMBER not in body.replace(f'value="{ID_NUMBER}"', "")
    sibling = client_for("sibling_dispatcher").post("/registry/", {"name": "目标"})
    assert "目标居民1" not in sibling.content.decode()


def test_unmask_button_and_form(records: Records, client_for: Any) -> None:
    url = f"/registry/people/{records.person.pk}/unmask"
    staff = client_for("community_staff")
    assert (
        "unmask-id_number" in staff.get(f"/registry/people/{records.person.pk}/").content.decode()
    )
    assert (
        "unmask-id_number"
        not in client_for("analyst").get(f"/registry/people/{records.person.pk}/").content.decode()
    )
    form = staff.get(f"{url}?field=phone", HTTP_HX_REQUEST="true")
    assert form.status_code == 200
    assert 'name="purpose"' in form.content.decode()
    empty = staff.post(url, {"field": "phone", "purpose": ""})
    assert empty.status_code == 422
    assert PHONE not in empty.content.decode()
    shown = staff.post(url, {"field": "phone", "purpose": "回访"}, HTTP_HX_REQUEST="true")
    assert shown.status_code == 200
    assert PHONE in shown.content.decode()
    assert "no-cache" in shown["Cache-Control"] or "no-store" in shown["Cache-Control"]
    assert client_for("analyst").post(url, {"field": "phone", "purpose": "x"}).status_code == 403
    assert AuditEntry.objects.filter(action=UNMASK_ACTION).count() == 1


def test_unmask_rate_limit_page(records: Records, client_for: Any, settings: Any) -> None:
    settings.GRIDGOV_UNMASK_PER_HOUR = 1
    staff = client_for("community_staff")
    url = f"/registry/people/{records.person.pk}/unmask"
    staff.post(url, {"field": "phone", "purpose": "回访"})
    again = staff.post(url, {"field": "phone", "purpose": "回访"})
    assert again.status_code == 429
    assert PHONE not in again.content.decode()


def test_auditor_reads_unmask_records_in_the_admin(records: Records, client_for: Any) -> None:
    client_for("community_staff").post(
        f"/registry/people/{records.person.pk}/unmask",
        {"field": "id_number", "purpose": "核对身份"},
    )
    entry = AuditEntry.objects.get(action=UNMASK_ACTION)
    auditor = client_for("auditor")
    listing = auditor.get("/admin/audit/auditentry/?action=registry.unmask")
    assert listing.status_code == 200
    assert "registry.unmask" in listing.content.decode()
    detail = auditor.get(f"/admin/audit/auditentry/{entry.pk}/change/")
    assert detail.status_code == 200
    assert "核对身份" in detail.content.decode()
    assert ID_NUMBER not in detail.content.decode()
    assert (
        auditor.post(f"/admin/audit/auditentry/{entry.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_admin_shows_masked_values(records: Records, users: dict[str, Any], settings: Any) -> None:
    settings.ALLOW_SUPERUSER = True
    admin_user = users["system_admin"]
    admin_user.is_superuser = True
    admin_user.save()
    client = Client()
    client.force_login(admin_user, backend="gridgov.accounts.backends.RoleBackend")
    for url in (
        "/admin/registry/person/",
        f"/admin/registry/person/{records.person.pk}/change/",
        f"/admin/registry/tenancy/{records.tenancy.pk}/change/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert ID_NUMBER not in body
        assert PHONE not in body
        assert records.person.id_number_encrypted not in body
    assert "3201**********1234" in client.get("/admin/registry/person/").content.decode()


def test_a_record_reads_in_words_not_codes(records: Records, client_for: Any) -> None:
    address = make_target_address()
    Person.objects.filter(pk=records.person.pk).update(
        address_code=address.code, source="import:7:people_test.csv"
    )
    body = client_for("community_staff").get(f"/registry/people/{records.person.pk}/")
    text = body.content.decode()
    assert "第 7 批导入（people_test.csv）" in text
    assert "import:7" not in text
    assert "<dt>地址</dt><dd>目标路8号目标小区2幢" in text
    # The dwelling is 住所 and the person's name 姓名, not the menu's 首页 and a thing's 名称.
    assert "<dt>住所</dt>" in text
    Person.objects.filter(pk=records.person.pk).update(source="department_file:公安2026-11.xlsx")
    again = client_for("community_staff").get(f"/registry/people/{records.person.pk}/")
    assert "部门文件（公安2026-11.xlsx）" in again.content.decode()
    people = client_for("community_staff").get("/registry/", {"name": "目标"}).content.decode()
    assert "姓名" in people


def test_grid_pages_show_the_registry_count_beside_the_imported_population(
    records: Records, client_for: Any
) -> None:
    client = client_for("dispatcher")
    listed = client.get(f"/jurisdiction/nodes/{GRID[:12]}/children", HTTP_HX_REQUEST="true")
    # The imported population (1000) and the two people the registry holds in the grid.
    assert "人口 1000" in listed.content.decode()
    assert "登记在册 2 人" in listed.content.decode()
    card = client.get(f"/jurisdiction/grids/{GRID}/card", HTTP_HX_REQUEST="true")
    assert "登记在册 2 人" in card.content.decode()
