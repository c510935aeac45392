"""The yearbook's parts on its run's admin page: shown to those who may see the run, on yearbook runs only; an
outsider is answered as for a run that does not exist (the admin's "does not exist" redirect)."""

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from centers.models import County, Province
from conftest import login
from reporting.models import ReportRun, YearbookSection

pytestmark = pytest.mark.django_db


def _national_admin(world):
    user = world.user(is_superuser=True, is_staff=True)
    TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    return user


def _run(kind="yearbook", **extra):
    return ReportRun.objects.create(kind=kind, scope_level="nation", period="1404", status="failed",
                                    error="part failed", **extra)


def test_the_parts_of_a_yearbook_run_are_shown_on_its_page(client, world):
    world.center()  # a national administrator's scope is the nation's centers
    run = _run()
    province = Province.objects.get(name="اصفهان")
    YearbookSection.objects.bulk_create([
        YearbookSection(run=run, position=0, kind="front", title="جلد و فهرست مطالب", status="cancelled"),
        YearbookSection(run=run, position=1, kind="summary", title="خلاصهٔ ملی", status="succeeded", pages=6,
                        peak_rss_kb=160 * 1024),
        YearbookSection(run=run, position=2, kind="province", province=province, title="استان اصفهان",
                        status="failed", error="no space left on device"),
    ])
    login(client, _national_admin(world))
    page = client.get(reverse("admin:reporting_reportrun_change", args=[run.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    for text in ("خلاصهٔ ملی", "استان اصفهان", "no space left on device", "۱۶۰"):
        assert text in body
    other = _run(kind="annual")
    assert "yearbook_sections" not in client.get(
        reverse("admin:reporting_reportrun_change", args=[other.pk])).content.decode()


def test_outsider_is_told_the_yearbook_run_does_not_exist(client, world):
    world.center()
    run = _run()
    YearbookSection.objects.create(run=run, position=0, kind="front", title="جلد و فهرست مطالب")
    county = County.objects.exclude(province__name="اصفهان").order_by("code").first()
    outsider = world.supervisor(level="county", county=county)
    login(client, outsider)
    url = reverse("admin:reporting_reportrun_change", args=[run.pk])
    answer = client.get(url)
    missing = client.get(reverse("admin:reporting_reportrun_change", args=[run.pk + 1000]))
    assert answer.status_code == missing.status_code == 302 and answer.url == missing.url
    assert "جلد و فهرست مطالب" not in client.get(url, follow=True).content.decode()
