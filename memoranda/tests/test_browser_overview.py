"""The supervisors' overview of memoranda in a real browser: the demo provincial supervisor of the relief
committee passes the second factor, opens the admin index, follows its link to the overview, and sees the
overdue commitments first, in Persian with Jalali dates and Persian digits. Screenshot:
``test-artifacts/screenshots/memoranda-overview.png``."""

import json
import re

import pytest
from django.conf import settings

from tests.test_browser import _current_code, chromium_page, require_chromium, screenshot
from tests.test_browser import demo_trustee as demo_trustee  # noqa: F401 - a fixture, used by name

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_supervisor_reads_the_memoranda_overview(live_server, demo_trustee):  # noqa: F811 - seeds the demo
    require_chromium()
    logins = json.loads((settings.DATA_DIR / "demo-users.json").read_text(encoding="utf-8"))
    supervisor = next(x for x in logins if x.get("username") == "isfahan-relief-supervisor")
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
            page.click("a[href='/admin/memoranda/overview/']")
        assert page.url == f"{live_server.url}/admin/memoranda/overview/"
        assert page.locator("html").get_attribute("dir") == "rtl"
        overdue = page.locator("table.overdue-list tbody tr")
        assert overdue.count() == 3, "the demo's three overdue commitments of Isfahan"
        text = page.locator("#content-main").inner_text()
        assert "قزوین" not in text, "a Qazvin memorandum is not an Isfahan supervisor's"
        assert re.search(r"[۰-۹]{4}/[۰-۹]{2}/[۰-۹]{2}", text), "Jalali dates in Persian digits"
        assert not re.search(r"[0-9]", page.locator("table.overdue-list").inner_text())
        assert page.locator("table.due-list tbody tr").count() >= 2
        assert page.locator("table.calendar-list tbody tr").count() >= 2
        assert not watched.console_errors, watched.console_errors
        assert page.evaluate("window.__cspViolations") == [], "CSP violations in the admin"
        screenshot(page, "memoranda-overview")

        page.click("table.overdue-list tbody tr a >> nth=0")
        page.wait_for_load_state()
        assert "/admin/memoranda/memorandum/" in page.url
        screenshot(page, "memoranda-memorandum")
