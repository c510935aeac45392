"""The donor's whole path through the sandbox bank with the test client: donate (Persian digits, a restricted
purpose, name and mobile), the bank page, the callback, the success page with its receipt; and each way it
can go wrong — cancel, a declined card, a tampered amount, a tampered authority, another center's callback,
a center that may not take gifts, bad input — ending in a clear message and no posting."""

import datetime
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from centers.models import Center
from contributions.models import Contribution, LedgerTransaction, Posting, Purpose, Receipt
from contributions.tests.conftest import license_center
from donors.models import Donor
from payments import services
from payments.models import Payment, SandboxTransaction

from .helpers import accepting_center

pytestmark = pytest.mark.django_db


def _english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _donate(client, center, **fields):
    data = {"preset": "", "amount": "۲٬۵۰۰٬۰۰۰", "purpose": Purpose.objects.get(code="zakat").pk,
            "donor_name": "مریم احمدی", "donor_mobile": "۰۹۱۲۳۴۵۶۷۸۹", **fields}
    return client.post(reverse("payments:donate", kwargs={"center_slug": center.slug}), data)


def _to_bank(client, center, **fields):
    response = _donate(client, center, **fields)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"].startswith("/sandbox-bank/pay/")
    return response["Location"]


def _bank(client, bank_url, *, action="pay", **fields):
    """Presses a button on the bank page; returns the callback address the bank sends the donor to."""
    txn = SandboxTransaction.objects.get(authority=bank_url.rstrip("/").rsplit("/", 1)[1])
    response = client.post(bank_url, {"action": action, "amount": str(txn.amount), **fields})
    assert response.status_code == 302
    return response["Location"]


def _payment(public_id=None) -> Payment:
    with scopes_disabled():
        return Payment.objects.get(public_id=public_id) if public_id else Payment.objects.latest("pk")


def _counts(center):
    with scope(center=[center.pk]):
        gifts = Contribution.objects.filter(center=center)
        return {"contributions": gifts.count(),
                "postings": LedgerTransaction.objects.filter(center=center, reference__startswith="contribution:")
                .count(),
                "receipts": Receipt.objects.filter(center=center).count()}


NOTHING = {"contributions": 0, "postings": 0, "receipts": 0}


def test_donate_page_offers_presets_and_the_centers_purposes(client, giving_center):
    response = client.get(reverse("payments:donate", kwargs={"center_slug": giving_center.slug}) + "?purpose=zakat")
    body = response.content.decode()
    assert response.status_code == 200
    assert giving_center.name in body and "۱٬۰۰۰٬۰۰۰" in body
    zakat = Purpose.objects.get(code="zakat")
    assert response.context["form"]["purpose"].value() == zakat.pk
    assert f'value="{zakat.pk}"' in body


def test_a_center_that_accepts_only_some_purposes_offers_general_and_those(client, giving_center):
    with scope(center=[giving_center.pk]):
        services.merchant_account_save(center=giving_center, gateway="sandbox",
                                       purposes=[Purpose.objects.get(code="food")])
        offered = {p.code for p in services.accepted_purposes(giving_center)}
    assert offered == {"general", "food"}
    response = _donate(client, giving_center)  # zakat is no longer accepted
    assert response.status_code == 200
    assert not Payment.objects.model._base_manager.exists()


def test_paid_gift_becomes_one_confirmed_contribution_with_posting_and_receipt(client, giving_center, bank):
    callback = _bank(client, _to_bank(client, giving_center))
    result = client.get(callback)
    assert result.status_code == 302
    page = client.get(result["Location"])
    body = page.content.decode()
    payment = _payment()
    assert payment.status == Payment.Status.VERIFIED and payment.amount == 2_500_000
    with scope(center=[giving_center.pk]):
        gift = Contribution.objects.get(pk=payment.contribution_id)
        receipt = Receipt.objects.get(contribution=gift)
        assert gift.status == Contribution.Status.CONFIRMED and gift.channel == Contribution.Channel.ONLINE
        assert gift.purpose.code == "zakat" and gift.amount == 2_500_000
        donor = Donor.objects.get(pk=gift.donor_id)
        assert donor.mobile == "09123456789" and donor.last_name == "احمدی"
        lines = sorted(Posting.objects.filter(transaction=gift.ledger_transaction).values_list("amount", flat=True))
        assert lines == [-2_500_000, 2_500_000]
    assert page.status_code == 200 and 'data-outcome="success"' in body
    assert receipt.display_code in body
    assert reverse("contributions:receipt-verify-code", kwargs={"receipt_code": receipt.verification_code}) in body
    # The receipt verifies on the public page.
    verify = client.get(reverse("contributions:receipt-verify-code",
                                kwargs={"receipt_code": receipt.verification_code}))
    assert verify.status_code == 200 and giving_center.name in verify.content.decode()
    # A replay of the same callback posts nothing more and answers the stored outcome.
    assert client.get(callback).status_code == 302
    assert _counts(giving_center) == {"contributions": 1, "postings": 1, "receipts": 1}
    assert _payment(payment.public_id).callbacks == 2


