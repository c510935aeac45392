"""A callback storm against a live server: 700 paid payments, 1,000 callbacks (the 700 firsts, 150 duplicates
racing them, then 150 late replays), 20 at a time from threads, over HTTP. Every callback verifies with the
sandbox bank over HTTP too (the same server). Exactly 700 contributions, 700 ledger postings, 700 receipts
numbered without a gap, no 5xx; and the bank is asked to verify each payment exactly once (the lock and the
stored outcome answer every other callback)."""

import http.client
import random
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

import pytest
from django.db.models import Sum
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from contributions.models import Contribution, LedgerTransaction, Posting, Purpose, Receipt
from payments import sandbox_bank, services
from payments.models import Payment, SandboxTransaction

from .helpers import accepting_center

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PAYMENTS, DUPLICATES, LATE, CONCURRENCY = 700, 150, 150, 20


def _get(url: str) -> int:
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
    try:
        connection.request("GET", f"{parts.path}?{parts.query}")
        return connection.getresponse().status
    except OSError:
        return -1
    finally:
        connection.close()


def test_callback_storm_posts_each_payment_exactly_once(live_server, world, settings):
    settings.PAYMENTS_SANDBOX_ENABLED = True
    center = accepting_center(world)
    purposes = list(Purpose.objects.filter(code__in=["general", "zakat", "sadaqah", "food"]))
    rng = random.Random(1405)  # noqa: S311 - a reproducible test, not security

    def callback_url_for(public_id):
        return live_server.url + reverse("payments:callback", kwargs={"center_slug": center.slug,
                                                                      "public_id": public_id})

    started_at = time.monotonic()
    payments = []
    with scope(center=[center.pk]):
        for i in range(PAYMENTS):  # the real request protocol, over HTTP to the live sandbox bank
            started = services.payment_start(
                center=center, amount=rng.randrange(10, 5_000) * 10_000, purpose=purposes[i % len(purposes)],
                donor_name=f"خیر {i}" if i % 7 == 0 else "", donor_mobile=f"0912{i:07d}" if i % 7 == 0 else "",
                callback_url_for=callback_url_for)
            assert started.redirect_url, started.payment.outcome_message
            payments.append(started.payment)
    for payment in payments:  # the donors pay at the bank
        txn = sandbox_bank.bank_decide(authority=payment.authority, pay=True)
        assert txn.status == SandboxTransaction.Status.PAID
    setup_seconds = time.monotonic() - started_at

    urls = [sandbox_bank.callback_address(SandboxTransaction.objects.get(authority=p.authority)) for p in payments]
    first_wave = urls + rng.sample(urls, DUPLICATES)
    rng.shuffle(first_wave)
    late_replays = rng.sample(urls, LATE)
    assert len(first_wave) + len(late_replays) == 1_000

    started_at = time.monotonic()
    with ThreadPoolExecutor(max_workers=CONCURRENCY) as pool:
        statuses = list(pool.map(_get, first_wave))
        statuses += list(pool.map(_get, late_replays))
    storm_seconds = time.monotonic() - started_at

    assert len(statuses) == 1_000
    assert not [s for s in statuses if s >= 500 or s < 0], sorted(set(statuses))
    assert set(statuses) == {302}  # every callback ends on the donor's result page
    with scopes_disabled():
        assert Payment.objects.filter(center=center, status=Payment.Status.VERIFIED).count() == PAYMENTS
        assert Payment.objects.filter(center=center).aggregate(n=Sum("callbacks"))["n"] == 1_000
        gifts = Contribution.objects.filter(center=center)
        assert gifts.count() == PAYMENTS
        assert gifts.filter(status=Contribution.Status.CONFIRMED, channel=Contribution.Channel.ONLINE).count() \
            == PAYMENTS
        assert gifts.aggregate(total=Sum("amount"))["total"] == sum(p.amount for p in payments)
        postings = LedgerTransaction.objects.filter(center=center, reference__startswith="contribution:")
        assert postings.count() == PAYMENTS
        assert Posting.objects.filter(transaction__in=postings).count() == 2 * PAYMENTS
        numbers = sorted(Receipt.objects.filter(center=center).values_list("number", flat=True))
        assert numbers == list(range(1, PAYMENTS + 1))  # 700 receipts, no gap, no repeat
        # The bank was asked to verify each payment once: every other callback met the lock and the stored
        # outcome.
        assert SandboxTransaction.objects.aggregate(n=Sum("verify_calls"))["n"] == PAYMENTS
    print(f"\nstorm: {PAYMENTS} payments set up in {setup_seconds:.1f}s; 1,000 callbacks, {CONCURRENCY} at a time, "
          f"in {storm_seconds:.1f}s ({1_000 / storm_seconds:.0f} callbacks/s)")
