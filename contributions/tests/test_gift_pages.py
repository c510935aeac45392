"""The trustees' gift pages: the quick cash form (Persian digits, separators, donor by mobile or national
code), record-only versus record-and-confirm by role, in-kind / service / construction forms, the list with
its filters and totals, confirm and reverse, campaigns, the admin, and the outsider's 404."""

import datetime

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from centers.models import BoardRole
from conftest import login
from contributions import services
from contributions.forms import parse_amount
from contributions.models import Campaign, Contribution, LedgerTransaction, Purpose
from contributions.tests.conftest import license_center
from core.jalali import format_jalali
from donors.models import Donor, DonorLink

TODAY = timezone.localdate()


def _url(name, center, **kwargs):
    return reverse(f"contributions:{name}", kwargs={"center_slug": center.slug, **kwargs})


def _english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _gifts(center):
    with scope(center=[center.pk]):
        return list(Contribution.objects.filter(center=center).order_by("pk"))


def _quick(client, center, **fields):
    with scopes_disabled():
        zakat = Purpose.objects.get(code="zakat").pk
    data = {"amount": "۲٬۵۰۰٬۰۰۰", "purpose": zakat, "channel": "in_person", "donor": "", "anonymous": "on",
            "received_on": format_jalali(TODAY)}
    data.update(fields)
    return client.post(_url("gift-quick", center), {k: v for k, v in data.items() if v is not None}, follow=True)


@pytest.fixture
def chair(world, center):
    return world.trustee(center, BoardRole.CHAIR)


@pytest.fixture
def recorder(world, center):
    """A donor relations officer: records gifts, does not confirm them."""
    return world.trustee(center, BoardRole.DONOR_RELATIONS_MEN)


@pytest.fixture
def donor(world):
    with scopes_disabled():
        return Donor.objects.create(organization=world.relief, first_name="مریم", last_name="احمدی",
                                    national_code="0499370899", mobile="09121234567")


@pytest.mark.parametrize("typed", ["۲٬۵۰۰٬۰۰۰", "2,500,000", "٢٥٠٠٠٠٠", "۲۵۰۰۰۰۰", " 2500000 ", "۲,۵۰۰,۰۰۰"])
def test_quick_form_stores_integer_rials_from_persian_digits_and_separators(client, center, chair, typed):
    response = _quick(login(client, chair), center, amount=typed)
    assert response.status_code == 200
    [gift] = _gifts(center)
    assert gift.amount == 2_500_000 and isinstance(gift.amount, int)
    assert gift.status == Contribution.Status.CONFIRMED  # the chair may manage finance: recorded and posted
    assert gift.donor is None and gift.purpose.code == "zakat" and gift.received_on == TODAY
    with scope(center=[center.pk]):
        assert services.fund_balances(center=center)["zakat"] == 2_500_000
    page = response.content.decode()
    assert "۲٬۵۰۰٬۰۰۰" in page  # the success message, in Persian digits
    assert _url("gift-detail", center, contribution_id=gift.pk) in page
    # Back to an empty form, the amount field focused for the next gift.
    assert response.redirect_chain[-1][0] == _url("gift-quick", center)
    assert 'name="amount"' in page and "autofocus" in page and 'value="۲٬۵۰۰٬۰۰۰"' not in page


def test_parse_amount_refuses_what_is_not_a_whole_amount():
    assert parse_amount("۱٬۰۰۰") == 1000
    for bad in ("", "abc", "12.5", "-100", "0", "۱۰e۳", "1" * 17):
        with pytest.raises(Exception):  # noqa: B017 - a ValidationError with a translated message
            parse_amount(bad)


def test_record_only_role_leaves_the_gift_for_the_finance_officer(client, center, recorder):
    response = _quick(_english(login(client, recorder)), center)
    assert "recorded; the finance officer will confirm it" in response.content.decode()
    [gift] = _gifts(center)
    assert gift.status == Contribution.Status.RECORDED and gift.ledger_transaction_id is None
    with scope(center=[center.pk]):
        assert LedgerTransaction.objects.filter(center=center).count() == 0


def test_donor_found_by_mobile_in_persian_digits_is_linked_to_the_center(client, world, center, chair, donor):
    other = license_center(world.center())
    with scopes_disabled():
        DonorLink.objects.create(center=other, donor=donor)  # gave elsewhere only: not yet visible here
    _quick(login(client, chair), center, anonymous=None, donor="۰۹۱۲ ۱۲۳ ۴۵۶۷")
    [gift] = _gifts(center)
    assert gift.donor_id == donor.pk
    with scopes_disabled():
        assert DonorLink.objects.filter(center=center, donor=donor).exists()


