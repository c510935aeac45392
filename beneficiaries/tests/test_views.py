"""The trustee pages: the prioritised list, a household's file, registering, assessing, revealing."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from beneficiaries.models import Household, IdentifierReveal, Member
from centers.models import BoardRole
from conftest import login
from contributions.tests.conftest import license_center
from core.digits import to_persian_digits

from .helpers import national_code, person, register

pytestmark = pytest.mark.django_db

CODE = national_code(51)


@pytest.fixture
def household(center, vice_chair):
    return register(center, vice_chair, head_code=CODE, head_first="ملیحه", head_last="فرجی",
                    members=[person("علی", code=national_code(52), gender="male", is_orphan=True)])


def _urls(center, household):
    kw = {"center_slug": center.slug, "household_id": household.pk}
    return [reverse("beneficiaries:household-list", kwargs={"center_slug": center.slug}),
            reverse("beneficiaries:household-new", kwargs={"center_slug": center.slug}),
            reverse("beneficiaries:household-find", kwargs={"center_slug": center.slug}),
            *(reverse(f"beneficiaries:{name}", kwargs=kw) for name in
              ("household-detail", "member-new", "assessment-new", "household-close", "identifier-reveal"))]


def test_outsider_gets_404_on_every_page(client, world, center, household):
    outsider = world.trustee(license_center(world.center()), BoardRole.CHAIR)
    login(client, outsider)
    for url in _urls(center, household):
        assert client.get(url).status_code == 404, url
        if not url.endswith(("/households/", f"/{household.pk}/")):  # the list and the file are GET only
            assert client.post(url, {"reason": "کنجکاوی", "national_code": CODE}).status_code == 404, url
    assert not IdentifierReveal.objects.exists()


def test_donor_relations_officer_of_the_same_center_sees_no_household(client, world, center, household):
    login(client, world.trustee(center, BoardRole.DONOR_RELATIONS_WOMEN))
    for url in _urls(center, household):
        response = client.get(url)
        assert response.status_code in (403, 404), url
        assert "ملیحه" not in response.content.decode()


def test_list_is_prioritised_masked_and_filterable(client, world, center, vice_chair, household):
    urgent = register(center, vice_chair, head_code=national_code(53), head_first="کبری", monthly_income=0,
                      housing="homeless", area="rural")
    login(client, vice_chair)
    url = reverse("beneficiaries:household-list", kwargs={"center_slug": center.slug})
    body = client.get(url).content.decode()
    assert body.index("کبری") < body.index("ملیحه")  # higher score first
    assert CODE not in body and "۰۰۰۰۰۰۰۵۱" not in body
    assert to_persian_digits(CODE[:4]) + "***" + to_persian_digits(CODE[-3:]) in body  # masked, Persian digits
    rural = client.get(url, {"area": "rural"}).content.decode()
    assert "کبری" in rural and "ملیحه" not in rural
    assert urgent.pk


def test_list_costs_a_constant_number_of_queries(client, world, center, vice_chair):
    login(client, vice_chair)
    url = reverse("beneficiaries:household-list", kwargs={"center_slug": center.slug})
    register(center, vice_chair, head_code=national_code(60))
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for n in range(61, 71):
        register(center, vice_chair, head_code=national_code(n),
                 members=[person("علی", code=national_code(n + 100), gender="male")])
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few)


def test_detail_shows_masked_codes_and_reveal_is_a_logged_post(client, world, center, vice_chair, household):
    login(client, vice_chair)
    kw = {"center_slug": center.slug, "household_id": household.pk}
    detail = client.get(reverse("beneficiaries:household-detail", kwargs=kw)).content.decode()
    assert "ملیحه" in detail and CODE not in detail
    with scopes_disabled():
        head = Member.objects.get(household=household, relation="head")
    url = reverse("beneficiaries:identifier-reveal", kwargs=kw)
    asked = client.get(url, {"field": "national_code", "member": head.pk})
    assert asked.status_code == 200 and CODE not in asked.content.decode()
    refused = client.post(url, {"field": "national_code", "member": head.pk, "reason": ""})
    assert CODE not in refused.content.decode()
    assert not IdentifierReveal.objects.exists()
    shown = client.post(url, {"field": "national_code", "member": head.pk, "reason": "معرفی به بیمه سلامت"})
    assert shown.status_code == 200
    assert "no-store" in shown["Cache-Control"]
    assert to_persian_digits(CODE) in shown.content.decode()
    with scopes_disabled():
        entry = IdentifierReveal.objects.get()
    assert (entry.revealed_by, entry.member, entry.field) == (vice_chair, head, "national_code")


def test_finance_officer_sees_the_file_but_cannot_reveal_or_register(client, world, center, household):
    login(client, world.trustee(center, BoardRole.FINANCE_OFFICER))
    kw = {"center_slug": center.slug, "household_id": household.pk}
    assert client.get(reverse("beneficiaries:household-detail", kwargs=kw)).status_code == 200
    assert client.post(reverse("beneficiaries:identifier-reveal", kwargs=kw),
                       {"field": "mobile", "reason": "کنجکاوی محض"}).status_code == 403
    assert client.get(reverse("beneficiaries:household-new", kwargs={"center_slug": center.slug})).status_code == 403
    assert not IdentifierReveal.objects.exists()


def _form(**extra):
    data = {"head-first_name": "نسرین", "head-last_name": "امیری", "head-national_code": "۰۰۰۰۰۰۰۸۱" + "۰",
            "head-gender": "female", "head-birth_date": "۱۳۶۰/۰۵/۱۰", "head-education": "primary",
            "head-work_status": "unemployed", "mobile": "۰۹۱۳ ۱۱۱ ۲۲۳۳", "address": "اصفهان، خیابان کاوه",
            "village": "", "area": "urban", "housing": "rented", "monthly_income": "5000000",
            "insurance": "none", "consent": "on", "consent_on": "۱۴۰۴/۰۱/۱۵",
            "members-TOTAL_FORMS": "2", "members-INITIAL_FORMS": "0", "members-MIN_NUM_FORMS": "0",
            "members-MAX_NUM_FORMS": "20",
            "members-0-first_name": "سارا", "members-0-last_name": "امیری", "members-0-relation": "child",
            "members-0-gender": "female", "members-0-birth_date": "۱۳۹۵/۰۲/۰۱", "members-0-education": "primary",
            "members-0-work_status": "student",
            # an untouched extra row: only the defaults the page shows
            "members-1-relation": "", "members-1-gender": "", "members-1-education": "none",
            "members-1-work_status": "unemployed"}
    data.update(extra)
    return data


def test_register_form_creates_the_household_with_its_members(client, world, center, vice_chair):
    from core.validators import national_code_check_digit

    head_code = "000000081" + str(national_code_check_digit("000000081"))
    login(client, vice_chair)
    url = reverse("beneficiaries:household-new", kwargs={"center_slug": center.slug})
    data = _form(**{"head-national_code": head_code, "county": center.county_id})
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    with scopes_disabled():
        household = Household.objects.get()
        assert household.members.count() == 2
        assert household.masked_mobile == "0913****233"
        assert household.consent_on.year == 2025
    # Without consent nothing is stored.
    data = _form(**{"head-national_code": national_code(82), "county": center.county_id})
    del data["consent"]
    assert client.post(url, data).status_code == 400
    with scopes_disabled():
        assert Household.objects.count() == 1


def test_assessment_form_records_and_raises_the_score(client, world, center, vice_chair, household):
    login(client, vice_chair)
    kw = {"center_slug": center.slug, "household_id": household.pk}
    before = household.priority_score
    response = client.post(reverse("beneficiaries:assessment-new", kwargs=kw), {
        "category": "livelihood", "severity": "5", "evidence": "بازدید منزل", "assessed_on": "۱۴۰۴/۰۶/۰۱"})
    assert response.status_code == 302
    with scopes_disabled():
        assert Household.objects.get(pk=household.pk).priority_score == before + 50
    due = client.get(reverse("beneficiaries:household-list", kwargs={"center_slug": center.slug}),
                     {"category": "livelihood", "min_severity": "5"}).content.decode()
    assert "ملیحه" in due
    assert timezone.localdate()
