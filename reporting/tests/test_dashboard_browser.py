"""Both dashboards in a real browser on the demo data: the center's for its chair and the province's in the
admin for the demo supervisor (second factor passed). Persian, right to left, charts drawn inline with no CSP
violation or console error. Screenshots in ``test-artifacts/dashboard/`` for a human to look at, with the Persian
from the catalog."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.conf import settings

from reporting.rollups import rebuild_all
from tests.test_browser import _current_code, check_page, chromium_page, demo_trustee, require_chromium  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts" / "dashboard"


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def _chart_texts_are_prepared(page) -> None:
    """Every chart label is drawn as given (bidi-override), so the browser shows what WeasyPrint shows."""
    count = page.locator("svg.chart text").count()
    assert count > 0
    bidi = page.evaluate("[...document.querySelectorAll('svg.chart text')].map(t => getComputedStyle(t).unicodeBidi)")
    assert set(bidi) == {"bidi-override"}


def test_chair_and_province_supervisor_see_their_dashboards(live_server, demo_trustee, settings):  # noqa: F811
    require_chromium()
    rebuild_all()
    logins = json.loads((settings.DATA_DIR / "demo-users.json").read_text(encoding="utf-8"))
    supervisor = next(x for x in logins if x["role"] == "province_supervisor")
    t = demo_trustee
    with chromium_page(viewport={"width": 1280, "height": 900}) as (page, watched):
        page.goto(live_server.url + "/accounts/login/")
        page.fill("input[name=username]", t.username)
        page.fill("input[name=password]", t.password)
        with page.expect_navigation():
            page.click("form:has(input[name=password]) button[type=submit]")
        page.goto(f"{live_server.url}/centers/{t.center_slug}/")
        with page.expect_navigation():
            page.click(f"nav.subnav a[href='/centers/{t.center_slug}/dashboard/']")
        check_page(page, watched)
        assert t.center_name in page.locator("h1").inner_text()
        assert page.locator(".dash-card").count() == 4
        assert page.locator("svg.chart-line").count() == 1 and page.locator("svg.chart-hbar").count() == 1
        _chart_texts_are_prepared(page)
        _shot(page, "center")
        assert page.goto(f"{live_server.url}/centers/{t.other_slug}/dashboard/").status == 404

    with chromium_page(viewport={"width": 1280, "height": 900}) as (page, watched):
        page.goto(live_server.url + "/accounts/login/")
        page.fill("input[name=username]", supervisor["username"])
        page.fill("input[name=password]", supervisor["password"])
        with page.expect_navigation():
            page.click("form:has(input[name=password]) button[type=submit]")
        page.fill("input[name=code]", _current_code(supervisor["totp_secret"]))
        with page.expect_navigation():
            page.click("main form button[type=submit]")
        page.goto(live_server.url + "/admin/")
        with page.expect_navigation():
            page.click("a[href='/admin/reports/dashboard/']")
        assert page.locator("html").get_attribute("dir") == "rtl"
        assert page.locator(".dash-card").count() == 4
        assert page.locator("#standouts").count() == 1
        _chart_texts_are_prepared(page)
        assert not watched.console_errors, f"console errors in the admin: {watched.console_errors}"
        assert page.evaluate("window.__cspViolations") == [], "CSP violations in the admin"
        _shot(page, "province-admin")