def test_donor_found_by_national_code(client, center, chair, donor):
    _quick(login(client, chair), center, anonymous=None, donor="۰۴۹۹۳۷۰۸۹۹")
    assert _gifts(center)[0].donor_id == donor.pk


def test_donor_of_another_organisation_is_not_found(client, world, center, chair):
    with scopes_disabled():
        Donor.objects.create(organization=world.welfare, first_name="x", last_name="y", mobile="09127654321")
    response = _quick(_english(login(client, chair)), center, anonymous=None, donor="09127654321")
    assert "No donor has this mobile number or national code" in response.content.decode()
    assert _gifts(center) == []


@pytest.mark.parametrize(("fields", "message"), [
    ({"amount": "12abc"}, "Type the amount in whole rials"),
    ({"amount": "0"}, "The amount must be more than zero."),
    ({"anonymous": None}, "tick “anonymous”"),
    ({"received_on": "1405/13/40"}, "Enter a valid Jalali date"),
    ({"received_on": format_jalali(TODAY + datetime.timedelta(days=3))}, "cannot be in the future"),
])
def test_bad_input_shows_a_translated_error_and_stores_nothing(client, center, chair, fields, message):
    response = _quick(_english(login(client, chair)), center, **fields)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert _gifts(center) == []


def test_bad_input_message_is_persian_by_default(client, center, chair):
    from django.utils import translation

    with translation.override("fa"):
        expected = translation.gettext("The amount must be more than zero.")
    response = _quick(login(client, chair), center, amount="۰")
    assert expected in response.content.decode()
    assert _gifts(center) == []


def test_trustee_without_the_right_to_record_gets_403(client, world, center):
    social = world.trustee(center, BoardRole.SOCIAL_WORK_OFFICER)
    assert _quick(login(client, social), center).status_code == 403
    assert _gifts(center) == []


def test_outsider_gets_404_on_every_gift_page(client, world, center, chair):
    with scope(center=[center.pk]):
        gift = services.contribution_record(center=center, kind="cash", purpose="general", amount=1_000,
                                            received_on=TODAY)
    campaign = Campaign.objects.create(organization=center.organization, occasion="ramadan", name="رمضان",
                                       starts_on=TODAY, ends_on=TODAY)
    campaign.centers.add(center)
    outsider = world.trustee(license_center(world.center()), BoardRole.CHAIR)
    login(client, outsider)
    for name in ("gift-list", "gift-quick", "gift-new-in-kind", "gift-new-service", "gift-new-construction",
                 "campaign-list"):
        assert client.get(_url(name, center)).status_code == 404, name
    for name in ("gift-detail", "gift-confirm", "gift-reverse"):
        assert client.get(_url(name, center, contribution_id=gift.pk)).status_code == 404, name
    for name in ("gift-confirm", "gift-reverse"):
        assert client.post(_url(name, center, contribution_id=gift.pk), {"reason": "x"}).status_code == 404
    assert client.get(_url("campaign-detail", center, campaign_id=campaign.pk)).status_code == 404
    assert client.post(_url("gift-quick", center), {"amount": "1000"}).status_code == 404
    gift.refresh_from_db()
    assert gift.status == Contribution.Status.RECORDED


def test_confirm_and_reverse_through_the_pages(client, center, chair, recorder):
    _quick(login(client, recorder), center, amount="۵۰۰٬۰۰۰")
    [gift] = _gifts(center)
    confirm, reverse_url = (_url("gift-confirm", center, contribution_id=gift.pk),
                            _url("gift-reverse", center, contribution_id=gift.pk))
    assert client.post(confirm).status_code == 403  # the recorder may not confirm
    assert client.post(reverse_url, {"reason": "x"}).status_code == 403
    detail = client.get(_url("gift-detail", center, contribution_id=gift.pk)).content.decode()
    assert confirm not in detail  # no buttons for those who may not use them

    _english(login(client, chair))
    detail = client.get(_url("gift-detail", center, contribution_id=gift.pk)).content.decode()
    assert confirm in detail and reverse_url in detail
    assert client.post(confirm).status_code == 302
    gift.refresh_from_db()
    assert gift.status == Contribution.Status.CONFIRMED and gift.confirmed_by == chair
    detail = client.get(_url("gift-detail", center, contribution_id=gift.pk)).content.decode()
    assert "Cash on hand" in detail and "500,000" in detail  # the postings
    with scope(center=[center.pk]):
        receipt = gift.receipt
    assert _url("receipt-pdf", center, receipt_id=receipt.pk) in detail  # confirming issued the receipt

    response = client.post(reverse_url, {"reason": ""})
    assert response.status_code == 200 and "This field is required" in response.content.decode()
    gift.refresh_from_db()
    assert gift.status == Contribution.Status.CONFIRMED
    response = client.post(reverse_url, {"reason": "ثبت تکراری"}, follow=True)
    gift.refresh_from_db()
    assert gift.status == Contribution.Status.REVERSED and gift.reversal_reason == "ثبت تکراری"
    with scope(center=[center.pk]):
        assert services.fund_balances(center=center)["zakat"] == 0
    page = response.content.decode()
    assert "ثبت تکراری" in page and "reversal" in page


