"""The reports dashboards: the supervisor's region in the admin, a center's own for its board.

What needs attention (licenses near expiry, perishables near expiry, complaints past their deadline) is listed
for the region and nothing outside it; outsiders get 404; figures and charts come from the rollups.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from centers.models import BoardRole, Complaint, County, License
from conftest import login
from contributions import services
from contributions.services import GoodsLine
from contributions.tests.conftest import license_center
from core.digits import to_persian_digits
from reporting import dashboard as selectors
from reporting.periods import Period
from reporting.scope import Scope

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def _days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


def _license_ending(center, days: int) -> License:
    with scopes_disabled():
        License.objects.filter(center=center).delete()
        return License.objects.create(center=center, activity_code=f"E-{center.pk}", valid_from=_days(-300),
                                      valid_until=_days(days))


def _perishable(center, *, expires_in: int, value: int = 50_000, quantity: str = "10"):
    with scope(center=[center.pk]):
        gift = services.contribution_record(
            center=center, kind="in_kind", purpose="food", received_on=TODAY,
            goods=[GoodsLine(category="food", description="شیر", unit="kg", quantity=Decimal(quantity),
                             unit_value=value, perishable=True, expires_on=_days(expires_in))])
        services.contribution_confirm(contribution=gift, user=None)


def _complaint(center, *, overdue_days: int, code: str) -> Complaint:
    with scopes_disabled():
        return Complaint.objects.create(center=center, tracking_code=code, complainant_kind="public",
                                        text="شکایت", deadline=timezone.now() - datetime.timedelta(days=overdue_days))


@pytest.fixture
def region(world):
    """Two centers of the relief committee in Isfahan (one per county if possible), one in another province,
    and their alerts."""
    isfahan = world.county()
    other_county = County.objects.filter(province=isfahan.province).exclude(pk=isfahan.pk).first() or isfahan
    elsewhere = County.objects.exclude(province=isfahan.province).first()
    near = license_center(world.center(county=isfahan, name="مرکز نیکوکاری بهار"))
    far = license_center(world.center(county=other_county, name="مرکز نیکوکاری مهر"))
    foreign = license_center(world.center(county=elsewhere, name="مرکز نیکوکاری بیرونی"))
    _license_ending(near, 12)
    _license_ending(foreign, 5)
    _perishable(far, expires_in=3, value=40_000)
    _perishable(far, expires_in=5, value=10_000)
    _perishable(near, expires_in=60)  # not near expiry
    _perishable(foreign, expires_in=2)
    _complaint(near, overdue_days=3, code="DASH000001")
    _complaint(foreign, overdue_days=3, code="DASH000002")
    with scopes_disabled():
        Complaint.objects.create(center=far, tracking_code="DASH000003", complainant_kind="public", text="شکایت",
                                 deadline=timezone.now() + datetime.timedelta(days=3))  # not late yet
    return {"isfahan": isfahan, "near": near, "far": far, "foreign": foreign}


def test_alerts_list_only_the_regions_centers(region):
    province = Scope("province", region["isfahan"].province_id)
    everyone = [c.pk for c in (region["near"], region["far"], region["foreign"])]
    with scope(center=everyone):
        licenses = selectors.licenses_near_expiry(province, today=TODAY)
        perishables = selectors.perishables_near_expiry(province, today=TODAY)
        complaints = selectors.complaints_past_deadline(province, now=timezone.now())
    assert [row["center"].pk for row in licenses.rows] == [region["near"].pk]
    assert licenses.rows[0]["days_left"] == 12
    assert [(row["center_id"], row["lots"], row["value"], row["first_expiry"]) for row in perishables.rows] == [
        (region["far"].pk, 2, 10 * 40_000 + 10 * 10_000, _days(3))]
    assert [c.tracking_code for c in complaints.rows] == ["DASH000001"]
    assert not (licenses.more or perishables.more or complaints.more)


def test_overdue_monthly_reports_leave_out_submitted_ones_and_other_regions(region):
    from reporting.models import MonthlyReport

    province = Scope("province", region["isfahan"].province_id)
    everyone = [c.pk for c in (region["near"], region["far"], region["foreign"])]
    with scope(center=everyone):
        before = selectors.overdue_monthly_reports(province, today=TODAY)
    late = {row["center_id"] for row in before.rows}
    assert late == {region["near"].pk, region["far"].pk}
    # The same rule and order as the monthly report's own list of overdue reports (reporting.monthly).
    from reporting.monthly import overdue_reports

    with scope(center=everyone):
        full = overdue_reports(province, today=TODAY)
    keys = ("center_id", "period", "due", "days_late", "status")
    assert [tuple(r[k] for k in keys) for r in before.rows] == [tuple(r[k] for k in keys) for r in full]
    assert all(row["days_late"] > 0 for row in before.rows)
    with scopes_disabled():
        for row in before.rows:
            if row["center_id"] == region["near"].pk:
                MonthlyReport.objects.create(center=region["near"], year=row["year"], month=row["month"],
                                             status=MonthlyReport.Status.SUBMITTED, submitted_at=timezone.now())
    with scope(center=everyone):
        after = selectors.overdue_monthly_reports(province, today=TODAY)
    assert {row["center_id"] for row in after.rows} == {region["far"].pk}


def test_alerts_are_limited_to_the_open_scope(region):
    """The request's tenant scope still applies: a scope naming the province shows only the actor's centers."""
    province = Scope("province", region["isfahan"].province_id)
    with scope(center=[region["far"].pk]):
        assert selectors.licenses_near_expiry(province, today=TODAY).rows == []
        assert selectors.complaints_past_deadline(province, now=timezone.now()).rows == []
        assert len(selectors.perishables_near_expiry(province, today=TODAY).rows) == 1


def test_a_long_list_says_there_is_more(world):
    centers = [license_center(world.center()) for _ in range(selectors.LIST_LIMIT + 2)]
    for index, center in enumerate(centers):
        _complaint(center, overdue_days=index + 1, code=f"MORE{index:06d}")
    with scope(center=[c.pk for c in centers]):
        listing = selectors.complaints_past_deadline(Scope("county", centers[0].county_id), now=timezone.now())
    assert len(listing.rows) == selectors.LIST_LIMIT and listing.more
    # The longest overdue first.
    assert listing.rows[0].tracking_code == f"MORE{len(centers) - 1:06d}"


def test_headline_cards_show_change_and_direction():
    cards = selectors.headline_cards({
        "received": {"value": 1_200_000_000, "previous": 1_000_000_000, "change": 20.0},
        "aid": {"value": 500, "previous": 1000, "change": -50.0},
        "households_served": {"value": 7, "previous": 0, "change": None},
        "donors": {"value": 0, "previous": 0, "change": None},
    })
    by_key = {card["key"]: card for card in cards}
    assert by_key["received"]["direction"] == "up" and by_key["received"]["change"] == "+۲۰\u066a"
    assert by_key["aid"]["direction"] == "down" and by_key["aid"]["change"] == "-۵۰\u066a"
    assert by_key["households_served"]["direction"] == "new"
    assert by_key["donors"]["direction"] == "flat"
    assert by_key["households_served"]["value"] == to_persian_digits(7)


# -- pages ------------------------------------------------------------------------------------------------------


def test_supervisor_sees_their_regions_dashboard(client, world, region):
    supervisor = world.supervisor(level="province")
    login(client, supervisor)
    response = client.get(reverse("admin:reports-dashboard"))
    assert response.status_code == 200
    page = response.content.decode()
    assert region["near"].name in page  # license near expiry and complaint past deadline
    assert region["far"].name in page  # perishables
    assert region["foreign"].name not in page
    with scopes_disabled():
        license_pk = License.objects.get(center=region["near"]).pk
    assert reverse("admin:centers_license_change", args=[license_pk]) in page
    assert reverse("contributions:stock", kwargs={"center_slug": region["far"].slug}) in page
    assert reverse("admin:reporting_monthlyreport_overdue") in page
    assert reverse("reporting:monthly-list", kwargs={"center_slug": region["far"].slug}) in page
    assert 'class="chart chart-line"' in page and 'class="chart chart-hbar"' in page
    # Offered from the admin index.
    assert reverse("admin:reports-dashboard") in client.get(reverse("admin:index")).content.decode()


def test_supervisor_of_another_region_gets_404_for_this_one(client, world, region):
    elsewhere = region["foreign"].county
    outsider = world.supervisor(level="province", province=elsewhere.province)
    login(client, outsider)
    url = reverse("admin:reports-dashboard")
    assert client.get(url, {"scope": f"province:{region['isfahan'].province_id}"}).status_code == 404
    assert client.get(url, {"scope": f"center:{region['near'].pk}"}).status_code == 404
    own = client.get(url)
    assert own.status_code == 200
    assert region["near"].name not in own.content.decode()
    assert region["foreign"].name in own.content.decode()
    assert client.get(url, {"period": "not-a-period"}).status_code == 404


def test_supervisor_of_another_organisation_sees_none_of_these_centers(client, world, region):
    """Same province, other organisation: the lists are read without the tenant filter, so the scope's
    organisation must narrow them."""
    welfare = world.supervisor(level="province", organization=world.welfare)
    login(client, welfare)
    response = client.get(reverse("admin:reports-dashboard"))
    assert response.status_code == 200
    page = response.content.decode()
    for key in ("near", "far", "foreign"):
        assert region[key].name not in page
    assert "DASH000001" not in page


def test_trustee_sees_their_centers_dashboard_and_outsider_gets_404(client, world, region):
    chair = world.trustee(region["near"], role=BoardRole.CHAIR)
    login(client, chair)
    url = reverse("reporting:center-dashboard", kwargs={"center_slug": region["near"].slug})
    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert "DASH000001" in page or to_persian_digits("DASH000001") in page
    assert reverse("centers:center-license", kwargs={"center_slug": region["near"].slug}) in page
    assert region["far"].name not in page
    # The center's menu leads here.
    detail = client.get(reverse("centers:center-detail", kwargs={"center_slug": region["near"].slug}))
    assert url in detail.content.decode()
    other = reverse("reporting:center-dashboard", kwargs={"center_slug": region["far"].slug})
    assert client.get(other).status_code == 404


def test_trustees_have_no_admin_dashboard(client, world, region):
    login(client, world.trustee(region["near"]))
    assert client.get(reverse("admin:reports-dashboard")).status_code == 302  # the admin sends them away


def test_period_choice_is_kept_and_future_is_404(client, world, region):
    login(client, world.trustee(region["near"]))
    url = reverse("reporting:center-dashboard", kwargs={"center_slug": region["near"].slug})
    last_quarter = Period.last_ended("quarter")
    page = client.get(url, {"period": str(last_quarter)}).content.decode()
    assert last_quarter.label() in page
    future = Period.current("year").next()
    assert client.get(url, {"period": str(future)}).status_code == 404
