"""The portal's shell: home page, health check, security headers, language, deploy check, template filters."""

import datetime
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db

TEMPLATES_DIR = Path(settings.BASE_DIR) / "templates"


def test_home_page_is_persian_and_right_to_left(client, world):
    world.center()
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")  # Persian first, whatever the browser
    body = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="fa" dir="rtl">' in body
    assert "۱" in body  # one licensed center, in Persian digits


def test_language_switch_turns_the_site_english_and_back(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert '<html lang="en" dir="ltr">' in client.get("/").content.decode()
    client.post(reverse("set_language"), {"language": "fa", "next": "/"})
    assert '<html lang="fa" dir="rtl">' in client.get("/").content.decode()


def test_healthz_reports_database_and_broker(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    data = response.json()
    assert data["status"] == "ok"
    assert data["database"]["ok"] and data["broker"]["ok"]
    assert data["broker"]["transport"] in {"redis", "filesystem"}


def test_healthz_says_503_when_the_broker_is_unreachable(client, settings):
    from config.celery import app

    previous = app.conf.broker_url
    app.conf.broker_url = "redis://127.0.0.1:1/0"
    try:
        response = client.get("/healthz")
    finally:
        app.conf.broker_url = previous
    assert response.status_code == 503
    assert response.json()["broker"]["ok"] is False


@pytest.mark.parametrize("url", ["/", "/accounts/login/", "/centers/nope/", "/dashboard/", "/healthz"])
def test_pages_forbid_inline_script_and_style(client, url):
    policy = client.get(url)["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy


def test_api_docs_allow_swagger_styles_but_never_inline_script(client):
    policy = client.get("/api/docs/")["Content-Security-Policy"]
    assert "script-src 'self';" in policy and "unsafe-eval" not in policy


def test_templates_hold_no_inline_script_or_style():
    """The policy would block them, so none may exist: every script and style comes from a file."""
    for path in TEMPLATES_DIR.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), f"inline script in {path}"
        assert "<style" not in text and not re.search(r"\sstyle=", text), f"inline style in {path}"
        assert not re.search(r"\son[a-z]+=", text), f"inline event handler in {path}"


def test_assets_are_served_by_the_app_itself(client):
    body = client.get("/").content.decode()
    for ref in re.findall(r'(?:href|src)="([^"]+)"', body):
        assert not ref.startswith(("http://", "https://", "//")), f"third-party asset {ref}"
    assert client.get("/api/docs/").status_code == 200
    docs = client.get("/api/docs/").content.decode()
    assert "cdn" not in docs.lower()


def test_unknown_page_is_a_persian_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert 'dir="rtl"' in response.content.decode()


def test_deploy_check_is_clean_under_production_settings():
    env = {**os.environ, "DJANGO_DEBUG": "0", "DJANGO_HTTPS": "1", "DJANGO_SECRET_KEY": secrets.token_urlsafe(60),
           "DJANGO_ALLOWED_HOSTS": "charity.example.ir", "DATABASE_URL": "postgres://u@127.0.0.1:1/unused"}
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                            cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def _render(text, **context):
    return Template(text).render(Context(context))


def test_jdate_shows_jalali_dates_in_persian_digits():
    with translation.override("fa"):
        assert _render("{{ d|jdate }}", d=datetime.date(2024, 10, 6)) == "۱۴۰۳/۰۷/۱۵"
        assert _render('{{ d|jdate:"long" }}', d=datetime.date(2024, 3, 20)) == "۱ فروردین ۱۴۰۳"
    with translation.override("en"):
        assert _render("{{ d|jdate }}", d=datetime.date(2024, 10, 6)) == "1403/07/15"


def test_aware_datetimes_are_shown_in_tehran_time():
    moment = datetime.datetime(2024, 3, 19, 21, 0, tzinfo=datetime.UTC)  # 00:30 on 1 Farvardin in Tehran
    with translation.override("en"):
        assert _render("{{ d|jdatetime }}", d=moment) == "1403/01/01 00:30"


def test_rial_amounts_have_persian_digits_and_separators():
    with translation.override("fa"):
        assert _render("{{ n|rial }}", n=12500000) == "۱۲٬۵۰۰٬۰۰۰ ریال"
    with translation.override("en"):
        assert _render("{{ n|number }}", n=-1500) == "-1,500"


def test_area_map_draws_the_polygon_to_fit_with_north_up():
    from core.svg import polygon_svg

    square = {"type": "Polygon", "coordinates": [[[51.0, 32.0], [51.1, 32.0], [51.1, 32.1], [51.0, 32.1],
                                                  [51.0, 32.0]]]}
    svg = str(polygon_svg(square, width=200, height=200, label="<محله>"))
    assert svg.startswith("<svg") and "&lt;محله&gt;" in svg
    points = [tuple(map(float, p.split(","))) for p in re.findall(r"[\d.]+,[\d.]+", svg.split(' d="')[1])]
    assert all(0 <= x <= 200 and 0 <= y <= 200 for x, y in points)
    # The first corner is the south-west one: drawn at the bottom (larger y) and left (smaller x).
    (x0, y0), (x1, _y1), (_x2, y2) = points[0], points[1], points[2]
    assert x1 > x0 and y2 < y0
    assert str(polygon_svg(None)) == "" and str(polygon_svg({"type": "Point"})) == ""
