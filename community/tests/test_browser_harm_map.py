"""The harm map of a demo social-health base in a real browser (Debian's Chromium via Playwright): the chair of
the base signs in and opens the map; the page is Persian, right-to-left, styled, free of script and CSP
errors, and the map is drawn inline with its legend in Persian digits. The screenshot is saved for a human
to look at: ``test-artifacts/screenshots/community-harm-map.png``."""

import json
import re

import pytest
from django.conf import settings
from django_scopes import scopes_disabled

from community.models import HarmSite
from tests.test_browser import check_page, chromium_page, require_chromium, screenshot
from tests.test_browser import demo_trustee as demo_trustee  # noqa: F401 - a fixture, used by name

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
BASE = "isf-base-zeinabiyeh"


def test_base_chair_sees_the_harm_map(live_server, demo_trustee):  # noqa: F811 - the fixture seeds the demo
    require_chromium()
    logins = json.loads((settings.DATA_DIR / "demo-users.json").read_text(encoding="utf-8"))
    chair = next(x for x in logins if x.get("center_slug") == BASE and x["role"] == "chair")
    with scopes_disabled():  # read before the browser starts (no ORM inside its loop)
        sites = HarmSite.objects.filter(center__slug=BASE, active=True).count()
    assert sites >= 5, "the demo base has a harm map"

    with chromium_page(viewport={"width": 1280, "height": 900}) as (page, watched):
        page.goto(live_server.url + "/accounts/login/")
        page.fill("input[name=username]", chair["username"])
        page.fill("input[name=password]", chair["password"])
        with page.expect_navigation():
            page.click("form:has(input[name=password]) button[type=submit]")
        assert page.goto(f"{live_server.url}/centers/{BASE}/community/harms/").status == 200
        check_page(page, watched)
        svg = page.locator("main svg.harm-map")
        assert svg.count() == 1
        box = svg.bounding_box()
        assert box["width"] > 600 and box["height"] > 400, box
        marks = page.locator("main svg.harm-map circle title, main svg.harm-map path title")
        assert marks.count() >= sites  # every site, plus the activity area
        legend = page.locator("main svg.harm-map g.legend").inner_html()
        assert re.search(r"[۰-۹]", legend) and not re.search(r">[^<]*[0-9][^<]*</text>", legend)
        # The legend stands right of the map (the reading side in Persian).
        legend_box = page.locator("main svg.harm-map g.legend").bounding_box()
        assert legend_box["x"] > box["x"] + box["width"] * 0.6
        assert page.locator("main table tbody tr").count() == sites
        screenshot(page, "community-harm-map")

        page.goto(f"{live_server.url}/centers/{BASE}/community/")
        check_page(page, watched)
        screenshot(page, "community-overview")
