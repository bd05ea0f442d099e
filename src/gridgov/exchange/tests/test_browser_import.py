"""The import page in a real browser: upload, commit, and the progress bar that only reads.

The task runs in the live server's process (eager mode) when the commit's transaction
commits; the page then learns the result by polling with GET, as it does from a worker.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from gridgov.exchange.models import ImportJob, ImportStatus
from gridgov.exchange.tests.conftest import csv_bytes, people_rows
from gridgov.registry.models import Person
from gridgov.testing.browser import browser, signed_in_page  # noqa: F401 — the fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(live_server: Any, library: Any, users: Any, browser: Browser) -> Iterator[Page]:  # noqa: F811
    page = signed_in_page(browser, live_server.url, "sd", timeout=20_000)
    yield page
    page.context.close()


def test_commit_then_watch_the_progress_reach_the_end(
    live_server: Any, page: Page, tmp_path: Path
) -> None:
    upload = tmp_path / "人员.csv"
    upload.write_bytes(csv_bytes("people", people_rows(4)))
    page.goto(f"{live_server.url}/exchange/")
    page.select_option("#id_kind", "people")
    page.set_input_files("#id_file", str(upload))
    page.click("form.stacked button[type=submit]")
    page.wait_for_url("**/exchange/imports/*/")
    page.click("text=导入 4 行")
    expect(page.locator("#job-progress")).to_contain_text("已处理 4 / 4 行", timeout=20_000)
    expect(page.locator("#job-state progress")).to_have_attribute("value", "100")
    # Done: the fragment no longer polls.
    assert page.locator("#job-state").get_attribute("hx-get") is None
    job = ImportJob.objects.get()
    assert (job.status, job.rows_ok) == (ImportStatus.DONE, 4)
    assert Person.objects.count() == 4