def test_in_kind_form_records_goods_typed_in_persian_digits(client, center, recorder, donor):
    with scopes_disabled():
        food = Purpose.objects.get(code="food").pk
    data = {"purpose": food, "channel": "in_person", "donor": "09121234567", "received_on": format_jalali(TODAY),
            "lines-TOTAL_FORMS": "3", "lines-INITIAL_FORMS": "0", "lines-MIN_NUM_FORMS": "0",
            "lines-MAX_NUM_FORMS": "50",
            "lines-0-category": "food", "lines-0-description": "برنج ایرانی", "lines-0-unit": "kg",
            "lines-0-quantity": "۱۲٫۵", "lines-0-unit_value": "۸۰۰٬۰۰۰", "lines-0-perishable": "on",
            "lines-0-expires_on": format_jalali(TODAY + datetime.timedelta(days=200)),
            "lines-1-category": "clothing", "lines-1-description": "کاپشن زمستانی", "lines-1-unit": "piece",
            "lines-1-quantity": "۴", "lines-1-unit_value": "3,500,000",
            # An untouched row, as a browser sends it: its selects at their first choice, the rest empty.
            "lines-2-category": "food", "lines-2-unit": "piece", "lines-2-description": "", "lines-2-quantity": "",
            "lines-2-unit_value": "", "lines-2-expires_on": ""}
    login(client, recorder)
    with scope(center=[center.pk]):
        DonorLink.objects.create(center=center, donor=donor)
    response = client.post(_url("gift-new-in-kind", center), data)
    assert response.status_code == 302
    [gift] = _gifts(center)
    assert gift.kind == Contribution.Kind.IN_KIND and gift.amount == 10_000_000 + 14_000_000
    with scope(center=[center.pk]):
        assert [(line.description, str(line.quantity)) for line in gift.lines.all()] == [
            ("برنج ایرانی", "12.500"), ("کاپشن زمستانی", "4.000")]
    assert gift.status == Contribution.Status.RECORDED


def test_in_kind_form_without_lines_stores_nothing(client, center, recorder):
    data = {"purpose": 1, "channel": "in_person", "anonymous": "on", "received_on": format_jalali(TODAY),
            "lines-TOTAL_FORMS": "3", "lines-INITIAL_FORMS": "0",
            **{f"lines-{n}-{name}": value for n in range(3) for name, value in (("category", "food"),
                                                                              ("unit", "piece"))}}
    response = _english(login(client, recorder)).post(_url("gift-new-in-kind", center), data)
    assert response.status_code == 200
    assert "at least one line of goods" in response.content.decode()
    assert _gifts(center) == []


def test_service_and_construction_forms(client, center, recorder):
    login(client, recorder)
    with scopes_disabled():
        general = Purpose.objects.get(code="general").pk
    common = {"purpose": general, "channel": "in_person", "anonymous": "on", "received_on": format_jalali(TODAY)}
    response = client.post(_url("gift-new-service", center), {
        **common, "service_type": "medical", "measure": "sessions", "quantity": "۱۲", "value": "۶۰٬۰۰۰٬۰۰۰",
        "description": "ویزیت رایگان"})
    assert response.status_code == 302
    response = client.post(_url("gift-new-construction", center), {
        **common, "form": "donor_built", "facility_type": "housing", "facility_name": "واحد خیرساز",
        "area_m2": "۷۵", "value": "1,800,000,000", "completed_on": format_jalali(TODAY)})
    assert response.status_code == 302
    service, construction = _gifts(center)
    with scope(center=[center.pk]):
        assert service.amount == 60_000_000 and service.service.quantity == 12
        assert construction.amount == 1_800_000_000 and construction.construction.area_m2 == 75
    detail = client.get(_url("gift-detail", center, contribution_id=construction.pk)).content.decode()
    assert "واحد خیرساز" in detail


