"""Concurrent spends from one fund serialise on the fund's row lock: never overdrawn, nothing lost."""

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django_scopes import scope

from contributions import services
from contributions.models import Account, LedgerTransaction, Posting
from contributions.tests.conftest import license_center

TODAY = datetime.date.today()
THREADS = 8


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_spends_never_overdraw_a_fund(world):
    center = license_center(world.center())
    with scope(center=[center.pk]):
        services.cash_received(center=center, purpose="food", amount=1000, occurred_on=TODAY, reference="c-1")
    barrier = threading.Barrier(THREADS)
    results: list[str] = []
    lock = threading.Lock()

    def worker():
        try:
            with scope(center=[center.pk]):
                barrier.wait(timeout=10)
                try:
                    services.spend(center=center, purpose="food", amount=300, aid_purpose="food",
                                   occurred_on=TODAY)
                    outcome = "ok"
                except ValidationError as error:
                    outcome = error.code
            with lock:
                results.append(outcome)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert len(results) == THREADS
    assert results.count("ok") == 3
    assert results.count("insufficient_funds") == THREADS - 3
    with scope(center=[center.pk]):
        assert services.fund_balances(center=center)["food"] == 100
        assert LedgerTransaction.objects.count() == 1 + 3
        assert Posting.objects.count() == 2 * (1 + 3)
        aid = Account.objects.get(kind=Account.Kind.AID)
        assert sum(aid.postings.values_list("amount", flat=True)) == 900


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_receipts_with_one_reference_post_once(world):
    center = license_center(world.center())
    barrier = threading.Barrier(THREADS)
    pks: list[int] = []
    lock = threading.Lock()

    def worker():
        try:
            with scope(center=[center.pk]):
                barrier.wait(timeout=10)
                tx = services.cash_received(center=center, purpose="zakat", amount=500, occurred_on=TODAY,
                                            reference="same-receipt")
            with lock:
                pks.append(tx.pk)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert len(pks) == THREADS and len(set(pks)) == 1
    with scope(center=[center.pk]):
        assert services.fund_balances(center=center)["zakat"] == 500


def _run(workers):
    """Starts every worker at once (a barrier), returns their outcomes: "ok" or the refusal's code."""
    barrier = threading.Barrier(len(workers))
    results: list[str] = []
    lock = threading.Lock()

    def run(fn):
        try:
            barrier.wait(timeout=10)
            try:
                fn()
                outcome = "ok"
            except ValidationError as error:
                outcome = error.code
            with lock:
                results.append(outcome)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(fn,)) for fn in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_allocations_never_draw_more_than_the_share(world):
    a, b = license_center(world.center()), license_center(world.center())
    supervisor = world.supervisor()
    ids = [a.pk, b.pk]
    with scope(center=ids):
        services.cash_received(center=a, purpose="zakat", amount=1000, occurred_on=TODAY, reference="cc-1",
                               via=Account.Kind.BANK)
        services.central_transfer(center=a, purpose="zakat", amount=1000, occurred_on=TODAY)

    def allocate():
        with scope(center=ids):
            services.central_allocate(center=b, source_center=a, purpose="zakat", amount=400,
                                      decision_reference="d-1", occurred_on=TODAY, user=supervisor)

    results = _run([allocate] * 4)
    assert sorted(results) == ["insufficient_central", "insufficient_central", "ok", "ok"]
    with scope(center=ids):
        assert services.central_shares(center=a) == {"zakat": 200}
        assert services.fund_balances(center=a)["zakat"] == 200
        assert services.fund_balances(center=b)["zakat"] == 800


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_transfer_to_the_central_account_and_a_spend_serialise(world):
    """Each alone is allowed; together the fund would not cover its central share: exactly one wins."""
    center = license_center(world.center())
    with scope(center=[center.pk]):
        services.cash_received(center=center, purpose="food", amount=1000, occurred_on=TODAY, reference="cs-1",
                               via=Account.Kind.BANK)

    def send():
        with scope(center=[center.pk]):
            services.central_transfer(center=center, purpose="food", amount=600, occurred_on=TODAY)

    def spend():
        with scope(center=[center.pk]):
            services.spend(center=center, purpose="food", amount=600, aid_purpose="food", occurred_on=TODAY)

    results = _run([send, spend])
    assert sorted(results) == ["held_centrally", "ok"]
    with scope(center=[center.pk]):
        fund = services.fund_balances(center=center)["food"]
        share = services.central_shares(center=center).get("food", 0)
        assert 0 <= share <= fund and (fund, share) in {(1000, 600), (400, 0)}
