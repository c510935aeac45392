"""The API: masked identifiers only, only where the caller may see households, writes through the services."""

import pytest
from rest_framework.authtoken.models import Token

from beneficiaries.models import Household
from centers.models import BoardRole
from contributions.tests.conftest import license_center
from core.digits import to_persian_digits

from .helpers import national_code, register

pytestmark = pytest.mark.django_db

CODE = national_code(71)


def _headers(user):
    return {"HTTP_AUTHORIZATION": f"Token {Token.objects.get_or_create(user=user)[0].key}"}


@pytest.fixture
def household(center, vice_chair):
    return register(center, vice_chair, head_code=CODE, head_first="شهلا", mobile="09137654321")


def test_list_and_detail_show_masked_identifiers_only(client, world, center, vice_chair, household):
    headers = _headers(vice_chair)
    listing = client.get("/api/v1/households/", **headers)
    assert listing.status_code == 200
    body = listing.content.decode()
    item = listing.json()["results"][0]
    assert item["center"] == center.pk and item["head"]["first_name"] == "شهلا"
    assert item["head"]["national_code_masked"] == CODE[:4] + "***" + CODE[-3:]
    assert item["mobile_masked"] == "0913****321"
    assert CODE not in body and "09137654321" not in body and "ciphertext" not in body and "v1." not in body
    detail = client.get(f"/api/v1/households/{household.pk}/", **headers)
    assert detail.status_code == 200 and CODE not in detail.content.decode()


def test_donor_relations_token_sees_no_household_and_outsider_gets_404(client, world, center, household):
    donor_officer = world.trustee(center, BoardRole.DONOR_RELATIONS_MEN)
    assert client.get("/api/v1/households/", **_headers(donor_officer)).json()["count"] == 0
    assert client.get(f"/api/v1/households/{household.pk}/", **_headers(donor_officer)).status_code == 404
    assert client.get("/api/v1/assessments/", **_headers(donor_officer)).json()["count"] == 0
    outsider = world.trustee(license_center(world.center()), BoardRole.CHAIR)
    assert client.get(f"/api/v1/households/{household.pk}/", **_headers(outsider)).status_code == 404
    response = client.post("/api/v1/assessments/", {"household": household.pk, "category": "debt", "severity": 3,
                                                     "evidence": "x", "assessed_on": "2025-01-01"},
                           content_type="application/json", **_headers(outsider))
    assert response.status_code == 404


def test_register_and_assess_through_the_api(client, world, center, vice_chair):
    headers = _headers(vice_chair)
    response = client.post("/api/v1/households/", {
        "center": center.pk, "county": center.county_id, "address": "کاشان، محله فین", "housing": "homeless",
        "consent_on": "2025-02-01", "mobile": "۰۹۱۳۱۲۳۴۵۶۷",
        "head": {"first_name": "رحیم", "last_name": "باقری", "national_code": to_persian_digits(national_code(72)),
                 "gender": "male", "birth_date": "1970-01-01"},
        "members": [{"first_name": "سمانه", "last_name": "باقری", "relation": "child", "gender": "female",
                     "birth_date": "2012-04-01", "is_orphan": False}],
    }, content_type="application/json", **headers)
    assert response.status_code == 201, response.content
    data = response.json()
    assert len(data["members"]) == 2 and national_code(72) not in response.content.decode()
    assessed = client.post("/api/v1/assessments/", {"household": data["id"], "category": "housing", "severity": 5,
                                                    "evidence": "بدون سرپناه", "assessed_on": "2025-03-01"},
                           content_type="application/json", **headers)
    assert assessed.status_code == 201, assessed.content
    assert client.get(f"/api/v1/households/{data['id']}/", **headers).json()["priority_score"] > data["priority_score"]


def test_bad_input_is_a_400_and_stores_nothing(client, world, center, vice_chair):
    headers = _headers(vice_chair)
    for body in ({"center": center.pk, "county": center.county_id, "address": "x", "housing": "rented",
                  "consent_on": "2999-01-01", "head": {"first_name": "a", "last_name": "b",
                                                       "national_code": national_code(73), "gender": "male",
                                                       "birth_date": "1970-01-01"}},
                 {"center": center.pk, "county": 0, "address": "x", "housing": "rented", "consent_on": "2025-01-01",
                  "head": {"first_name": "a", "last_name": "b", "national_code": "1111111111", "gender": "male",
                           "birth_date": "1970-01-01"}}):
        response = client.post("/api/v1/households/", body, content_type="application/json", **headers)
        assert response.status_code == 400, response.content
    from django_scopes import scopes_disabled

    with scopes_disabled():
        assert not Household.objects.exists()