def test_list_filters_paginates_and_totals(client, center, chair):
    with scope(center=[center.pk]):
        for n in range(3):
            services.contribution_record_cash(center=center, purpose="zakat", amount=1_000 * (n + 1),
                                              received_on=TODAY - datetime.timedelta(days=n * 10))
        services.contribution_record(center=center, kind="cash", purpose="general", amount=50_000,
                                     received_on=TODAY, channel="charity_box")
    _english(login(client, chair))
    url = _url("gift-list", center)
    response = client.get(url)
    assert response.context["totals"] == {"count": 4, "total": 56_000, "confirmed": 6_000, "recorded": 50_000}
    response = client.get(url, {"status": "recorded"})
    assert response.context["totals"]["count"] == 1 and len(response.context["page"]) == 1
    response = client.get(url, {"channel": "charity_box"})
    assert response.context["totals"]["total"] == 50_000
    response = client.get(url, {"date_from": format_jalali(TODAY - datetime.timedelta(days=5))})
    assert response.context["totals"]["count"] == 2
    with scopes_disabled():
        zakat = Purpose.objects.get(code="zakat").pk
    response = client.get(url, {"purpose": zakat, "date_to": format_jalali(TODAY - datetime.timedelta(days=5))})
    assert response.context["totals"]["total"] == 5_000
    assert client.get(url, {"page": "999"}).status_code == 200  # the last page, never an error


def test_campaign_progress_here_and_overall(client, world, center, chair):
    other = license_center(world.center())
    campaign = Campaign.objects.create(organization=center.organization, occasion="charity_celebration",
                                       name="جشن نیکوکاری آزمایشی", starts_on=TODAY - datetime.timedelta(days=5),
                                       ends_on=TODAY, goal_amount=1_000_000)
    campaign.centers.add(center, other)
    with scope(center=[center.pk]):
        services.contribution_record_cash(center=center, purpose="general", amount=200_000, received_on=TODAY,
                                          campaign=campaign)
    with scope(center=[other.pk]):
        services.contribution_record_cash(center=other, purpose="general", amount=300_000, received_on=TODAY,
                                          campaign=campaign)
    login(client, chair)
    response = client.get(_url("campaign-list", center))
    [shown] = response.context["campaigns"]
    assert (shown.raised_here, shown.raised_overall, shown.percent) == (200_000, 500_000, 50)
    page = response.content.decode()
    assert "جشن نیکوکاری آزمایشی" in page and "۵۰۰٬۰۰۰" in page and other.name not in page
    detail = client.get(_url("campaign-detail", center, campaign_id=campaign.pk))
    assert detail.status_code == 200 and "۲۰۰٬۰۰۰" in detail.content.decode()


def test_campaign_of_which_the_center_is_not_part_is_404(client, center, chair):
    campaign = Campaign.objects.create(organization=center.organization, occasion="ramadan", name="دیگر",
                                       starts_on=TODAY, ends_on=TODAY)
    login(client, chair)
    assert client.get(_url("campaign-detail", center, campaign_id=campaign.pk)).status_code == 404


# --- Admin -------------------------------------------------------------------------------------------------

def test_supervisor_creates_a_campaign_for_their_region_and_reads_gifts_only(client, world, center):
    supervisor = world.supervisor(level="province")  # Isfahan, relief committee: ``center`` is theirs
    tehran = world.center(county=world.county("تهران", "تهران"))
    login(client, supervisor)
    add = reverse("admin:contributions_campaign_add")
    page = client.get(add)
    assert page.status_code == 200
    body = page.content.decode()
    assert center.name in body and tehran.name not in body  # only centers of their region to choose from
    response = client.post(add, {"organization": world.relief.pk, "occasion": "charity_celebration",
                                 "name": "جشن نیکوکاری استان", "starts_on": "۱۴۰۵/۰۱/۰۱",
                                 "ends_on": "۱۴۰۵/۱۲/۲۹", "goal_amount": "1000000", "centers": [center.pk]})
    assert response.status_code == 302, response.content.decode()[:2000]
    campaign = Campaign.objects.get(name="جشن نیکوکاری استان")
    with scopes_disabled():
        assert list(campaign.centers.all()) == [center]
    # A center outside the region cannot be chosen.
    response = client.post(add, {"organization": world.relief.pk, "occasion": "ramadan", "name": "x",
                                 "starts_on": "۱۴۰۵/۰۱/۰۱", "ends_on": "۱۴۰۵/۰۱/۰۲", "centers": [tehran.pk]})
    assert response.status_code == 200 and not Campaign.objects.filter(name="x").exists()
    # Another organisation's campaign is not theirs to create.
    response = client.post(add, {"organization": world.welfare.pk, "occasion": "ramadan", "name": "y",
                                 "starts_on": "۱۴۰۵/۰۱/۰۱", "ends_on": "۱۴۰۵/۰۱/۰۲"})
    assert response.status_code == 200 and not Campaign.objects.filter(name="y").exists()

    with scope(center=[center.pk]):
        gift = services.contribution_record_cash(center=center, purpose="general", amount=7_000, received_on=TODAY)
    changelist = client.get(reverse("admin:contributions_contribution_changelist"))
    assert changelist.status_code == 200 and center.name in changelist.content.decode()
    change = reverse("admin:contributions_contribution_change", args=[gift.pk])
    assert client.get(change).status_code == 200
    client.post(change, {"amount": "1", "status": "reversed"})
    gift.refresh_from_db()
    assert (gift.amount, gift.status) == (7_000, Contribution.Status.CONFIRMED)  # money is not edited here


