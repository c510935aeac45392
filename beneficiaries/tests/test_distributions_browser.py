"""The aid pages in a real browser (Debian's Chromium via Playwright): the demo chair opens the center's
distributions, one of them, a household's goods form and the dowry cases; every page is Persian,
right-to-left, styled, in Vazirmatn, with Persian digits and no console or CSP error. Screenshots go to
``test-artifacts/screenshots/``."""

import pytest
from django_scopes import scopes_disabled

from beneficiaries.models import AidDistribution
from tests.test_browser import PERSIAN_DIGITS, check_page, chromium_page, require_chromium, screenshot
from tests.test_browser import demo_trustee as demo_trustee  # noqa: F401 - a fixture, used by name

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_chair_reads_the_aid_pages(live_server, demo_trustee):  # noqa: F811
    require_chromium()
    t = demo_trustee
    with scopes_disabled():  # the database is read before the browser starts (no ORM inside its loop)
        first = AidDistribution.objects.filter(center__slug=t.center_slug, kind="goods").first()
        assert first is not None, "the demo gives the chair's center a goods distribution"
        distribution_id, household_id = first.pk, first.household_id
    base = f"{live_server.url}/centers/{t.center_slug}"
    with chromium_page(viewport={"width": 1280, "height": 900}) as (page, watched):
        page.goto(live_server.url + "/accounts/login/")
        page.fill("input[name=username]", t.username)
        page.fill("input[name=password]", t.password)
        with page.expect_navigation():
            page.click("form:has(input[name=password]) button[type=submit]")
        for path, name in (("distributions/", "aid-distribution-list"),
                           (f"distributions/{distribution_id}/", "aid-distribution-detail"),
                           (f"households/{household_id}/distributions/new/?kind=goods", "aid-distribution-goods-form"),
                           (f"households/{household_id}/distributions/new/?kind=service", "aid-distribution-service"),
                           ("dowry/", "aid-dowry-list")):
            assert page.goto(f"{base}/{path}").status == 200, path
            check_page(page, watched)
            if name != "aid-dowry-list":  # the demo's dowry case is at another center: this list may be empty
                assert PERSIAN_DIGITS.search(page.locator("main").inner_text()), path
            screenshot(page, name)
        pdf = page.request.get(f"{base}/distributions/{distribution_id}/acknowledgement.pdf")
        assert pdf.status == 200 and pdf.body().startswith(b"%PDF")