def test_a_known_mobile_links_the_existing_donor(client, giving_center, bank):
    with scopes_disabled():
        known = Donor.objects.create(organization=giving_center.organization, first_name="علی", last_name="نیک",
                                     mobile="09123456789")
    client.get(_bank(client, _to_bank(client, giving_center, donor_name="")))
    with scope(center=[giving_center.pk]):
        assert Contribution.objects.get(center=giving_center).donor_id == known.pk
        assert Donor.objects.filter(mobile="09123456789").count() == 1


def test_anonymous_gift_has_no_donor(client, giving_center, bank):
    client.get(_bank(client, _to_bank(client, giving_center, donor_name="", donor_mobile="")))
    with scope(center=[giving_center.pk]):
        assert Contribution.objects.get(center=giving_center).donor_id is None


def test_cancel_at_the_bank_says_so_and_posts_nothing(client, giving_center, bank):
    callback = _bank(client, _to_bank(client, giving_center), action="cancel")
    page = _english(client).get(client.get(callback)["Location"])
    assert _payment().status == Payment.Status.CANCELLED
    assert 'data-outcome="cancelled"' in page.content.decode() and "No money was taken" in page.content.decode()
    assert _counts(giving_center) == NOTHING


def test_declined_card_fails_clearly_and_posts_nothing(client, giving_center, bank):
    callback = _bank(client, _to_bank(client, giving_center), simulate="fail")
    page = _english(client).get(client.get(callback)["Location"])
    assert _payment().status == Payment.Status.FAILED
    assert 'data-outcome="failed"' in page.content.decode() and "declined" in page.content.decode()
    assert _counts(giving_center) == NOTHING


def test_tampered_amount_at_the_bank_is_never_posted(client, giving_center, bank):
    bank_url = _to_bank(client, giving_center)
    response = client.post(bank_url, {"action": "pay", "amount": "1000"})  # the bank charged 1,000 instead
    page = _english(client).get(client.get(response["Location"])["Location"])
    payment = _payment()
    assert payment.status == Payment.Status.FAILED and payment.outcome_code == "-50"
    assert "does not match" in page.content.decode()
    assert _counts(giving_center) == NOTHING


def test_amount_in_the_callback_is_ignored_the_stored_amount_is_verified(client, giving_center, bank):
    callback = _bank(client, _to_bank(client, giving_center))
    client.get(callback + "&amount=1000&Amount=1000")
    with scope(center=[giving_center.pk]):
        assert Contribution.objects.get(center=giving_center).amount == 2_500_000


def test_tampered_authority_is_refused_and_changes_nothing(client, giving_center, bank):
    callback = _bank(client, _to_bank(client, giving_center))
    parts = urlsplit(callback)
    forged = f"{parts.path}?Authority=SBX{'0' * 32}&Status=OK"
    response = _english(client).get(forged)
    assert response.status_code == 400 and "does not match this payment" in response.content.decode()
    assert _payment().status == Payment.Status.REDIRECTED
    assert _counts(giving_center) == NOTHING
    client.get(callback)  # the genuine callback still works
    assert _counts(giving_center)["contributions"] == 1


def test_callback_for_another_centers_payment_is_refused(client, world, giving_center, bank):
    other = accepting_center(world)
    callback = _bank(client, _to_bank(client, giving_center))
    forged = callback.replace(f"/give/{giving_center.slug}/", f"/give/{other.slug}/")
    response = _english(client).get(forged)
    assert response.status_code == 400 and "another center" in response.content.decode()
    assert _payment().status == Payment.Status.REDIRECTED
    assert _counts(giving_center) == NOTHING and _counts(other) == NOTHING


def test_unknown_payment_and_garbage_callbacks_are_clear_and_never_500(client, giving_center, bank):
    base = reverse("payments:callback", kwargs={"center_slug": giving_center.slug, "public_id": "nosuchpayment"})
    assert client.get(base + "?Authority=x&Status=OK").status_code == 404
    callback = _bank(client, _to_bank(client, giving_center))
    path = urlsplit(callback).path
    for query in ("", "?Status=OK", "?Authority=&Status=", "?Authority=%00&Status=MAYBE", "?Status=OK" + "x" * 5000):
        assert client.get(path + query).status_code == 400
    assert client.post(path, {"Authority": "junk", "Status": "OK"}).status_code == 400
    assert _counts(giving_center) == NOTHING


