"""Record a gift in seconds, with the keyboard only, in a real browser (Debian's Chromium via Playwright).

The demo chair of a demo center signs in, opens the quick cash form and, without touching the mouse, types
an amount in Persian digits with separators, Tabs through purpose, channel, donor and date, and presses
Enter: the success message shows the amount in Persian digits, and the form is empty and focused again.
"""

import re

import pytest
from django_scopes import scopes_disabled

from contributions.models import Contribution
from core.digits import to_persian_digits
from donors.models import Donor
from tests.test_browser import check_page, chromium_page, require_chromium, screenshot
from tests.test_browser import demo_trustee as demo_trustee  # noqa: F401 - a fixture, used by name

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_trustee_records_a_cash_gift_with_the_keyboard_only(live_server, demo_trustee):  # noqa: F811
    require_chromium()
    t = demo_trustee
    with scopes_disabled():  # the database is read before the browser starts (no ORM inside its loop)
        donor = Donor.objects.filter(links__center__slug=t.center_slug).exclude(mobile="").first()
        before = Contribution.objects.filter(center__slug=t.center_slug).count()
    typed_donor = to_persian_digits(donor.mobile) if donor else None

    with chromium_page(viewport={"width": 1280, "height": 900}) as (page, watched):
        page.goto(live_server.url + "/accounts/login/")
        page.fill("input[name=username]", t.username)
        page.fill("input[name=password]", t.password)
        with page.expect_navigation():
            page.click("form:has(input[name=password]) button[type=submit]")
        page.goto(f"{live_server.url}/centers/{t.center_slug}/gifts/quick/")
        check_page(page, watched)
        assert page.evaluate("document.activeElement.name") == "amount", "the amount has the focus"
        screenshot(page, "gift-quick-empty")

        page.keyboard.type("۲٬۵۰۰٬۰۰۰")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.name") == "purpose"
        page.keyboard.press("ArrowDown")  # from "general" to the next purpose
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.name") == "channel"
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.name") == "donor"
        if typed_donor:
            page.keyboard.type(typed_donor)
            page.keyboard.press("Tab")  # past the anonymous box, left unticked
        else:
            page.keyboard.press("Tab")
            assert page.evaluate("document.activeElement.name") == "anonymous"
            page.keyboard.press("Space")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.name") == "received_on"
        assert re.fullmatch(r"[۰-۹]{4}/[۰-۹]{2}/[۰-۹]{2}", page.input_value("input[name=received_on]")), \
            "the date defaults to today, in Persian digits"
        screenshot(page, "gift-quick-filled")
        with page.expect_navigation():
            page.keyboard.press("Enter")

        check_page(page, watched)
        message = page.locator(".messages .message").inner_text()
        assert "۲٬۵۰۰٬۰۰۰" in message, message
        assert page.locator(".messages .message a").count() == 1, "a link to the gift"
        assert page.input_value("input[name=amount]") == ""
        assert page.evaluate("document.activeElement.name") == "amount", "ready for the next gift"
        screenshot(page, "gift-quick-recorded")

        # The gift's page, the list and the campaigns: styled, right-to-left, no script or CSP error.
        with page.expect_navigation():
            page.click(".messages .message a")
        check_page(page, watched)
        assert "۲٬۵۰۰٬۰۰۰" in page.locator("main").inner_text()
        screenshot(page, "gift-detail")
        for path, name in (("gifts/", "gift-list"), ("campaigns/", "gift-campaigns"),
                           ("gifts/new/in-kind/", "gift-in-kind-form")):
            assert page.goto(f"{live_server.url}/centers/{t.center_slug}/{path}").status == 200
            check_page(page, watched)
            screenshot(page, name)
            if name == "gift-campaigns":
                assert page.locator("main progress").count() >= 1, "the demo campaign's progress toward its goal"

    with scopes_disabled():
        gift = Contribution.objects.filter(center__slug=t.center_slug).order_by("-pk").first()
        assert Contribution.objects.filter(center__slug=t.center_slug).count() == before + 1
        assert (gift.amount, gift.status, gift.purpose.code) == (2_500_000, "confirmed", "health")
        assert gift.donor_id == (donor.pk if donor else None)
