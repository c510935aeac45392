"""A base's pages in a real browser (Debian's Chromium): the demo base's chair signs in and reads the NGO
profile, this year's agreement and its score, in Persian, right-to-left, with Persian digits."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_scopes import scopes_disabled

from bases.models import BaseAgreement
from core.jalali import to_jalali
from tests.test_browser import PERSIAN_DIGITS, check_page, chromium_page, require_chromium, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_demo_base_chair_reads_the_ngo_agreement_and_score(live_server, transactional_db, settings, tmp_path):
    require_chromium()
    settings.DATA_DIR = tmp_path
    call_command("seed_demo", stdout=StringIO())
    logins = json.loads((tmp_path / "demo-users.json").read_text(encoding="utf-8"))
    chair = next(x for x in logins if x.get("center_slug") == "isf-base-zeinabiyeh" and x["role"] == "chair")
    with scopes_disabled():
        current = BaseAgreement.objects.get(center__slug="isf-base-zeinabiyeh",
                                            jalali_year=to_jalali(timezone.localdate()).year)
    base = f"{live_server.url}/centers/isf-base-zeinabiyeh/base/"
    with chromium_page(viewport={"width": 1280, "height": 900}) as (page, watched):
        page.goto(live_server.url + "/accounts/login/")
        page.fill("input[name=username]", chair["username"])
        page.fill("input[name=password]", chair["password"])
        with page.expect_navigation():
            page.click("form:has(input[name=password]) button[type=submit]")
        assert page.goto(base).status == 200
        check_page(page, watched)
        assert "انجمن مردمی سلامت اجتماعی زینبیه" in page.locator("main").inner_text()
        screenshot(page, "base-home")
        assert page.goto(f"{base}agreements/{current.pk}/score/").status == 200
        check_page(page, watched)
        assert PERSIAN_DIGITS.search(page.locator("main dl.facts").inner_text())
        screenshot(page, "base-score")
