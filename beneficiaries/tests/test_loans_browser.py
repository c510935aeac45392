"""The loan and plan pages in a real browser (Debian's Chromium via Playwright): the demo chair of «isf-jame»
opens the center's loans, a loan being repaid, the overdue list and the plans; each page is right-to-left,
styled, in Vazirmatn, with Persian digits and no console error. Screenshots in test-artifacts/screenshots/."""

import re

import pytest
from django_scopes import scopes_disabled

from beneficiaries.models import Loan
from tests.test_browser import check_page, chromium_page, require_chromium, screenshot
from tests.test_browser import demo_trustee as demo_trustee  # noqa: F401 - a fixture, used by name

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PERSIAN_DIGITS = re.compile(r"[۰-۹]")


def test_chair_reads_loans_overdue_list_and_plans(live_server, demo_trustee):  # noqa: F811
    require_chromium()
    with scopes_disabled():  # the database is read before the browser starts (no ORM inside its loop)
        loan = Loan.objects.filter(center__slug="isf-jame", status="repaying").first()
    base = f"{live_server.url}/centers/isf-jame"
    with chromium_page(viewport={"width": 1280, "height": 900}) as (page, watched):
        page.goto(live_server.url + "/accounts/login/")
        page.fill("input[name=username]", "isf-jame-chair")
        page.fill("input[name=password]", demo_trustee.password)
        with page.expect_navigation():
            page.click("form:has(input[name=password]) button[type=submit]")
        for name, url in (("loans-list", "/loans/"), ("loan-detail", f"/loans/{loan.pk}/"),
                          ("loans-overdue", "/loans/overdue/"), ("plans-list", "/plans/")):
            response = page.goto(base + url)
            assert response.status == 200, url
            check_page(page, watched)
            assert PERSIAN_DIGITS.search(page.locator("main").inner_text()), f"{url}: no Persian digits"
            screenshot(page, name)
        assert page.locator("main table").first.locator("tbody tr").count() >= 1  # a milestone is due
