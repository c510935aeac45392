"""The gifts API: create of every kind with nested lines, confirm and reverse by role, filters, campaigns,
purposes, translated 400s, and the outsider's 404."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django_scopes import scope, scopes_disabled
from rest_framework.authtoken.models import Token

from centers.models import BoardRole
from contributions import services
from contributions.models import Campaign, Contribution, LedgerTransaction
from contributions.tests.conftest import license_center
from donors.models import Donor

TODAY = timezone.localdate()


def _api(client, user):
    token = Token.objects.create(user=user).key
    client.defaults["HTTP_AUTHORIZATION"] = f"Token {token}"
    client.cookies["django_language"] = "en"
    return client


def _post(client, url, body):
    return client.post(url, body, content_type="application/json")


@pytest.fixture
def chair(world, center):
    return world.trustee(center, BoardRole.CHAIR)


@pytest.fixture
def recorder(world, center):
    return world.trustee(center, BoardRole.DONOR_RELATIONS_WOMEN)


def _cash(center, **extra):
    return {"center": center.pk, "kind": "cash", "purpose": "zakat", "amount": 250_000,
            "received_on": TODAY.isoformat(), **extra}


def test_finance_officer_records_and_confirms_cash_in_one_call(client, center, chair):
    response = _post(_api(client, chair), "/api/v1/contributions/", _cash(center, confirm=True))
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["status"], body["amount"], body["purpose"], body["center"]) == ("confirmed", 250_000, "zakat",
                                                                                center.pk)
    with scope(center=[center.pk]):
        assert services.fund_balances(center=center)["zakat"] == 250_000
        assert LedgerTransaction.objects.filter(reference=f"contribution:{body['id']}").count() == 1


def test_recorder_records_but_may_not_confirm(client, center, recorder):
    _api(client, recorder)
    assert _post(client, "/api/v1/contributions/", _cash(center, confirm=True)).status_code == 403
    response = _post(client, "/api/v1/contributions/", _cash(center))
    assert response.status_code == 201 and response.json()["status"] == "recorded"
    gift_id = response.json()["id"]
    assert _post(client, f"/api/v1/contributions/{gift_id}/confirm/", {}).status_code == 403
    assert _post(client, f"/api/v1/contributions/{gift_id}/reverse/", {"reason": "x"}).status_code == 403
    with scopes_disabled():
        assert Contribution.objects.get(pk=gift_id).status == Contribution.Status.RECORDED


def test_confirm_then_reverse_through_the_api(client, center, recorder, chair):
    gift_id = _post(_api(client, recorder), "/api/v1/contributions/", _cash(center)).json()["id"]
    _api(client, chair)
    response = _post(client, f"/api/v1/contributions/{gift_id}/confirm/", {})
    assert response.status_code == 200 and response.json()["status"] == "confirmed"
    assert response.json()["ledger_transaction"] is not None
    response = _post(client, f"/api/v1/contributions/{gift_id}/reverse/", {})
    assert response.status_code == 400 and "reason" in response.json()
    response = _post(client, f"/api/v1/contributions/{gift_id}/reverse/", {"reason": "   "})
    assert response.status_code == 400
    response = _post(client, f"/api/v1/contributions/{gift_id}/reverse/", {"reason": "واریز برگشت خورد"})
    assert response.status_code == 200 and response.json()["status"] == "reversed"
    response = _post(client, f"/api/v1/contributions/{gift_id}/reverse/", {"reason": "again"})
    assert response.status_code == 400
    assert response.json() == {"detail": ["This contribution is already reversed."]}
    with scope(center=[center.pk]):
        assert services.fund_balances(center=center)["zakat"] == 0


def test_in_kind_service_and_construction_with_nested_details(client, center, recorder):
    _api(client, recorder)
    response = _post(client, "/api/v1/contributions/", {
        "center": center.pk, "kind": "in_kind", "purpose": "food", "received_on": TODAY.isoformat(),
        "lines": [{"category": "food", "description": "روغن", "unit": "litre", "quantity": "2.5",
                   "unit_value": 400_000, "perishable": True,
                   "expires_on": (TODAY + datetime.timedelta(days=90)).isoformat()},
                  {"category": "clothing", "description": "پتو", "unit": "piece", "quantity": 3,
                   "unit_value": 1_200_000}]})
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["amount"] == 1_000_000 + 3_600_000 and body["status"] == "recorded"
    assert [line["value"] for line in body["lines"]] == [1_000_000, 3_600_000]

    response = _post(client, "/api/v1/contributions/", {
        "center": center.pk, "kind": "service", "purpose": "health", "amount": 9_000_000,
        "received_on": TODAY.isoformat(), "service": {"service_type": "medical", "quantity": "6"}})
    assert response.status_code == 201, response.json()
    assert response.json()["service"] == {"service_type": "medical", "measure": "hours", "quantity": "6.0",
                                          "description": ""}
    response = _post(client, "/api/v1/contributions/", {
        "center": center.pk, "kind": "construction", "purpose": "housing", "amount": 900_000_000,
        "received_on": TODAY.isoformat(),
        "construction": {"form": "participation", "facility_type": "school", "facility_name": "مدرسه خیرساز"}})
    assert response.status_code == 201, response.json()
    assert response.json()["construction"]["facility_name"] == "مدرسه خیرساز"


@pytest.mark.parametrize(("body", "message"), [
    ({"amount": None}, "The amount must be a positive whole number of rials."),
    ({"received_on": (TODAY + datetime.timedelta(days=2)).isoformat()}, "cannot be in the future"),
    ({"kind": "in_kind", "amount": None}, "at least one line of goods"),
    ({"kind": "service"}, "A service contribution, and only it, describes the service given."),
    ({"lines": [{"category": "food", "description": "x", "unit": "kg", "quantity": 1, "unit_value": 5}]},
     "Only an in-kind contribution has lines of goods."),
    ({"donor_identifier": "09120000000"}, "No donor has this mobile number"),
    ({"donor_identifier": "hello"}, "Type the donor's mobile number or national code."),
    ({"donor": 987654321}, "Unknown donor."),
    ({"campaign": 987654321}, "does not take part in the campaign"),
    ({"purpose": "nope"}, "nope"),
    ({"amount": 10**16}, "less than or equal to"),
])
def test_bad_input_is_a_400_with_a_translated_message_and_stores_nothing(client, center, chair, body, message):
    response = _post(_api(client, chair), "/api/v1/contributions/", _cash(center, **body))
    assert response.status_code == 400, response.content
    assert message in str(response.json())
    with scopes_disabled():
        assert not Contribution.objects.exists()


def test_service_message_is_persian_for_a_persian_caller(client, center, chair):
    with translation.override("fa"):
        expected = translation.gettext("The date received cannot be in the future.")
    _api(client, chair)
    client.cookies["django_language"] = "fa"
    response = _post(client, "/api/v1/contributions/",
                     _cash(center, received_on=(TODAY + datetime.timedelta(days=2)).isoformat()))
    assert response.status_code == 400 and expected in response.json()["detail"]


def test_donor_by_identifier_is_found_and_linked(client, world, center, chair):
    with scopes_disabled():
        donor = Donor.objects.create(organization=world.relief, first_name="رضا", last_name="کریمی",
                                     national_code="0499370899")
    response = _post(_api(client, chair), "/api/v1/contributions/", _cash(center, donor_identifier="۰۴۹۹۳۷۰۸۹۹"))
    assert response.status_code == 201 and response.json()["donor"] == donor.pk


def test_outsider_gets_404(client, world, center):
    with scope(center=[center.pk]):
        gift = services.contribution_record(center=center, kind="cash", purpose="general", amount=1_000,
                                            received_on=TODAY)
    outsider = world.trustee(license_center(world.center()), BoardRole.CHAIR)
    _api(client, outsider)
    assert client.get(f"/api/v1/contributions/{gift.pk}/").status_code == 404
    assert _post(client, f"/api/v1/contributions/{gift.pk}/confirm/", {}).status_code == 404
    assert _post(client, f"/api/v1/contributions/{gift.pk}/reverse/", {"reason": "x"}).status_code == 404
    assert _post(client, "/api/v1/contributions/", _cash(center)).status_code == 404
    assert client.get("/api/v1/contributions/").json()["results"] == []
    gift.refresh_from_db()
    assert gift.status == Contribution.Status.RECORDED


def test_list_filters(client, center, chair):
    with scope(center=[center.pk]):
        services.contribution_record_cash(center=center, purpose="zakat", amount=1_000, received_on=TODAY,
                                          channel="charity_box")
        services.contribution_record(center=center, kind="cash", purpose="general", amount=2_000,
                                     received_on=TODAY - datetime.timedelta(days=10))
    _api(client, chair)

    def amounts(**query):
        return [g["amount"] for g in client.get("/api/v1/contributions/", query).json()["results"]]

    assert amounts() == [1_000, 2_000]
    assert amounts(status="recorded") == [2_000]
    assert amounts(purpose="zakat") == [1_000]
    assert amounts(channel="charity_box") == [1_000]
    assert amounts(received_from=(TODAY - datetime.timedelta(days=1)).isoformat()) == [1_000]
    assert amounts(kind="service") == []
    assert client.get("/api/v1/contributions/", {"status": "nonsense"}).status_code == 400


def test_campaigns_show_only_the_callers_centers_and_progress(client, world, center, chair):
    other = license_center(world.center())
    shared = Campaign.objects.create(organization=world.relief, occasion="charity_celebration", name="مشترک",
                                     starts_on=TODAY, ends_on=TODAY, goal_amount=10_000)
    shared.centers.add(center, other)
    foreign = Campaign.objects.create(organization=world.relief, occasion="ramadan", name="بیگانه",
                                      starts_on=TODAY, ends_on=TODAY)
    foreign.centers.add(other)
    with scope(center=[center.pk]):
        services.contribution_record_cash(center=center, purpose="general", amount=1_000, received_on=TODAY,
                                          campaign=shared)
    with scope(center=[other.pk]):
        services.contribution_record_cash(center=other, purpose="general", amount=4_000, received_on=TODAY,
                                          campaign=shared)
    _api(client, chair)
    [item] = client.get("/api/v1/campaigns/").json()["results"]
    assert (item["id"], item["centers"], item["raised_at_my_centers"], item["raised_overall"]) == (
        shared.pk, [center.pk], 1_000, 5_000)
    assert client.get(f"/api/v1/campaigns/{foreign.pk}/").status_code == 404


def test_purposes_are_a_public_list(client, db):
    codes = [p["code"] for p in client.get("/api/v1/purposes/", {"page_size": 100}).json()["results"]]
    assert {"general", "zakat", "sadaqah", "dowry"} <= set(codes)


def test_service_refuses_what_the_columns_cannot_hold_with_a_message(in_scope):
    """Found while building the API: these reached PostgreSQL as overflows (a 500) instead of a refusal."""
    cases = [
        ({"kind": "service", "amount": 1_000, "service": services.ServiceGiven(service_type="legal",
                                                                                quantity="1.25")}, "one decimal"),
        ({"kind": "service", "amount": 1_000, "service": services.ServiceGiven(service_type="legal",
                                                                                quantity=10**8)}, "one decimal"),
        ({"kind": "in_kind", "goods": [services.GoodsLine(category="food", description="x", unit="kg",
                                                          quantity=10**10, unit_value=1)]}, "too large"),
        ({"kind": "cash", "amount": 1_000, "external_reference": "R" * 65}, "too long"),
    ]
    for kwargs, message in cases:
        with translation.override("en"), pytest.raises(ValidationError) as error:
            services.contribution_record(center=in_scope, purpose="general", received_on=TODAY, **kwargs)
        assert message in str(error.value), kwargs
    assert not Contribution.objects.exists()
