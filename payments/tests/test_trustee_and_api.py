"""The trustees' payments page (merchant settings for the chair and the finance officer; the list with
statuses), the merchant id kept encrypted and never shown in full, the read-only API, the admin, and a whole
payment through the Zarinpal adapter with its recorded answers."""

import json
from pathlib import Path

import pytest
from django.urls import reverse
from django_scopes import scope, scopes_disabled
from rest_framework.authtoken.models import Token

from centers.models import BoardRole
from conftest import login
from contributions.models import Contribution, Purpose
from payments import crypto, services
from payments.gateways import transport
from payments.models import MerchantAccount, Payment

from .helpers import accepting_center, payment_row

pytestmark = pytest.mark.django_db


def _page(center):
    return reverse("payments:center-payments", kwargs={"center_slug": center.slug})


def test_chair_sees_payments_and_settings(client, world, giving_center):
    payment_row(giving_center, amount=7_000_000, donor_name="نام خیر")
    chair = world.trustee(giving_center, BoardRole.CHAIR)
    response = login(client, chair).get(_page(giving_center))
    body = response.content.decode()
    assert response.status_code == 200
    assert "۷٬۰۰۰٬۰۰۰" in body and "نام خیر" in body
    assert f"sandbox-merchant-{giving_center.pk}" not in body  # never shown in full
    assert crypto.hint(f"sandbox-merchant-{giving_center.pk}") in body


def test_finance_officer_changes_the_merchant_and_the_id_is_stored_encrypted(client, world, giving_center):
    officer = world.trustee(giving_center, BoardRole.FINANCE_OFFICER)
    food = Purpose.objects.get(code="food")
    response = login(client, officer).post(_page(giving_center), {
        "gateway": "zarinpal", "merchant_id": "1344b5d4-0048-11e8-94db-005056a205be", "active": "on",
        "purposes": [food.pk]})
    assert response.status_code == 302
    with scopes_disabled():
        account = MerchantAccount.objects.get(center=giving_center)
    assert account.gateway == "zarinpal"
    assert "1344b5d4" not in account.merchant_id_encrypted
    assert crypto.decrypt(account.merchant_id_encrypted, center_id=giving_center.pk) == \
        "1344b5d4-0048-11e8-94db-005056a205be"
    with pytest.raises(ValueError):  # bound to its center: copied to another center's row it does not decrypt
        crypto.decrypt(account.merchant_id_encrypted, center_id=giving_center.pk + 1)
    assert list(account.accepted_purposes.all()) == [food]
    assert "005056a205be" not in client.get(_page(giving_center)).content.decode()


def test_changing_gateway_without_a_merchant_id_is_refused(client, world, giving_center):
    chair = world.trustee(giving_center, BoardRole.CHAIR)
    response = login(client, chair).post(_page(giving_center), {"gateway": "zibal", "merchant_id": ""})
    assert response.status_code == 200 and response.context["form"].non_field_errors()


def test_no_bank_account_no_active_merchant(world):
    from contributions.tests.conftest import license_center

    center = license_center(world.center())
    from django.core.exceptions import ValidationError

    with scope(center=[center.pk]), pytest.raises(ValidationError) as refused:
        services.merchant_account_save(center=center, gateway="sandbox", merchant_id="m-1")
    assert refused.value.code == "no_iban"
    assert "شبا" in refused.value.messages[0]  # said in Persian, naming the sheba account


def test_donor_relations_officer_gets_403_and_outsider_404(client, world, giving_center):
    officer = world.trustee(giving_center, BoardRole.DONOR_RELATIONS_MEN)
    assert login(client, officer).get(_page(giving_center)).status_code == 403
    other = accepting_center(world)
    outsider = world.trustee(other, BoardRole.CHAIR)
    assert login(client, outsider).get(_page(giving_center)).status_code == 404
    assert client.post(_page(giving_center), {"gateway": "sandbox", "merchant_id": "x"}).status_code == 404
    with scopes_disabled():
        assert MerchantAccount.objects.get(center=giving_center).merchant_hint != "x"


def test_api_lists_only_the_callers_centers_payments(client, world, giving_center):
    mine = payment_row(giving_center)
    other = accepting_center(world)
    theirs = payment_row(other)
    chair = world.trustee(giving_center, BoardRole.CHAIR)
    headers = {"HTTP_AUTHORIZATION": f"Token {Token.objects.create(user=chair).key}"}
    listing = client.get("/api/v1/payments/", **headers).json()
    assert [row["id"] for row in listing["results"]] == [mine.pk]
    assert client.get(f"/api/v1/payments/{theirs.pk}/", **headers).status_code == 404
    assert client.post("/api/v1/payments/", {}, **headers).status_code == 405
    assert client.get("/api/v1/payments/").status_code == 401


def test_admin_lists_payments_for_a_supervisor(client, world, giving_center):
    payment_row(giving_center, amount=3_000_000)
    supervisor = world.supervisor(level="province")
    login(client, supervisor)
    assert client.get(reverse("admin:payments_payment_changelist")).status_code == 200
    response = client.get(reverse("admin:payments_merchantaccount_changelist"))
    assert response.status_code == 200 and f"sandbox-merchant-{giving_center.pk}" not in response.content.decode()


ZARINPAL = json.loads((Path(__file__).parent / "fixtures" / "zarinpal.json").read_text(encoding="utf-8"))


def test_a_whole_payment_through_the_zarinpal_adapter(client, giving_center):
    """The service flow with the Zarinpal adapter: request, the donor's return, verify with our amount."""
    with scope(center=[giving_center.pk]):
        services.merchant_account_save(center=giving_center, gateway="zarinpal",
                                       merchant_id="1344b5d4-0048-11e8-94db-005056a205be")
    sent = []
    authority = ZARINPAL["request_ok"]["response"]["data"]["authority"]

    def zarinpal(method, url, body, timeout):
        sent.append(body)
        if url.endswith("request.json"):
            return 200, ZARINPAL["request_ok"]["response"]
        assert body == {"merchant_id": "1344b5d4-0048-11e8-94db-005056a205be", "amount": 25_000_000,
                        "authority": authority}
        return 200, ZARINPAL["verify_ok"]["response"] if len(sent) == 2 else ZARINPAL["verify_again"]["response"]

    with transport.override(zarinpal):
        response = client.post(reverse("payments:donate", kwargs={"center_slug": giving_center.slug}),
                               {"amount": "25,000,000", "purpose": Purpose.objects.get(code="general").pk})
        assert response["Location"] == f"https://payment.zarinpal.com/pg/StartPay/{authority}"
        with scopes_disabled():
            payment = Payment.objects.get()
        callback = reverse("payments:callback", kwargs={"center_slug": giving_center.slug,
                                                       "public_id": payment.public_id})
        assert sent[0]["callback_url"] == "http://testserver" + callback
        assert client.get(callback, {"Authority": authority, "Status": "OK", "Amount": "1"}).status_code == 302
        assert client.get(callback, {"Authority": authority, "Status": "OK"}).status_code == 302
    with scopes_disabled():
        payment.refresh_from_db()
        assert payment.status == Payment.Status.VERIFIED and payment.ref_id == "201"
        assert Contribution.objects.filter(center=giving_center).count() == 1
    assert len(sent) == 2  # the replay was answered from the stored outcome, not by asking Zarinpal again
