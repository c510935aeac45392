"""The public pages: who is listed, what the figures say, campaigns, the calendar, and the board's story."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from centers.models import BoardRole, Center
from conftest import login
from contributions.models import Campaign
from contributions.services import gifts, spend
from contributions.tests.conftest import license_center
from core import jalali
from public import occasions

pytestmark = pytest.mark.django_db


def _page(client, name, **kwargs):
    response = client.get(reverse(name, kwargs=kwargs or None))
    return response, response.content.decode()


def test_directory_lists_only_centers_with_a_current_license(client, world):
    listed = license_center(world.center(name="مرکز نیکوکاری مسجد جامع"))
    unlicensed = world.center(name="مرکز نیکوکاری بی‌مجوز")  # status licensed but no license row
    suspended = license_center(world.center(name="مرکز نیکوکاری تعلیق‌شده"))
    revoked = license_center(world.center(name="مرکز نیکوکاری لغوشده"))
    applying = license_center(world.center(name="مرکز نیکوکاری درخواست‌دهنده", status=Center.Status.APPLICATION))
    with scopes_disabled():
        Center.objects.filter(pk=suspended.pk).update(status=Center.Status.SUSPENDED)
        Center.objects.filter(pk=revoked.pk).update(status=Center.Status.REVOKED)
    response, body = _page(client, "public:center-directory")
    assert response.status_code == 200
    assert listed.name in body
    for hidden in (unlicensed, suspended, revoked, applying):
        assert hidden.name not in body
        assert client.get(reverse("public:center-page", kwargs={"slug": hidden.slug})).status_code == 404


def test_directory_search_by_name_province_and_county(client, world):
    isfahan = license_center(world.center(name="مرکز نیکوکاری چهارباغ"))
    tehran = license_center(world.center(name="مرکز نیکوکاری ونک", county=world.county("تهران", "تهران")))
    body = client.get(reverse("public:center-directory"), {"q": "ونک"}).content.decode()
    assert tehran.name in body and isfahan.name not in body
    # Persian digits in the province number are understood.
    from core.digits import to_persian_digits

    province = tehran.county.province_id
    body = client.get(reverse("public:center-directory"),
                      {"province": to_persian_digits(province)}).content.decode()
    assert tehran.name in body and isfahan.name not in body
    body = client.get(reverse("public:center-directory"),
                      {"province": isfahan.county.province_id, "county": isfahan.county_id}).content.decode()
    assert isfahan.name in body and tehran.name not in body
    # Nonsense filters are a form error, not a 500, and list nothing wrongly.
    assert client.get(reverse("public:center-directory"), {"province": "x'; drop"}).status_code == 200


def test_center_page_shows_this_years_confirmed_figures_only(client, world):
    center = license_center(world.center(name="مرکز نیکوکاری شفاف"))
    today = timezone.localdate()
    last_year = jalali.JalaliPeriod.containing(today, "year").previous().start
    with scope(center=[center.pk]):
        gifts.contribution_record_cash(center=center, purpose="general", amount=7_000_000, received_on=today)
        gifts.contribution_record_cash(center=center, purpose="zakat", amount=3_000_000, received_on=today)
        gifts.contribution_record(center=center, kind="cash", purpose="general", amount=50_000_000,
                                  received_on=today)  # recorded, never confirmed: not a figure yet
        gifts.contribution_record_cash(center=center, purpose="general", amount=11_111_111,
                                       received_on=last_year)  # last Jalali year
        spend(center=center, purpose="zakat", amount=2_000_000, aid_purpose="zakat", occurred_on=today)
    response, body = _page(client, "public:center-page", slug=center.slug)
    assert response.status_code == 200
    figures = response.context["figures"]
    assert figures.received_total == 10_000_000
    assert [amount for _label, amount in figures.received_by_kind] == [10_000_000]
    by_purpose = {amount for _label, amount in figures.received_by_purpose}
    assert by_purpose == {7_000_000, 3_000_000}
    assert figures.aid_total == 2_000_000
    assert "۱۰٬۰۰۰٬۰۰۰" in body  # Persian digits and separators on the page


def test_center_page_shows_the_story_the_board_wrote(client, world):
    center = license_center(world.center())
    chair = world.trustee(center, BoardRole.CHAIR)
    login(client, chair)
    url = reverse("public:story-edit", kwargs={"center_slug": center.slug})
    assert client.get(url).status_code == 200
    response = client.post(url, {"story": "ما از سال ۱۳۹۰ در کنار همسایه‌ها هستیم."})
    assert response.status_code == 302
    client.logout()
    body = client.get(reverse("public:center-page", kwargs={"slug": center.slug})).content.decode()
    assert "ما از سال ۱۳۹۰ در کنار همسایه‌ها هستیم." in body


def test_story_is_written_only_by_those_who_edit_the_profile(client, world):
    center = license_center(world.center())
    officer = world.trustee(center, BoardRole.DONOR_RELATIONS_MEN)
    login(client, officer)
    url = reverse("public:story-edit", kwargs={"center_slug": center.slug})
    assert client.post(url, {"story": "x"}).status_code == 403
    chair = world.trustee(center, BoardRole.CHAIR)
    login(client, chair)
    response = client.post(url, {"story": "ب" * 4001})
    assert response.status_code == 200
    assert response.context["form"].errors


def test_campaign_page_shows_goal_progress_and_time_left(client, world):
    center = license_center(world.center())
    today = timezone.localdate()
    campaign = Campaign.objects.create(organization=world.relief, occasion="ramadan", name="افطاری ماه رمضان",
                                       starts_on=today - datetime.timedelta(days=5),
                                       ends_on=today + datetime.timedelta(days=9), goal_amount=40_000_000)
    campaign.centers.add(center)
    with scope(center=[center.pk]):
        gifts.contribution_record_cash(center=center, purpose="general", amount=10_000_000, received_on=today,
                                       campaign=campaign)
    response, body = _page(client, "public:campaign-page", campaign_id=campaign.pk)
    assert response.status_code == 200
    progress = response.context["progress"]
    assert (progress.raised, progress.percent, progress.days_left, progress.state) == (10_000_000, 25, 10, "running")
    assert center.name in body and 'max="100" value="25"' in body
    assert client.get(reverse("public:campaign-page", kwargs={"campaign_id": 999999})).status_code == 404


def test_occasions_of_a_year_in_order_with_lunar_dates_marked_approximate():
    year = occasions.occasions_of_year(1405)
    names = [o.name for o in year]
    assert year[0].starts_on == datetime.date(2026, 3, 21)  # Nowruz 1405
    assert [o.starts_on for o in year] == sorted(o.starts_on for o in year)
    ramadan = next(o for o in year if o.lunar and o.ends_on - o.starts_on >= datetime.timedelta(days=28))
    assert jalali.JalaliPeriod.for_year(1405).contains(ramadan.starts_on) and ramadan.approximate
    assert len(names) == len(set(names))
    assert all(not o.approximate for o in year if not o.lunar)


def test_occasion_calendar_page_accepts_persian_digits_and_bad_years(client):
    assert client.get(reverse("public:occasions"), {"year": "۱۴۰۵"}).status_code == 200
    assert client.get(reverse("public:occasions"), {"year": "abc"}).status_code == 200
    response = client.get(reverse("public:occasions"), {"year": "9999"})
    assert response.status_code == 200
    assert response.context["year"] <= jalali.to_jalali(timezone.localdate()).year + 1


def test_anonymous_visitors_share_a_cached_copy_per_language_and_staff_never_do(client, world, settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 60
    center = license_center(world.center(name="مرکز نیکوکاری پرمراجعه"))
    url = reverse("public:center-page", kwargs={"slug": center.slug})
    first = client.get(url)
    assert first["X-Public-Cache"] == "miss"
    second = client.get(url)
    assert second["X-Public-Cache"] == "hit" and second.content == first.content
    assert second["Content-Security-Policy"] == first["Content-Security-Policy"]
    assert "Set-Cookie" not in second.headers
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(url)
    assert english["X-Public-Cache"] == "miss" and english["Content-Language"] == "en"
    # A signed-in trustee always gets the live page.
    login(client, world.trustee(center, BoardRole.CHAIR))
    assert "X-Public-Cache" not in client.get(url).headers
    # A 404 is never stored.
    client.logout()
    missing = reverse("public:center-page", kwargs={"slug": "no-such-center"})
    assert client.get(missing).status_code == 404
    assert client.get(missing).status_code == 404 and "X-Public-Cache" not in client.get(missing).headers


def test_a_new_story_is_shown_at_once_despite_the_cache(client, world, settings,
                                                        django_capture_on_commit_callbacks):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 60
    center = license_center(world.center())
    url = reverse("public:center-page", kwargs={"slug": center.slug})
    client.get(url)
    assert client.get(url)["X-Public-Cache"] == "hit"
    from centers.access import actor_for
    from public.services import public_story_update

    chair = world.trustee(center, BoardRole.CHAIR)
    with django_capture_on_commit_callbacks(execute=True), scope(center=[center.pk]):
        public_story_update(actor=actor_for(chair, second_factor_passed=True), center=center,
                            story="داستان تازهٔ مرکز")
    response = client.get(url)
    assert response["X-Public-Cache"] == "miss" and "داستان تازهٔ مرکز" in response.content.decode()


def test_households_served_counts_each_household_once_and_never_a_reversed_aid(client, world):
    from beneficiaries.models import AidDistribution
    from beneficiaries.services import distributions
    from beneficiaries.tests.helpers import national_code, register
    from centers.access import actor_for

    center = license_center(world.center())
    chair = world.trustee(center, BoardRole.CHAIR)
    actor = actor_for(chair, second_factor_passed=True)
    today = timezone.localdate()
    first = register(center, chair, head_code=national_code(901), head_first="رعنا", head_last="نهانی")
    second = register(center, chair, head_code=national_code(902), head_first="سارا", head_last="پنهان")
    with scope(center=[center.pk]):
        gifts.contribution_record_cash(center=center, purpose="food", amount=9_000_000, received_on=today)
        given = [distributions.distribution_record_cash(actor=actor, household=household, purpose="food",
                                                        amount=1_000_000, occurred_on=today)
                 for household in (first, first, second)]
        distributions.distribution_reverse(actor=actor, distribution=given[2], reason="ثبت اشتباه")
        assert AidDistribution.objects.filter(status=AidDistribution.Status.REVERSED).count() == 1
    response, body = _page(client, "public:center-page", slug=center.slug)
    figures = response.context["figures"]
    assert figures.households_served == 1
    assert figures.aid_total == 2_000_000  # the reversal took its money off the aid account too
    for secret in ("رعنا", "نهانی", "سارا", "پنهان", national_code(901)):
        assert secret not in body
