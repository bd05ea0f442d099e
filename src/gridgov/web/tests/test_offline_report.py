"""A report kept on a phone without signal, photos included, is sent when the signal returns,
and filed once: the key written with it makes a second delivery (its answer lost) the same event.

The browser test goes offline with Playwright's context.set_offline, as a phone loses its
signal, and back online."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from playwright.sync_api import Browser, FilePayload, Page, ViewportSize, expect

from gridgov.accounts.models import User
from gridgov.conftest import login
from gridgov.events.models import Event, EventAttachment
from gridgov.testing.browser import settled, signed_in_page
from gridgov.testing.images import PNG

PHONE: ViewportSize = {"width": 390, "height": 844}
# How many reports the device keeps in its IndexedDB outbox.
KEPT = """() => new Promise((resolve, reject) => {
  const opened = indexedDB.open("gridgov", 1);
  opened.onsuccess = () => {
    const all = opened.result.transaction("outbox").objectStore("outbox").count();
    all.onsuccess = () => resolve(all.result);
    all.onerror = () => reject(all.error);
  };
  opened.onerror = () => reject(opened.error);
})"""

FORM = {
    "category_class": "04",
    "category": "0401",
    "extra_building": "3栋",
    "description": "3栋楼道有电动车飞线充电",
    "lon": "118.05",
    "lat": "31.75",
}


def test_the_same_key_files_one_event(catalogue: None, loop_users: dict[str, User]) -> None:
    client = login(Client(), loop_users["grid_worker"])
    first = client.post("/events/report/", {**FORM, "idempotency_key": "k-1"})
    again = client.post("/events/report/", {**FORM, "idempotency_key": "k-1"})
    assert first.status_code == again.status_code == 302
    assert first["Location"] == again["Location"]
    other = client.post("/events/report/", {**FORM, "idempotency_key": "k-2"})
    assert other["Location"] != first["Location"]
    assert Event.objects.count() == 2


def test_keys_are_per_account(catalogue: None, loop_users: dict[str, User]) -> None:
    """Another account's key, guessed or repeated, never opens that account's report."""
    worker = login(Client(), loop_users["grid_worker"])
    staff = login(Client(), loop_users["community_staff"])
    mine = worker.post("/events/report/", {**FORM, "idempotency_key": "same"})
    theirs = staff.post("/events/report/", {**FORM, "idempotency_key": "same"})
    assert mine["Location"] != theirs["Location"]
    assert Event.objects.count() == 2


@pytest.fixture
def worker_page(
    live_server: Any, transactional_db: Any, browser: Browser, catalogue: None, loop_users: Any
) -> Iterator[Page]:
    page = signed_in_page(browser, live_server.url, "gw", viewport=PHONE)
    yield page
    page.context.close()


@pytest.mark.browser
def test_a_report_written_offline_is_sent_once_when_the_signal_returns(
    live_server: Any, worker_page: Page
) -> None:
    page = worker_page
    page.goto(f"{live_server.url}/events/report/")
    settled(page, lambda: page.select_option("#id_category_class", "04"))
    page.select_option("#id_category", "0401")
    page.fill("#id_extra_building", "3栋")
    page.fill("#id_description", "3栋楼道有电动车飞线充电")
    page.fill("#id_lon", "118.05")
    page.fill("#id_lat", "31.75")
    photo: FilePayload = {"name": "before.png", "mimeType": "image/png", "buffer": PNG}
    page.set_input_files("#id_photos", files=[photo])

    page.context.set_offline(True)
    page.click("#report-form button[type=submit]")
    expect(page.locator("[data-offline-saved]")).to_be_visible()
    expect(page.locator("[data-offline-count]")).to_have_text("1")
    assert Event.objects.count() == 0

    assert page.evaluate(KEPT) == 1

    page.context.set_offline(False)
    page.evaluate("() => window.dispatchEvent(new Event('online'))")
    expect(page.locator("[data-offline-count]")).to_have_text("0")
    assert Event.objects.count() == 1
    kept_photo = EventAttachment.objects.get(event=Event.objects.get())
    assert kept_photo.name == "before.png"

    # A second "online" (a flapping signal) and a reload send nothing more.
    page.evaluate("() => window.dispatchEvent(new Event('online'))")
    page.reload()
    expect(page.locator("#report-form")).to_be_visible()
    assert page.evaluate(KEPT) == 0
    assert Event.objects.count() == 1


@pytest.mark.browser
def test_a_kept_report_whose_answer_was_lost_is_not_filed_again(
    live_server: Any, worker_page: Page, loop_users: dict[str, User]
) -> None:
    """The first delivery reached the server but its answer never came back: the device still
    keeps the report (here in the earlier localStorage outbox, moved on load) and sends it
    again, and gets the event filed the first time."""
    first = login(Client(), loop_users["grid_worker"]).post(
        "/events/report/", {**FORM, "idempotency_key": "lost-answer"}
    )
    page = worker_page
    page.goto(f"{live_server.url}/events/")
    kept = [{"key": "lost-answer", "fields": [*FORM.items(), ("idempotency_key", "lost-answer")]}]
    page.evaluate("(kept) => localStorage.setItem('gridgov.outbox', JSON.stringify(kept))", kept)
    page.reload()
    page.wait_for_function("() => localStorage.getItem('gridgov.outbox') === null")
    page.wait_for_function(KEPT.replace("resolve(all.result)", "resolve(all.result === 0)"))
    assert Event.objects.count() == 1
    assert first.status_code == 302
