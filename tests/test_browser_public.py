"""The public pages in a real browser on a phone-sized screen (Debian's Chromium via Playwright).

A visitor opens the directory, searches a demo center by name, opens its public page (story, figures in
Persian digits, campaigns) and the calendar of occasions. Screenshots land in test-artifacts/screenshots/.
"""

import pytest
from django_scopes import scopes_disabled

from centers.models import Center
from tests.test_browser import PERSIAN_DIGITS, check_page, chromium_page, fa, require_chromium, screenshot
from tests.test_browser import demo_trustee as demo_trustee  # noqa: F401 - a fixture, used by name

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True,
         "has_touch": True}


def test_visitor_finds_a_center_on_a_phone_and_reads_its_figures(live_server, demo_trustee):  # noqa: F811
    require_chromium()
    with scopes_disabled():  # read before the browser starts (no ORM inside its loop)
        center = Center.objects.get(slug=demo_trustee.center_slug)
        word = center.name.split()[-1]
    with chromium_page(**PHONE) as (page, watched):
        page.goto(live_server.url + "/")
        with page.expect_navigation():
            page.click(f"main a:has-text('{fa('Find a center')}')")
        check_page(page, watched)
        screenshot(page, "public-directory-phone")
        page.fill("input[name=q]", word)
        with page.expect_navigation():
            page.click(f"main button:has-text('{fa('Search')}')")
        link = page.locator(f"main .tiles a[href='/directory/{center.slug}/']")
        assert link.count() == 1
        with page.expect_navigation():
            link.click()
        check_page(page, watched)
        assert page.locator("main h1").inner_text() == center.name
        figures = page.locator(".figures").inner_text()
        assert PERSIAN_DIGITS.search(figures), "figures in Persian digits"
        # Nothing overflows the phone's width (readable without sideways scrolling).
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        screenshot(page, "public-center-phone")
        page.goto(live_server.url + "/occasions/")
        check_page(page, watched)
        assert page.locator("main table tbody tr").count() >= 8
        screenshot(page, "public-occasions-phone")
