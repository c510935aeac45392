"""A donor on a phone, in Chromium against the live server: the donation page (Persian digits, a restricted
purpose, name and mobile), the sandbox bank's page, the success page with the receipt code, and the public
verification page. Screenshots of each step land in ``test-artifacts/screenshots/``."""

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from contributions.models import Contribution, Purpose
from payments.models import Payment
from tests.test_browser import check_page, chromium_page, screenshot

from .helpers import accepting_center

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True}


def test_donor_gives_to_a_restricted_purpose_through_the_sandbox_bank(live_server, world):
    center = accepting_center(world, name="مرکز نیکوکاری مسجد امام")
    zakat = Purpose.objects.get(code="zakat")
    donate_url = live_server.url + reverse("payments:donate", kwargs={"center_slug": center.slug})
    with chromium_page(**PHONE) as (page, watched):
        assert page.goto(donate_url).status == 200
        check_page(page, watched)
        page.check(f"input[name=purpose][value='{zakat.pk}']")
        page.fill("input[name=amount]", "۲٬۵۰۰٬۰۰۰")
        page.fill("input[name=donor_name]", "مریم احمدی")
        page.fill("input[name=donor_mobile]", "۰۹۱۲۳۴۵۶۷۸۹")
        screenshot(page, "payments-1-donate")
        page.click("main form button.button")
        page.wait_for_url("**/sandbox-bank/pay/**")
        assert "۲٬۵۰۰٬۰۰۰" in page.content()
        screenshot(page, "payments-2-sandbox-bank")
        page.click("button[value=pay]")
        page.wait_for_url("**/payments/**")
        check_page(page, watched)
        assert page.locator("[data-outcome=success]").count() == 1
        code = page.locator(".receipt-code").inner_text()
        screenshot(page, "payments-3-success")
        page.click("a[href*='/receipts/verify/']")
        page.wait_for_url("**/receipts/verify/**")
        assert center.name in page.content() and "۲٬۵۰۰٬۰۰۰" in page.content()
        screenshot(page, "payments-4-receipt-verified")
    with scopes_disabled():
        payment = Payment.objects.get(center=center)
        assert payment.status == Payment.Status.VERIFIED
        gift = Contribution.objects.get(pk=payment.contribution_id)
        assert gift.purpose_id == zakat.pk and gift.amount == 2_500_000
        assert gift.receipt.display_code == code
