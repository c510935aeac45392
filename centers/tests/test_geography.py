import pytest

from centers.models import County, Organization, Province

pytestmark = pytest.mark.django_db


def test_migrations_load_all_provinces_and_counties_of_iran():
    assert Province.objects.count() == 31
    assert County.objects.count() == 448
    assert County.objects.filter(province__name="اصفهان").count() == 24
    assert County.objects.get(name="کاشان").province.name == "اصفهان"


def test_both_supervising_organisations_exist():
    assert set(Organization.objects.values_list("code", flat=True)) == {"relief_committee", "welfare"}


def test_reference_data_is_public_in_the_api(client):
    provinces = client.get("/api/v1/provinces/?page_size=100").json()
    assert provinces["count"] == 31
    tehran = next(p for p in provinces["results"] if p["name"] == "تهران")
    counties = client.get(f"/api/v1/counties/?province={tehran['id']}&page_size=100").json()
    assert counties["count"] >= 10
    assert all(c["province"] == tehran["id"] for c in counties["results"])