def test_bad_amounts_are_form_errors(client, giving_center, bank):
    for amount in ("abc", "-5", "۱۰۰", "9" * 30):
        response = _donate(client, giving_center, amount=amount)
        assert response.status_code == 200, amount
    response = _english(client).post(reverse("payments:donate", kwargs={"center_slug": giving_center.slug}),
                                     {"purpose": Purpose.objects.get(code="general").pk})
    assert "Choose an amount" in response.content.decode()
    assert not Payment.objects.model._base_manager.exists()


def test_a_preset_amount_is_enough(client, giving_center, bank):
    _donate(client, giving_center, amount="", preset="1000000")
    assert _payment().amount == 1_000_000


def test_a_center_that_cannot_operate_takes_no_gifts(client, world, bank):
    suspended = accepting_center(world)
    with scopes_disabled():
        Center.objects.filter(pk=suspended.pk).update(status=Center.Status.SUSPENDED)
    response = _english(client).get(reverse("payments:donate", kwargs={"center_slug": suspended.slug}))
    assert response.status_code == 200 and "cannot accept donations" in response.content.decode()
    assert _donate(client, suspended).status_code == 200
    assert not Payment.objects.model._base_manager.exists()
    bare = license_center(world.center())  # licensed, but no merchant account
    response = _english(client).get(reverse("payments:donate", kwargs={"center_slug": bare.slug}))
    assert "does not accept online donations yet" in response.content.decode()
    assert client.get(reverse("payments:donate", kwargs={"center_slug": "no-such-center"})).status_code == 404


def test_campaign_from_the_address_is_kept_on_the_gift(client, giving_center, bank):
    from contributions.models import Campaign

    today = timezone.localdate()
    campaign = Campaign.objects.create(organization=giving_center.organization, occasion="ramadan", name="رمضان",
                                       starts_on=today - datetime.timedelta(days=1),
                                       ends_on=today + datetime.timedelta(days=1))
    campaign.centers.add(giving_center)
    url = reverse("payments:donate", kwargs={"center_slug": giving_center.slug}) + f"?campaign={campaign.pk}"
    assert "رمضان" in client.get(url).content.decode()
    client.post(url, {"amount": "1000000", "purpose": Purpose.objects.get(code="general").pk,
                      "campaign": campaign.pk})
    payment = _payment()
    assert payment.campaign_id == campaign.pk
    client.get(_bank(client, f"/sandbox-bank/pay/{payment.authority}/"))
    with scope(center=[giving_center.pk]):
        assert Contribution.objects.get(center=giving_center).campaign_id == campaign.pk


def test_gateway_that_does_not_answer_leaves_a_failed_payment_and_a_clear_page(client, giving_center):
    from payments.gateways import transport
    from payments.gateways.base import GatewayError

    def down(*args):
        raise GatewayError("down")

    with transport.override(down):
        response = _donate(client, giving_center)
    assert response.status_code == 302 and "/payments/" in response["Location"]
    assert _payment().status == Payment.Status.FAILED
    assert 'data-outcome="failed"' in client.get(response["Location"]).content.decode()


def test_verify_unreachable_keeps_the_payment_pending_and_the_task_finishes_it(client, giving_center, bank,
        django_capture_on_commit_callbacks):
    from payments.gateways import transport
    from payments.gateways.base import GatewayError
    from payments.tasks import payments_recheck_scan

    callback = _bank(client, _to_bank(client, giving_center))

    def down(*args):
        raise GatewayError("down")

    with transport.override(down):
        page = client.get(client.get(callback)["Location"])
    assert _payment().status == Payment.Status.RETURNED
    assert 'data-outcome="pending"' in page.content.decode()
    with scopes_disabled():
        Payment.objects.update(returned_at=timezone.now() - datetime.timedelta(minutes=5))
    with django_capture_on_commit_callbacks(execute=True):
        assert payments_recheck_scan.delay().get() == 1
    assert _payment().status == Payment.Status.VERIFIED
    assert _counts(giving_center) == {"contributions": 1, "postings": 1, "receipts": 1}


