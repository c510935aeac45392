"""The monthly participation report (seed 001): the center submits its ended month to the county, the county
registers it, then the province; either may send it back; a month not submitted in time is overdue."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope

from centers.access import actor_for
from centers.models import BoardRole
from conftest import login
from reporting import monthly
from reporting.models import MonthlyReport, ReportRun
from reporting.periods import Period
from reporting.scope import Scope

pytestmark = pytest.mark.django_db


@pytest.fixture
def unit(world):
    center = world.center()
    county, province = center.county, center.county.province
    return {"world": world, "center": center, "chair": world.trustee(center, BoardRole.CHAIR),
            "officer": world.trustee(center, BoardRole.DONOR_RELATIONS_MEN),
            "county_sup": world.supervisor(level="county", county=county),
            "province_sup": world.supervisor(level="province", province=province),
            "welfare_sup": world.supervisor(level="province", province=province, organization=world.welfare),
            "last": Period.last_ended("month")}


def _actor(user):
    return actor_for(user, second_factor_passed=True)


def _in_scope(center):
    return scope(center=[center.pk])


def test_chair_submits_the_ended_month_and_it_is_registered_at_county_then_province(unit):
    center, last = unit["center"], unit["last"]
    chair, county_sup, province_sup = (_actor(unit[k]) for k in ("chair", "county_sup", "province_sup"))
    with _in_scope(center):
        report = monthly.monthly_report_save(actor=chair, center=center, year=last.year, month=last.number,
                                             notes="  جلسه با خیرین محله برگزار شد  ")
        assert report.status == "draft" and report.notes == "جلسه با خیرین محله برگزار شد"
        report = monthly.monthly_report_save(actor=chair, center=center, year=last.year, month=last.number,
                                             notes=report.notes, submit=True)
        assert report.status == "submitted" and report.submitted_by == chair.user and report.submitted_at
        assert [s["key"] for s in report.figures["sections"]][:1] == ["contributions"]
        assert report.figures["period"] == str(last)
        with pytest.raises(ValidationError):  # once submitted, the center cannot change it
            monthly.monthly_report_save(actor=chair, center=center, year=last.year, month=last.number, notes="x")
        with pytest.raises(PermissionDenied):  # the province's step comes after the county's
            monthly.monthly_report_register(actor=province_sup, report=report)
        report = monthly.monthly_report_register(actor=county_sup, report=report)
        assert report.status == "county_registered" and report.county_registered_by == county_sup.user
        with pytest.raises(PermissionDenied):
            monthly.monthly_report_register(actor=county_sup, report=report)
        report = monthly.monthly_report_register(actor=province_sup, report=report)
        assert report.status == "province_registered" and report.province_registered_at
        with pytest.raises(ValidationError):
            monthly.monthly_report_register(actor=province_sup, report=report)


def test_a_month_is_submitted_only_once_it_has_ended_and_only_by_the_chair_or_finance_officer(unit):
    center = unit["center"]
    current = Period.current("month")
    with _in_scope(center):
        with pytest.raises(ValidationError):
            monthly.monthly_report_save(actor=_actor(unit["chair"]), center=center, year=current.year,
                                        month=current.number, notes="", submit=True)
        with pytest.raises(PermissionDenied):
            monthly.monthly_report_save(actor=_actor(unit["officer"]), center=center, year=unit["last"].year,
                                        month=unit["last"].number, notes="", submit=True)
    with scope(center=[]):
        assert not MonthlyReport.objects.filter(status="submitted").exists()


def test_another_organisations_supervisor_cannot_register_and_a_return_needs_a_reason(unit):
    center, last = unit["center"], unit["last"]
    with _in_scope(center):
        report = monthly.monthly_report_save(actor=_actor(unit["chair"]), center=center, year=last.year,
                                             month=last.number, notes="", submit=True)
        welfare = _actor(unit["welfare_sup"])
        assert not monthly.may_register(welfare, report)
        county_sup = _actor(unit["county_sup"])
        with pytest.raises(ValidationError):
            monthly.monthly_report_return(actor=county_sup, report=report, reason="  ")
        report = monthly.monthly_report_return(actor=county_sup, report=report, reason="ارقام کمک‌ها ناقص است")
        assert report.status == "draft" and report.submitted_at is None
        assert report.returned_reason == "ارقام کمک‌ها ناقص است"
        again = monthly.monthly_report_save(actor=_actor(unit["chair"]), center=center, year=last.year,
                                            month=last.number, notes="اصلاح شد", submit=True)
        assert again.status == "submitted" and again.returned_reason == ""


def test_overdue_lists_months_past_their_due_date_not_submitted(unit, settings):
    world, center = unit["world"], unit["center"]
    other = world.center(county=center.county)
    settings.MONTHLY_REPORT_DUE_DAYS = 10
    today = datetime.date(2025, 8, 5)  # 14 Mordad 1404: Tir is due on 10 Mordad; Mordad has not ended
    tir = Period.month(1404, 7 - 3)
    with scope(center=[center.pk, other.pk]):
        monthly.monthly_report_save(actor=_actor(unit["chair"]), center=center, year=1404, month=4, notes="",
                                    submit=True)
        items = monthly.overdue_reports(Scope("county", center.county_id), today=today)
    late = {(i["center_id"], i["period"]) for i in items}
    assert (other.pk, str(tir)) in late and (center.pk, str(tir)) not in late
    item = next(i for i in items if i["center_id"] == other.pk and i["period"] == str(tir))
    assert item["due"] == tir.end + datetime.timedelta(days=10) and item["days_late"] == (today - item["due"]).days
    assert item["status"] == "missing"
    assert all(i["period"] != "1404-05" for i in items)  # Mordad has not ended
    with scope(center=[center.pk, other.pk]):  # the day before the due date nothing of Tir is late yet
        early = monthly.overdue_reports(Scope("county", center.county_id), today=datetime.date(2025, 7, 31))
    assert all(i["period"] != str(tir) for i in early)


def test_monthly_pages_for_the_chair_and_404_for_an_outsider(client, unit):
    center, last = unit["center"], unit["last"]
    login(client, unit["chair"])
    listing = client.get(reverse("reporting:monthly-list", kwargs={"center_slug": center.slug}))
    assert listing.status_code == 200
    url = reverse("reporting:monthly-detail", kwargs={"center_slug": center.slug, "year": last.year,
                                                      "month": last.number})
    assert url in listing.content.decode()
    page = client.get(url)
    assert page.status_code == 200 and "Submit to the county" in page.content.decode()
    response = client.post(url, {"notes": "گزارش ماه", "submit": "1"})
    assert response.status_code == 302
    with _in_scope(center):
        assert MonthlyReport.objects.get(center=center).status == "submitted"
    assert "The figures as submitted" in client.get(url).content.decode()
    assert client.get(reverse("reporting:monthly-detail", kwargs={"center_slug": center.slug, "year": 1404,
                                                                  "month": 13})).status_code == 404
    outsider = unit["world"].trustee(unit["world"].center())
    login(client, outsider)
    assert client.get(url).status_code == 404
    assert client.post(url, {"notes": "x", "submit": "1"}).status_code == 404


def test_supervisor_admin_lists_who_has_not_submitted_and_registers(client, unit):
    center, last = unit["center"], unit["last"]
    late = unit["world"].center(county=center.county, name="مرکز نیکوکاری دیرکرد")
    with _in_scope(center):
        report = monthly.monthly_report_save(actor=_actor(unit["chair"]), center=center, year=last.year,
                                             month=last.number, notes="", submit=True)
    login(client, unit["county_sup"])
    overdue = client.get(reverse("admin:reporting_monthlyreport_overdue"))
    assert overdue.status_code == 200
    body = overdue.content.decode()
    assert center.name in body  # waiting for this supervisor's registration
    if monthly.due_date(last.year, last.number) < timezone.localdate():
        assert late.name in body
    response = client.post(reverse("admin:reporting_monthlyreport_changelist"),
                           {"action": "register", "_selected_action": [report.pk]})
    assert response.status_code == 302
    with _in_scope(center):
        assert MonthlyReport.objects.get(pk=report.pk).status == "county_registered"


def test_supervisor_admin_asks_for_a_region_report_and_an_outsider_cannot_see_it(client, unit):
    world, center = unit["world"], unit["center"]
    login(client, unit["province_sup"])
    page = client.get(reverse("admin:reporting_reportrun_request"))
    assert page.status_code == 200
    region = f"province:{center.county.province_id}@{world.relief.pk}"
    assert region in page.content.decode()
    response = client.post(reverse("admin:reporting_reportrun_request"),
                           {"kind": "annual", "scope": region, "period": str(Period.last_ended("year"))})
    assert response.status_code == 302
    run = ReportRun.objects.get()
    assert run.scope_key == region and run.requested_by == unit["province_sup"]
    assert client.get(reverse("admin:reporting_reportrun_changelist")).status_code == 200
    login(client, unit["welfare_sup"])
    listing = client.get(reverse("admin:reporting_reportrun_changelist"))
    assert f"/{run.pk}/change/" not in listing.content.decode()
    assert client.get(reverse("admin:reporting_reportrun_pdf", args=[run.pk])).status_code == 404
    refused = client.post(reverse("admin:reporting_reportrun_request"),
                          {"kind": "annual", "scope": region, "period": str(Period.last_ended("year"))})
    assert refused.status_code == 200 and ReportRun.objects.count() == 1  # not one of their scopes
