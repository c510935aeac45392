"""Donors API: lists only the caller's centers' donors (each once, with a center), searches, registers and
edits through the services, merges, and answers a foreign donor with 404."""

import pytest
from django_scopes import scope, scopes_disabled
from rest_framework.authtoken.models import Token

from centers.models import BoardRole
from contributions.models import Contribution
from contributions.services.gifts import contribution_record_cash
from core.digits import to_persian_digits
from donors import services
from donors.models import Donor, DonorMerge

from .conftest import YESTERDAY, a_national_code

pytestmark = pytest.mark.django_db


def _headers(user):
    return {"HTTP_AUTHORIZATION": f"Token {Token.objects.get_or_create(user=user)[0].key}"}


def _make(center, **fields):
    with scope(center=[center.pk]):
        fields.setdefault("first_name", "علی")
        fields.setdefault("last_name", "رضایی")
        return services.donor_create(center=center, **fields)


def test_list_and_search_show_only_linked_donors_once_each(client, world, center, other_center):
    chair = world.trustee(center, BoardRole.CHAIR)
    world.trustee(other_center, BoardRole.CHAIR, user=chair)  # chair of both
    shared = _make(center, national_code=a_national_code(), mobile="09121234567")
    _make(other_center, national_code=shared.national_code)  # linked to both centers
    _make(other_center, first_name="مریم")
    response = client.get("/api/v1/donors/", **_headers(chair))
    assert response.status_code == 200
    results = response.json()["results"]
    assert sorted(r["id"] for r in results).count(shared.pk) == 1 and len(results) == 2
    assert {r["center"] for r in results if r["id"] == shared.pk} == {min(center.pk, other_center.pk)}
    found = client.get("/api/v1/donors/", {"search": "۰۹۱۲۱۲۳۴۵۶۷"}, **_headers(chair)).json()["results"]
    assert [r["id"] for r in found] == [shared.pk]
    only_center = client.get("/api/v1/donors/", {"center": other_center.pk}, **_headers(chair)).json()["results"]
    assert len(only_center) == 2


def test_a_foreign_donor_is_404(client, world, center, other_center):
    chair = world.trustee(center, BoardRole.CHAIR)
    theirs = _make(other_center)
    assert client.get(f"/api/v1/donors/{theirs.pk}/", **_headers(chair)).status_code == 404
    assert client.patch(f"/api/v1/donors/{theirs.pk}/", {"first_name": "x"}, content_type="application/json",
                        **_headers(chair)).status_code == 404


def test_create_update_and_validation_through_the_services(client, world, center, other_center):
    chair = world.trustee(center, BoardRole.CHAIR)
    headers = _headers(chair)
    code = a_national_code()
    created = client.post("/api/v1/donors/", {"register_at": center.pk, "kind": "person", "first_name": "زهرا",
                                              "national_code": to_persian_digits(code), "mobile": "+98 912 123 4567",
                                              "consent": True},
                          content_type="application/json", **headers)
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["national_code"], body["mobile"], body["center"]) == (code, "09121234567", center.pk)
    assert body["consent_at"]
    bad = client.post("/api/v1/donors/", {"register_at": center.pk, "first_name": "x", "national_code": "1111111111"},
                      content_type="application/json", **headers)
    assert bad.status_code == 400
    foreign = client.post("/api/v1/donors/", {"register_at": other_center.pk, "first_name": "x"},
                          content_type="application/json", **headers)
    assert foreign.status_code == 404
    patched = client.patch(f"/api/v1/donors/{body['id']}/", {"last_name": "موسوی", "consent": False},
                           content_type="application/json", **headers)
    assert patched.status_code == 200, patched.json()
    assert patched.json()["last_name"] == "موسوی" and patched.json()["consent_at"] is None


def test_merge_action_moves_gifts_and_needs_manage_donors(client, world, center):
    chair = world.trustee(center, BoardRole.CHAIR)
    vice = world.trustee(center, BoardRole.VICE_CHAIR)
    kept = _make(center, national_code=a_national_code())
    dup = _make(center, mobile="09121234567")
    with scope(center=[center.pk]):
        contribution_record_cash(center=center, purpose="general", amount=10_000, received_on=YESTERDAY, donor=dup)
    url = f"/api/v1/donors/{kept.pk}/merge/"
    assert client.post(url, {"merged": dup.pk}, content_type="application/json", **_headers(vice)).status_code == 403
    response = client.post(url, {"merged": dup.pk, "reason": "تکراری"}, content_type="application/json",
                           **_headers(chair))
    assert response.status_code == 200, response.json()
    assert response.json()["moved"] == {"contributions.Contribution": 1}
    with scopes_disabled():
        assert Contribution.objects.get().donor_id == kept.pk
        assert Donor.objects.get(pk=dup.pk).merged_into_id == kept.pk
        assert DonorMerge.objects.count() == 1
    again = client.post(url, {"merged": dup.pk}, content_type="application/json", **_headers(chair))
    assert again.status_code == 400
    listed = client.get("/api/v1/donors/", **_headers(chair)).json()["results"]
    assert [r["id"] for r in listed] == [kept.pk]
    assert client.get(f"/api/v1/donors/{dup.pk}/", **_headers(chair)).json()["merged_into"] == kept.pk