def test_late_payment_is_found_by_the_task_and_the_late_callback_posts_nothing_more(client, giving_center, bank,
        django_capture_on_commit_callbacks):
    from payments.tasks import payments_recheck_scan

    bank_url = _to_bank(client, giving_center)
    page = client.post(bank_url, {"action": "pay", "amount": "2500000", "simulate": "late"})
    assert page.status_code == 200  # the bank keeps the donor: the callback comes later
    late_link = page.context["late_link"]
    with scopes_disabled():
        Payment.objects.update(created_at=timezone.now() - datetime.timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        payments_recheck_scan.delay()
    assert _payment().status == Payment.Status.VERIFIED
    client.get(late_link)
    assert _counts(giving_center) == {"contributions": 1, "postings": 1, "receipts": 1}


def test_abandoned_payments_expire(client, giving_center, bank,
        django_capture_on_commit_callbacks):
    from payments.tasks import payments_recheck_scan

    _to_bank(client, giving_center)
    with scopes_disabled():
        Payment.objects.update(created_at=timezone.now() - datetime.timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        payments_recheck_scan.delay()
    payment = _payment()
    assert payment.status == Payment.Status.EXPIRED
    assert _counts(giving_center) == NOTHING


def test_state_machine_refuses_a_transition_it_does_not_list():
    for status in (Payment.Status.VERIFIED, Payment.Status.CANCELLED):
        with pytest.raises(ValueError):
            services._move(Payment(status=status), Payment.Status.FAILED)
    assert all(services.TRANSITIONS[s] <= set(Payment.Status.values) for s in Payment.Status.values)


def test_money_verified_while_the_center_cannot_record_waits_and_is_recorded_later(
        client, giving_center, bank, django_capture_on_commit_callbacks):
    from payments.tasks import payments_recheck_scan

    callback = _bank(client, _to_bank(client, giving_center))
    with scopes_disabled():
        Center.objects.filter(pk=giving_center.pk).update(status=Center.Status.SUSPENDED)
    page = client.get(client.get(callback)["Location"])
    payment = _payment()
    assert payment.status == Payment.Status.RETURNED and payment.ref_id  # the bank has the money
    assert 'data-outcome="pending"' in page.content.decode()
    assert _counts(giving_center) == NOTHING
    with scopes_disabled():
        Center.objects.filter(pk=giving_center.pk).update(status=Center.Status.LICENSED)
        Payment.objects.update(returned_at=timezone.now() - datetime.timedelta(minutes=5))
    with django_capture_on_commit_callbacks(execute=True):
        payments_recheck_scan.delay()
    assert _payment().status == Payment.Status.VERIFIED
    assert _counts(giving_center) == {"contributions": 1, "postings": 1, "receipts": 1}


def test_slow_bank_still_verifies_once(client, giving_center, bank, settings):
    settings.PAYMENTS_SANDBOX_SLOW_SECONDS = 0.2
    callback = _bank(client, _to_bank(client, giving_center), simulate="slow")
    assert SandboxTransaction.objects.get().simulate == "slow"
    client.get(callback)
    client.get(callback)
    assert _payment().status == Payment.Status.VERIFIED
    assert SandboxTransaction.objects.get().verify_calls == 1
    assert _counts(giving_center) == {"contributions": 1, "postings": 1, "receipts": 1}


def test_sandbox_is_closed_when_switched_off(client, giving_center, bank, settings):
    bank_url = _to_bank(client, giving_center)
    settings.PAYMENTS_SANDBOX_ENABLED = False
    assert client.get(bank_url).status_code == 404
    assert client.post("/sandbox-bank/api/request", "{}", content_type="application/json").status_code == 404
    response = _english(client).get(reverse("payments:donate", kwargs={"center_slug": giving_center.slug}))
    assert "does not accept online donations yet" in response.content.decode()


def test_sandbox_api_refuses_a_callback_to_another_site(client, giving_center):
    body = {"merchant_id": "m", "amount": 10_000, "callback_url": "https://evil.example/steal"}
    response = client.post("/sandbox-bank/api/request", body, content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == -9
    assert not SandboxTransaction.objects.exists()


def test_demo_gives_each_center_a_sandbox_merchant(world):
    from types import SimpleNamespace

    from payments import demo
    from payments.models import MerchantAccount

    with_iban = accepting_center(world)
    with scopes_disabled():
        MerchantAccount.objects.filter(center=with_iban).delete()
        without_iban = world.center()
        ctx = SimpleNamespace(centers={with_iban.slug: with_iban, without_iban.slug: without_iban})
        demo.seed(ctx)
        demo.seed(ctx)  # idempotent
        accounts = {a.center_id: a for a in MerchantAccount.objects.filter(center__in=[with_iban, without_iban])}
    assert len(accounts) == 2 and {a.gateway for a in accounts.values()} == {"sandbox"}
    assert accounts[with_iban.pk].active and not accounts[without_iban.pk].active
