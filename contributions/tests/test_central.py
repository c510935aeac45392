"""The province's central account, transfers between funds, and the fund check that now runs only for debits."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Sum
from django.utils import translation
from django_scopes import scope

from contributions import services
from contributions.models import Account, CentralAllocation, LedgerTransaction, Posting
from contributions.tests.conftest import license_center

TODAY = datetime.date.today()


def receive(center, amount, purpose="zakat", via=Account.Kind.BANK):
    receive.n = getattr(receive, "n", 0) + 1
    return services.cash_received(center=center, purpose=purpose, amount=amount, occurred_on=TODAY, via=via,
                                  reference=f"central-{center.pk}-{receive.n}")


def immediate():
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def balance(center, kind, purpose=None):
    account = services.account_for(center, kind, purpose)
    return account.postings.aggregate(s=Sum("amount"))["s"] or 0


@pytest.fixture
def pair(world):
    """Two centers of one organisation in one province, a province supervisor over them, both in scope."""
    first, second = license_center(world.center()), license_center(world.center())
    supervisor = world.supervisor()
    with scope(center=[first.pk, second.pk]):
        yield first, second, supervisor


def test_central_transfer_moves_bank_money_to_the_central_share_and_keeps_the_fund(pair):
    a, _b, _sup = pair
    receive(a, 1_000_000)
    tx = services.central_transfer(center=a, purpose="zakat", amount=700_000, occurred_on=TODAY)
    assert tx.postings.aggregate(s=Sum("amount"))["s"] == 0
    assert services.fund_balances(center=a)["zakat"] == 1_000_000  # still zakat's money, held centrally
    assert balance(a, Account.Kind.BANK) == -300_000
    assert services.central_shares(center=a) == {"zakat": 700_000}
    pool = services.central_pool(province=a.county.province, organization=a.organization)
    assert [(row["purpose"].code, row["total"], row["shares"]) for row in pool] == [("zakat", 700_000, [(a, 700_000)])]
    immediate()


def test_a_center_sends_only_money_its_fund_covers(pair):
    a, _b, _sup = pair
    receive(a, 1_000, purpose="zakat")
    receive(a, 5_000, purpose="general")
    with pytest.raises(ValidationError) as error:  # zakat holds 1,000: general money cannot be sent as zakat
        services.central_transfer(center=a, purpose="zakat", amount=1_001, occurred_on=TODAY)
    assert error.value.code == "held_centrally"
    assert services.central_shares(center=a) == {}
    assert LedgerTransaction.objects.filter(center=a).count() == 2


def test_money_away_at_the_province_cannot_be_spent_or_moved(pair):
    a, _b, _sup = pair
    receive(a, 1_000, purpose="zakat")
    receive(a, 1_000, purpose="general")
    services.central_transfer(center=a, purpose="zakat", amount=800, occurred_on=TODAY)
    services.central_transfer(center=a, purpose="general", amount=900, occurred_on=TODAY)
    with pytest.raises(ValidationError) as error:
        services.spend(center=a, purpose="zakat", amount=300, aid_purpose="zakat", occurred_on=TODAY)
    assert error.value.code == "held_centrally"
    with pytest.raises(ValidationError) as error:
        services.fund_transfer(center=a, from_purpose="general", to_purpose="housing", amount=101,
                               approval_reference="council 12", occurred_on=TODAY)
    assert error.value.code == "held_centrally"
    services.spend(center=a, purpose="zakat", amount=200, aid_purpose="zakat", occurred_on=TODAY)
    assert services.fund_balances(center=a)["zakat"] == 800


def test_allocating_back_to_the_same_center_returns_its_own_share(pair):
    a, _b, supervisor = pair
    receive(a, 1_000)
    services.central_transfer(center=a, purpose="zakat", amount=1_000, occurred_on=TODAY)
    allocation = services.central_allocate(center=a, purpose="zakat", amount=600, decision_reference="م-۱۴۰۵/۱۲",
                                           occurred_on=TODAY, user=supervisor)
    assert allocation.source_center == a and allocation.source_transaction is None
    assert allocation.province == a.county.province
    assert allocation.transaction.approval_reference == "م-۱۴۰۵/۱۲"
    assert services.central_shares(center=a) == {"zakat": 400}
    assert balance(a, Account.Kind.BANK) == -600
    assert services.fund_balances(center=a)["zakat"] == 1_000  # never left zakat
    services.spend(center=a, purpose="zakat", amount=600, aid_purpose="zakat", occurred_on=TODAY)
    with pytest.raises(ValidationError) as error:
        services.spend(center=a, purpose="zakat", amount=1, aid_purpose="zakat", occurred_on=TODAY)
    assert error.value.code == "held_centrally"
    immediate()


def test_allocating_another_centers_share_keeps_the_purpose(pair):
    a, b, supervisor = pair
    receive(a, 2_000, purpose="orphan_sponsorship")
    services.central_transfer(center=a, purpose="orphan_sponsorship", amount=1_500, occurred_on=TODAY)
    allocation = services.central_allocate(center=b, source_center=a, purpose="orphan_sponsorship", amount=1_000,
                                           decision_reference="council 7", occurred_on=TODAY, user=supervisor)
    assert services.fund_balances(center=a)["orphan_sponsorship"] == 1_000
    assert services.central_shares(center=a) == {"orphan_sponsorship": 500}
    assert services.fund_balances(center=b)["orphan_sponsorship"] == 1_000
    assert balance(b, Account.Kind.BANK) == -1_000
    assert allocation.source_transaction.center == a and allocation.transaction.center == b
    # Each leg balances at its own center; the province as a whole neither gains nor loses.
    for tx in (allocation.source_transaction, allocation.transaction):
        assert tx.postings.aggregate(s=Sum("amount"))["s"] == 0
    assert Posting.objects.aggregate(s=Sum("amount"))["s"] == 0
    assert CentralAllocation.objects.get() == allocation
    immediate()


def test_an_allocation_cannot_exceed_the_share(pair):
    a, b, supervisor = pair
    receive(a, 2_000)
    services.central_transfer(center=a, purpose="zakat", amount=500, occurred_on=TODAY)
    for center, source in ((a, None), (b, a)):
        with pytest.raises(ValidationError) as error:
            services.central_allocate(center=center, source_center=source, purpose="zakat", amount=501,
                                      decision_reference="d-1", occurred_on=TODAY, user=supervisor)
        assert error.value.code == "insufficient_central"
    with pytest.raises(ValidationError) as error:  # b sent nothing of its own
        services.central_allocate(center=b, purpose="zakat", amount=1, decision_reference="d-1", occurred_on=TODAY,
                                  user=supervisor)
    assert error.value.code == "insufficient_central"
    assert not CentralAllocation.objects.exists()
    assert services.central_shares(center=a) == {"zakat": 500}


def test_only_a_supervisor_over_the_province_allocates(pair, world):
    a, _b, supervisor = pair
    receive(a, 1_000)
    services.central_transfer(center=a, purpose="zakat", amount=1_000, occurred_on=TODAY)
    county_supervisor = world.supervisor(level="county")
    welfare_supervisor = world.supervisor(organization=world.welfare)
    trustee = world.trustee(a, role="chair")
    for user in (county_supervisor, welfare_supervisor, trustee, None):
        with pytest.raises(PermissionDenied):
            services.central_allocate(center=a, purpose="zakat", amount=100, decision_reference="d",
                                      occurred_on=TODAY, user=user)
    national = world.supervisor(level="national", province=None)
    services.central_allocate(center=a, purpose="zakat", amount=100, decision_reference="d", occurred_on=TODAY,
                              user=national)
    assert services.central_shares(center=a) == {"zakat": 900}


def test_allocation_needs_a_decision_and_one_province(world):
    a = license_center(world.center())
    tehran = license_center(world.center(county=world.county("تهران", "تهران")))
    supervisor = world.supervisor()
    with scope(center=[a.pk, tehran.pk]):
        receive(a, 1_000)
        services.central_transfer(center=a, purpose="zakat", amount=1_000, occurred_on=TODAY)
        with translation.override("en"), pytest.raises(ValidationError) as error:
            services.central_allocate(center=a, purpose="zakat", amount=100, decision_reference="  ",
                                      occurred_on=TODAY, user=supervisor)
        assert error.value.code == "decision_required"
        assert "decision" in error.value.messages[0]
        with pytest.raises(ValidationError) as error:
            services.central_allocate(center=tehran, source_center=a, purpose="zakat", amount=100,
                                      decision_reference="d", occurred_on=TODAY, user=supervisor)
        assert error.value.code == "other_province"
        assert not CentralAllocation.objects.exists()


def test_fund_transfer_moves_general_money_on_an_approval(in_scope):
    receive(in_scope, 5_000, purpose="general")
    tx = services.fund_transfer(center=in_scope, from_purpose="general", to_purpose="housing", amount=2_000,
                                approval_reference="board 1405-03", occurred_on=TODAY)
    assert tx.approval_reference == "board 1405-03"
    balances = services.fund_balances(center=in_scope)
    assert (balances["general"], balances["housing"]) == (3_000, 2_000)
    immediate()


@pytest.mark.parametrize(("source", "destination", "amount", "approval", "code"), [
    ("zakat", "general", 100, "board 1", "restricted_purpose"),
    ("zakat", "housing", 100, "board 1", "restricted_purpose"),
    ("general", "housing", 100, " ", "approval_required"),
    ("general", "general", 100, "board 1", "same_purpose"),
    ("general", "housing", 5_001, "board 1", "insufficient_funds"),
    ("general", "housing", 0, "board 1", "bad_amount"),
    ("general", "no-such-purpose", 10, "board 1", "unknown_purpose"),
])
def test_fund_transfer_refusals(in_scope, source, destination, amount, approval, code):
    receive(in_scope, 5_000, purpose="general")
    receive(in_scope, 5_000, purpose="zakat")
    with pytest.raises(ValidationError) as error:
        services.fund_transfer(center=in_scope, from_purpose=source, to_purpose=destination, amount=amount,
                               approval_reference=approval, occurred_on=TODAY)
    assert error.value.code == code
    assert LedgerTransaction.objects.count() == 2


def test_spend_stores_its_approval_on_the_transaction(in_scope):
    receive(in_scope, 1_000, purpose="general")
    tx = services.spend(center=in_scope, purpose="general", amount=400, aid_purpose="food",
                        approval_reference="council 9", occurred_on=TODAY)
    assert tx.approval_reference == "council 9"


def test_the_database_still_refuses_a_fund_or_goods_debit_below_zero(in_scope):
    """The trigger now checks only debits of funds and goods (migration 0006_ledger_sql); it must still catch
    them."""
    fund = services.account_for(in_scope, Account.Kind.FUND, "food")
    goods = services.account_for(in_scope, Account.Kind.GOODS, "food")
    bank = services.account_for(in_scope, Account.Kind.BANK)
    receive(in_scope, 100, purpose="food")
    for account in (fund, goods):
        with pytest.raises(IntegrityError, match="below zero"), transaction.atomic():
            tx = LedgerTransaction.objects.create(center=in_scope, occurred_on=TODAY)
            Posting.objects.bulk_create([Posting(center=in_scope, transaction=tx, account=account, amount=-101),
                                         Posting(center=in_scope, transaction=tx, account=bank, amount=101)])
            immediate()
    # A bank or cash account may be negative (money held), and a credit is never refused.
    with transaction.atomic():
        tx = LedgerTransaction.objects.create(center=in_scope, occurred_on=TODAY)
        Posting.objects.bulk_create([Posting(center=in_scope, transaction=tx, account=fund, amount=100),
                                     Posting(center=in_scope, transaction=tx, account=bank, amount=-100)])
        immediate()
    assert services.fund_balances(center=in_scope)["food"] == 200


def test_a_gift_received_locks_no_fund(in_scope):
    """Receiving money only credits a fund: the service takes no row lock and sums nothing."""
    receive(in_scope, 100)
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        receive(in_scope, 100)
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    assert "FOR UPDATE" not in sql
    assert "SUM(" not in sql


# --- admin and API ------------------------------------------------------------------------------------------


def _funded(world, amount=10_000):
    """Two centers in Isfahan (one with zakat money sent to the central account) and a province supervisor."""
    a, b = license_center(world.center()), license_center(world.center())
    supervisor = world.supervisor()
    with scope(center=[a.pk, b.pk]):
        receive(a, amount)
        services.central_transfer(center=a, purpose="zakat", amount=amount, occurred_on=TODAY)
    return a, b, supervisor


def test_a_province_supervisor_allocates_in_the_admin(client, world):
    from django.urls import reverse

    from conftest import login

    a, b, supervisor = _funded(world)
    login(client, supervisor)
    with scope(center=[a.pk, b.pk]):
        zakat = services.account_for(a, Account.Kind.FUND, "zakat").purpose
    listing = client.get(reverse("admin:contributions_centralallocation_changelist"))
    assert listing.status_code == 200
    assert a.name in listing.content.decode()  # the pool shows the center's share
    data = {"center": b.pk, "source_center": a.pk, "purpose": zakat.pk, "amount": 4_000,
            "occurred_on": TODAY.isoformat(), "decision_reference": "شورا ۱۲"}
    response = client.post(reverse("admin:contributions_centralallocation_add"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    too_much = client.post(reverse("admin:contributions_centralallocation_add"), {**data, "amount": 7_000})
    assert too_much.status_code == 200  # the service's refusal is a form error
    with scope(center=[a.pk, b.pk]):
        allocation = CentralAllocation.objects.get()
        assert (allocation.center, allocation.source_center, allocation.approved_by) == (b, a, supervisor)
        assert services.central_shares(center=a) == {"zakat": 6_000}
        assert services.fund_balances(center=b)["zakat"] == 4_000
    detail = client.get(reverse("admin:contributions_centralallocation_change", args=[allocation.pk]))
    assert detail.status_code == 200
    assert "شورا ۱۲" in detail.content.decode()
    again = client.post(reverse("admin:contributions_centralallocation_change", args=[allocation.pk]), data)
    assert again.status_code == 403  # view only: an allocation is never edited


def test_a_county_supervisor_cannot_allocate_in_the_admin(client, world):
    from django.urls import reverse

    from conftest import login

    login(client, world.supervisor(level="county"))
    assert client.get(reverse("admin:contributions_centralallocation_add")).status_code == 403


def test_the_api_lists_allocations_and_the_pool(client, world):
    from conftest import login

    a, b, supervisor = _funded(world)
    with scope(center=[a.pk, b.pk]):
        services.central_allocate(center=a, purpose="zakat", amount=3_000, decision_reference="d-9",
                                  occurred_on=TODAY, user=supervisor)
    login(client, supervisor)
    listing = client.get("/api/v1/central-allocations/")
    assert listing.status_code == 200
    body = listing.json()
    items = body["results"] if isinstance(body, dict) else body
    assert [(i["center"], i["purpose"], i["amount"]) for i in items] == [(a.pk, "zakat", 3_000)]
    pool = client.get("/api/v1/central-allocations/pool/",
                      {"province": a.county.province_id, "organization": "relief_committee"})
    assert pool.status_code == 200
    assert pool.json() == [{"purpose": "zakat", "total": 7_000, "shares": [{"center": a.pk, "amount": 7_000}]}]
    for bad in ({}, {"province": "x", "organization": "relief_committee"}, {"province": 1, "organization": "?"}):
        assert client.get("/api/v1/central-allocations/pool/", bad).status_code == 400
    # A trustee of the other center sees neither the allocation nor a's share.
    trustee = world.trustee(b)
    login(client, trustee)
    assert client.get(f"/api/v1/central-allocations/{items[0]['id']}/").status_code == 404
    pool = client.get("/api/v1/central-allocations/pool/",
                      {"province": a.county.province_id, "organization": "relief_committee"})
    assert pool.json() == []
