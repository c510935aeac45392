"""A report run's page in Chromium: the progress bar follows the run (static/reporting/run-progress.js polling
the JSON status, no inline script), and the download links appear when it succeeds, without a reload.
Screenshots in ``test-artifacts/screenshots/``."""

import threading
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from centers.models import BoardRole
from reporting import runs
from reporting.models import ReportRun
from tests.test_browser import check_page, chromium_page, require_chromium, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _in_thread(fn):
    """Database work while Playwright's loop runs on this thread (Django refuses the ORM inside it)."""
    def target():
        try:
            fn()
        finally:
            connection.close()

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()


def test_the_progress_bar_follows_the_run_and_the_links_appear(live_server, world, settings, tmp_path):
    require_chromium()
    settings.MEDIA_ROOT = tmp_path / "media"
    center = world.center(name="مرکز نیکوکاری گزارش")
    chair = world.trustee(center, BoardRole.CHAIR)
    run = ReportRun.objects.create(kind="quarterly", scope_level="center", scope_id=center.pk, center=center,
                                   county=center.county, province=center.county.province, period="1404-Q2")
    browser_client = Client()
    browser_client.force_login(chair)
    cookie = browser_client.cookies["sessionid"].value
    url = live_server.url + reverse("reporting:run-detail", kwargs={"center_slug": center.slug, "run_id": run.pk})
    pdf, xlsx = tmp_path / "r.pdf", tmp_path / "r.xlsx"
    pdf.write_bytes(b"%PDF-1.7\n%%EOF\n")
    xlsx.write_bytes(b"PK")

    def halfway():
        ReportRun.objects.filter(pk=run.pk).update(status="running", started_at=timezone.now(), progress=60,
                                                   progress_message="ساختن فایل PDF")

    def done():
        runs.finish_run(run.pk, [Path(pdf), Path(xlsx)])

    with chromium_page(viewport={"width": 1100, "height": 800}) as (page, watched):
        page.context.add_cookies([{"name": "sessionid", "value": cookie, "url": live_server.url}])
        assert page.goto(url).status == 200
        assert page.locator("[data-run-links]").is_hidden()
        _in_thread(halfway)
        from playwright.sync_api import expect

        expect(page.locator("[data-run-percent]")).to_have_text("۶۰", timeout=15000)  # CSP: no eval'd predicate
        assert page.locator("progress").get_attribute("value") == "60"
        assert "ساختن فایل PDF" in page.locator("[data-run-message]").inner_text()
        screenshot(page, "report-run-progress")
        _in_thread(done)
        page.locator("[data-run-links]").wait_for(state="visible", timeout=15000)
        assert page.locator("[data-run-progress]").is_hidden()
        href = page.locator('[data-link="pdf"]').get_attribute("href")
        check_page(page, watched)
        screenshot(page, "report-run-done")
        download = page.request.get(live_server.url + href)
        assert download.status == 200 and download.body().startswith(b"%PDF")
