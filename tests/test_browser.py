"""The portal in a real browser: Debian's Chromium driven by Playwright against pytest-django's live server.

A demo trustee signs in through the login form and reaches the dashboard; another center's page is a 404.
Every page must be styled, right-to-left, set in Vazirmatn, and free of console errors (CSP violations
included). Full-page screenshots land in ``test-artifacts/screenshots/`` for a human to look at.

Chromium comes from Debian (``apt-get install chromium``), never from ``playwright install``.
"""

from __future__ import annotations

import json
import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import translation
from django_scopes import scopes_disabled

from centers.models import Center

pytestmark = [
    pytest.mark.browser,
    # serialized_rollback: an earlier transactional test may have flushed the geography and organisations
    # that migrations load and seed_demo needs; this brings them back before the test.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
SCREENSHOTS = Path(settings.BASE_DIR) / "test-artifacts" / "screenshots"
PERSIAN_LETTERS = re.compile(r"[\u0600-\u06FF]")
PERSIAN_DIGITS = re.compile(r"[۰-۹]")
BRAND_COLOUR = "rgb(15, 118, 110)"  # --brand in static/css/portal.css: proof the stylesheet applied

# Records CSP violations in the page itself, in addition to the console message Chromium prints for them.
CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI}`);
});
"""


def fa(message: str) -> str:
    """The interface text as a Persian visitor sees it (English until the fa catalogue is written)."""
    with translation.override("fa"):
        return translation.gettext(message)


@dataclass
class Trustee:
    username: str
    password: str
    center_slug: str
    center_name: str
    other_slug: str


@pytest.fixture
def demo_trustee(transactional_db, settings, tmp_path) -> Trustee:
    """The demo province in the test database, and the chair of its first center.

    seed_demo writes its logins to ``DATA_DIR/demo-users.json``; pointed at this test's own directory, it
    leaves the developer's file alone and parallel workers never read each other's half-written file.
    """
    settings.DATA_DIR = tmp_path
    call_command("seed_demo", stdout=StringIO())
    logins = json.loads((settings.DATA_DIR / "demo-users.json").read_text(encoding="utf-8"))
    chair = next(x for x in logins if x.get("role") == "chair")
    other = next(x["center_slug"] for x in logins if x.get("center_slug") not in (None, chair["center_slug"]))
    with scopes_disabled():
        name = Center.objects.get(slug=chair["center_slug"]).name
    return Trustee(chair["username"], chair["password"], chair["center_slug"], name, other)


@dataclass
class Watched:
    """What went wrong in the browser while a page was open."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    static_responses: dict[str, int] = field(default_factory=dict)


def require_chromium() -> None:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's Chromium with "
                    "`apt-get update && apt-get install -y chromium` (CI does). Do not use `playwright install`.",
                    pytrace=False)


def _left_behind(request) -> bool:
    """A script's fetch that the browser cancelled because the page moved on (a form was submitted while a
    lookup was still on its way). That is the browser's normal housekeeping, not a failure of ours; any
    other failed request, and any fetch that failed for another reason, still counts."""
    return request.resource_type in ("fetch", "xhr") and request.failure == "net::ERR_ABORTED"


@contextmanager
def chromium_page(**context_options):
    """A fresh Persian-speaking browser tab and a record of its console errors, failures and static files.

    Playwright's sync API runs an asyncio loop on this thread, so no ORM call may happen inside the block
    (Django would refuse it as async-unsafe); everything from the database is fetched beforehand.
    """
    from playwright.sync_api import sync_playwright

    watched = Watched()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(locale="fa-IR", **context_options)
            context.add_init_script(CSP_LISTENER)
            page = context.new_page()
            page.on("console", lambda m: watched.console_errors.append(f"{m.text} @ {m.location.get('url')}")
                    if m.type == "error" else None)
            page.on("pageerror", lambda e: watched.page_errors.append(str(e)))
            page.on("requestfailed", lambda r: None if _left_behind(r) else
                    watched.failed_requests.append(f"{r.url}: {r.failure}"))
            page.on("response", lambda r: watched.static_responses.__setitem__(r.url, r.status)
                    if "/static/" in r.url else None)
            yield page, watched
            context.close()
        finally:
            browser.close()


def check_page(page, watched: Watched, *, allowed_console: tuple[str, ...] = ()) -> None:
    """The page is Persian, right-to-left, styled by portal.css, in Vazirmatn, with no error of any kind."""
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("html").get_attribute("lang") == "fa"
    assert page.evaluate("getComputedStyle(document.querySelector('.site-header')).backgroundColor") \
        == BRAND_COLOUR, "portal.css did not apply"
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    assert page.evaluate("getComputedStyle(document.body).fontFamily").replace('"', '').startswith("Vazirmatn,")
    page.evaluate("document.fonts.ready.then(() => true)")
    loaded = page.evaluate(
        "[...document.fonts].filter(f => f.family.replace(/\"/g, '') === 'Vazirmatn' && f.status === 'loaded')"
        ".map(f => f.weight)"
    )
    assert "400" in loaded, f"Vazirmatn regular did not load (loaded weights: {loaded})"
    assert page.evaluate("document.fonts.check('16px Vazirmatn', 'سلام')")
    bad_static = {url: status for url, status in watched.static_responses.items() if status >= 400}
    assert not bad_static, f"static files failed: {bad_static}"
    assert any(url.endswith("/static/css/portal.css") for url in watched.static_responses)
    assert any("/static/fonts/vazirmatn/Vazirmatn-Regular.woff2" in url for url in watched.static_responses)
    console = [m for m in watched.console_errors
               if not any(a in m for a in allowed_console)]
    assert not console, f"console errors: {console}"
    assert not watched.page_errors, f"script errors: {watched.page_errors}"
    assert not watched.failed_requests, f"failed requests: {watched.failed_requests}"
    assert page.evaluate("window.__cspViolations") == [], "CSP violations"


def screenshot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def test_trustee_signs_in_and_sees_only_their_center(live_server, demo_trustee):
    require_chromium()
    t = demo_trustee
    page_not_found, dashboard = fa("Page not found"), fa("Dashboard")

    with chromium_page(viewport={"width": 1280, "height": 800}) as (page, watched):
        response = page.goto(live_server.url + "/")
        assert response.status == 200
        check_page(page, watched)
        assert PERSIAN_DIGITS.search(page.locator(".figures").inner_text()), "figures not in Persian digits"
        screenshot(page, "home")

        page.goto(live_server.url + "/accounts/login/")
        check_page(page, watched)
        screenshot(page, "login")
        page.fill("input[name=username]", t.username)
        page.fill("input[name=password]", t.password)
        with page.expect_navigation():
            page.click("form:has(input[name=password]) button[type=submit]")

        assert page.url == f"{live_server.url}/dashboard/"
        check_page(page, watched)
        assert page.locator("main h1").inner_text() == dashboard
        center_link = page.locator(f"main table a[href='/centers/{t.center_slug}/']")
        assert center_link.inner_text() == t.center_name
        assert PERSIAN_LETTERS.search(page.locator(".site-header .who").inner_text()), "trustee's name"
        screenshot(page, "dashboard")

        with page.expect_navigation():
            center_link.click()
        check_page(page, watched)
        assert page.locator("main h1").inner_text() == t.center_name
        screenshot(page, "center")

        response = page.goto(f"{live_server.url}/centers/{t.other_slug}/")
        assert response.status == 404
        # Chromium reports any 404 document in the console; that one is expected, nothing else is.
        check_page(page, watched, allowed_console=("status of 404",))
        assert page.locator("main h1").inner_text() == page_not_found
        assert t.center_name not in page.content()
        screenshot(page, "not-found")


def test_home_page_on_a_phone(live_server, demo_trustee):
    require_chromium()
    with chromium_page(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True,
                       has_touch=True) as (page, watched):
        assert page.goto(live_server.url + "/").status == 200
        check_page(page, watched)
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"the home page scrolls sideways by {overflow}px at 390px"
        screenshot(page, "home-mobile")


def _current_code(base32_secret: str) -> str:
    """The code an authenticator app shows now for this secret (no database: safe inside the browser block)."""
    import base64

    from django_otp.oath import totp

    return f"{totp(base64.b32decode(base32_secret)):06d}"


def test_supervisor_passes_the_second_factor_and_reaches_the_admin(live_server, demo_trustee, settings):
    require_chromium()
    logins = json.loads((settings.DATA_DIR / "demo-users.json").read_text(encoding="utf-8"))
    supervisor = next(x for x in logins if x["role"] == "province_supervisor")
    with chromium_page(viewport={"width": 1280, "height": 800}) as (page, watched):
        page.goto(live_server.url + "/accounts/login/")
        page.fill("input[name=username]", supervisor["username"])
        page.fill("input[name=password]", supervisor["password"])
        with page.expect_navigation():
            page.click("form:has(input[name=password]) button[type=submit]")
        assert "/accounts/otp/verify/" in page.url
        check_page(page, watched)
        page.fill("input[name=code]", _current_code(supervisor["totp_secret"]))
        with page.expect_navigation():
            page.click("main form button[type=submit]")
        assert page.url == f"{live_server.url}/dashboard/"
        check_page(page, watched)
        assert page.locator("main table tbody tr").count() >= 2, "a provincial supervisor sees several centers"
        screenshot(page, "supervisor-dashboard")

        page.goto(live_server.url + "/admin/centers/center/")
        assert page.locator("html").get_attribute("dir") == "rtl"
        assert page.locator("#result_list tbody tr").count() >= 2
        assert not watched.console_errors, f"console errors in the admin: {watched.console_errors}"
        assert page.evaluate("window.__cspViolations") == [], "CSP violations in the admin"
        screenshot(page, "admin-centers")
