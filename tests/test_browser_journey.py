"""Issue 6's journey in a real browser (Debian's Chromium via Playwright, a phone-sized screen), end to end:

a visitor finds a center in the public directory, opens its page, gives to a restricted purpose (zakat) through
the sandbox bank, lands on the success page, opens the receipt's public verification page, then signs in to the
donors' own pages with the SMS code sent to their mobile and finds the gift there. Every step is screenshotted
to ``test-artifacts/screenshots/journey-*.png``.
"""

import json
from pathlib import Path

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from contributions.models import Contribution, Purpose
from core.digits import format_number_fa, to_persian_digits
from payments.models import Payment
from payments.tests.helpers import accepting_center
from tests.test_browser import check_page, chromium_page, fa, require_chromium, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True,
         "has_touch": True}
MOBILE = "09137770123"


def test_visitor_finds_a_center_gives_zakat_verifies_the_receipt_and_sees_it_on_their_page(
        live_server, world, settings, tmp_path):
    require_chromium()
    settings.SMS_BACKEND = "core.sms.FileBackend"
    settings.SMS_FILE_PATH = str(tmp_path / "sms.jsonl")
    center = accepting_center(world, name="مرکز نیکوکاری مسجد الزهرا")
    accepting_center(world, name="مرکز نیکوکاری امام رضا")  # another listed center the search must skip
    zakat = Purpose.objects.get(code="zakat")
    amount = format_number_fa(3_500_000)

    with chromium_page(**PHONE) as (page, watched):
        page.goto(live_server.url + "/")
        with page.expect_navigation():
            page.click(f"main a:has-text('{fa('Find a center')}')")
        page.fill("input[name=q]", "الزهرا")
        with page.expect_navigation():
            page.click(f"main button:has-text('{fa('Search')}')")
        check_page(page, watched)
        assert page.locator("main .tiles li").count() == 1
        screenshot(page, "journey-1-directory")
        with page.expect_navigation():
            page.click(f"main .tiles a[href='{reverse('public:center-page', kwargs={'slug': center.slug})}']")
        check_page(page, watched)
        assert page.locator("main h1").inner_text() == center.name
        screenshot(page, "journey-2-center")

        with page.expect_navigation():
            page.click("main a.button-large")
        check_page(page, watched)
        page.check(f"input[name=purpose][value='{zakat.pk}']")
        page.fill("input[name=amount]", "۳٬۵۰۰٬۰۰۰")
        page.fill("input[name=donor_name]", "فاطمه کریمی")
        page.fill("input[name=donor_mobile]", to_persian_digits(MOBILE))
        screenshot(page, "journey-3-donate")
        page.click("main form button.button")
        page.wait_for_url("**/sandbox-bank/pay/**")
        assert amount in page.content()
        screenshot(page, "journey-4-bank")
        page.click("button[value=pay]")
        page.wait_for_url("**/payments/**")
        check_page(page, watched)
        assert page.locator("[data-outcome=success]").count() == 1
        receipt_code = page.locator(".receipt-code").inner_text()
        screenshot(page, "journey-5-success")
        page.click("a[href*='/receipts/verify/']")
        page.wait_for_url("**/receipts/verify/**")
        check_page(page, watched)
        assert center.name in page.content() and amount in page.content()
        screenshot(page, "journey-6-receipt-verified")

        page.goto(live_server.url + "/my/")
        assert page.url.startswith(f"{live_server.url}/my/login/")
        page.fill("input[name=mobile]", to_persian_digits(MOBILE))
        with page.expect_navigation():
            page.click("main button[type=submit]")
        screenshot(page, "journey-7-code")
        sent = [json.loads(line) for line in Path(settings.SMS_FILE_PATH).read_text(encoding="utf-8").splitlines()]
        code = [m["code"] for m in sent if m["to"] == MOBILE and "code" in m][-1]
        page.fill("input[name=code]", to_persian_digits(code))
        with page.expect_navigation():
            page.click("main button[type=submit]")
        assert page.url == f"{live_server.url}/my/"
        check_page(page, watched)
        page.goto(live_server.url + "/my/gifts/")
        check_page(page, watched)
        main = page.locator("main").inner_text()
        assert center.name in main and amount in main
        screenshot(page, "journey-8-my-gifts")

    with scopes_disabled():
        payment = Payment.objects.get(center=center)
        gift = Contribution.objects.get(pk=payment.contribution_id)
        assert payment.status == Payment.Status.VERIFIED
        assert (gift.purpose_id, gift.amount, gift.status) == (zakat.pk, 3_500_000, Contribution.Status.CONFIRMED)
        assert gift.receipt.display_code == receipt_code and gift.donor.mobile == MOBILE
