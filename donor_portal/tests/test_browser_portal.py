"""A donor signs in by SMS code in a real browser (Debian's Chromium via Playwright) and sees their gifts.

The mobile is typed in Persian digits; the code is read from the file SMS backend (what a phone would show);
the gifts page lists the donor's gifts at two centers with Persian digits and no other donor's gift; the
receipt downloads as a PDF. Screenshots of every step land in ``test-artifacts/screenshots/donor-*.png``.
"""

import json
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django_scopes import scopes_disabled

from core.digits import format_number_fa, to_persian_digits
from tests.test_browser import check_page, chromium_page, require_chromium, screenshot

from .conftest import M1, donor, give

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_donor_signs_in_by_sms_code_and_sees_their_gifts(live_server, world, keep_on_commit, sms_file):
    from contributions.tests.conftest import license_center
    from donors.models import DonorLink

    require_chromium()
    first = license_center(world.center(name="مرکز نیکوکاری مسجد جامع"))
    second = license_center(world.center(name="مرکز نیکوکاری امام رضا"))
    mine = donor(first, M1, "مریم", "احمدی")
    donor(second, M1, "مریم", "احمدی")  # the same person, linked at another center of the organisation
    other = donor(first, "09121110002", "خیر", "ناشناس‌دیگر")
    give(first, mine, 2_500_000, "zakat")
    with scopes_disabled():
        DonorLink.objects.get_or_create(center=second, donor=mine)
    give(second, mine, 750_000, "general")
    give(first, other, 9_990_000, "zakat")
    sms_path = Path(django_settings.SMS_FILE_PATH)

    with chromium_page(viewport={"width": 390, "height": 844}) as (page, watched):  # a phone
        page.goto(live_server.url + "/my/")
        assert page.url.startswith(f"{live_server.url}/my/login/")
        check_page(page, watched)
        screenshot(page, "donor-login")
        page.fill("input[name=mobile]", to_persian_digits(M1))
        with page.expect_navigation():
            page.click("main button[type=submit]")
        assert page.url.startswith(f"{live_server.url}/my/login/code/")
        check_page(page, watched)
        screenshot(page, "donor-code")

        codes = [json.loads(line) for line in sms_path.read_text(encoding="utf-8").splitlines()]
        code = [m["code"] for m in codes if m["to"] == M1 and "code" in m][-1]
        page.fill("input[name=code]", to_persian_digits(code))
        with page.expect_navigation():
            page.click("main button[type=submit]")
        assert page.url == f"{live_server.url}/my/"
        check_page(page, watched)
        main = page.locator("main").inner_text()
        assert "مریم احمدی" in main and format_number_fa(2_500_000) in main
        screenshot(page, "donor-dashboard")

        page.goto(live_server.url + "/my/gifts/")
        check_page(page, watched)
        main = page.locator("main").inner_text()
        for text in ("مرکز نیکوکاری مسجد جامع", "مرکز نیکوکاری امام رضا", format_number_fa(2_500_000),
                     format_number_fa(750_000)):
            assert text in main, text
        assert format_number_fa(9_990_000) not in main and "ناشناس‌دیگر" not in main
        screenshot(page, "donor-gifts")

        with page.expect_download() as download:
            page.locator("main table a[href*='/my/receipts/']").first.click()
        assert download.value.suggested_filename.endswith(".pdf")
        # Chromium reports a navigation that became a download as aborted: that one is expected.
        watched.failed_requests[:] = [r for r in watched.failed_requests if "/my/receipts/" not in r]

        for path, name in (("impact/", "donor-impact"), ("pledges/", "donor-pledges"),
                           ("preferences/", "donor-preferences")):
            assert page.goto(f"{live_server.url}/my/{path}").status == 200
            check_page(page, watched)
            screenshot(page, name)