def test_supervisor_editing_a_campaign_keeps_the_centers_outside_their_region(client, world, center):
    supervisor = world.supervisor(level="province")
    tehran = world.center(county=world.county("تهران", "تهران"))
    campaign = Campaign.objects.create(organization=world.relief, occasion="nowruz", name="نوروز",
                                       starts_on=TODAY, ends_on=TODAY)
    campaign.centers.add(tehran)
    login(client, supervisor)
    change = reverse("admin:contributions_campaign_change", args=[campaign.pk])
    assert tehran.name not in client.get(change).content.decode()
    response = client.post(change, {"organization": world.relief.pk, "occasion": "nowruz", "name": "نوروز ۱۴۰۵",
                                    "starts_on": format_jalali(TODAY), "ends_on": format_jalali(TODAY),
                                    "centers": [center.pk]})
    assert response.status_code == 302, response.content.decode()[:3000]
    with scopes_disabled():
        assert set(campaign.centers.all()) == {center, tehran}
    # A campaign of another organisation is not theirs.
    welfare = Campaign.objects.create(organization=world.welfare, occasion="nowruz", name="بهزیستی",
                                      starts_on=TODAY, ends_on=TODAY)
    assert client.get(reverse("admin:contributions_campaign_change", args=[welfare.pk])).status_code in (302, 404)


def test_demo_seeds_the_campaign_and_gifts_once(db, settings, tmp_path):
    from io import StringIO

    from django.core.management import call_command

    settings.DATA_DIR = tmp_path
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())  # idempotent: nothing twice
    with scopes_disabled():
        campaign = Campaign.objects.get(name="جشن نیکوکاری ۱۴۰۵")
        gifts = Contribution.objects.all()
        assert campaign.centers.count() >= 4
        assert gifts.filter(kind="cash").count() >= 40  # other areas (pledges) may add their own
        assert gifts.filter(kind="cash", donor__isnull=True, channel="charity_box").exists()
        assert gifts.filter(status="recorded").count() >= 2
        assert gifts.filter(kind="service").count() >= 3 and gifts.filter(kind="construction").count() >= 2
        assert len(set(gifts.values_list("purpose__code", flat=True))) >= 5
        assert gifts.filter(campaign=campaign, status="confirmed").exists()


def test_purposes_are_managed_by_the_national_administrator_and_read_by_supervisors(client, world):
    admin_user = world.user(is_staff=True, is_superuser=True)
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=admin_user, name="test", confirmed=True)
    login(client, admin_user)
    add = reverse("admin:contributions_purpose_add")
    response = client.post(add, {"code": "mosque_upkeep", "name": "نگهداری مسجد", "restricted": "on"})
    assert response.status_code == 302
    purpose = Purpose.objects.get(code="mosque_upkeep")
    assert purpose.restricted
    change = reverse("admin:contributions_purpose_change", args=[purpose.pk])
    client.post(change, {"name": "نگهداری مساجد", "code": "x", "restricted": ""})
    purpose.refresh_from_db()
    assert (purpose.name, purpose.code, purpose.restricted) == ("نگهداری مساجد", "mosque_upkeep", True)

    supervisor = world.supervisor(level="province")
    login(client, supervisor)
    assert client.get(reverse("admin:contributions_purpose_changelist")).status_code == 200
    assert client.get(add).status_code == 403
    assert client.post(change, {"name": "دیگر"}).status_code == 403
