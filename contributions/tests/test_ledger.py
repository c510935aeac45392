"""The ledger core: services' rules and the database's own invariants."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import Sum
from django_scopes import scope

from contributions import services
from contributions.models import Account, LedgerTransaction, Posting
from contributions.tests.conftest import license_center

TODAY = datetime.date.today()


def receive(center, amount, purpose="zakat", reference=None):
    receive.n = getattr(receive, "n", 0) + 1
    return services.cash_received(center=center, purpose=purpose, amount=amount, occurred_on=TODAY,
                                  reference=reference or f"ref-{center.pk}-{receive.n}")


def immediate():
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def test_cash_received_credits_the_fund_and_debits_cash(in_scope):
    tx = receive(in_scope, 1_000_000)
    assert services.fund_balances(center=in_scope)["zakat"] == 1_000_000
    cash = services.account_for(in_scope, Account.Kind.CASH)
    assert cash.postings.aggregate(s=Sum("amount"))["s"] == -1_000_000
    assert tx.postings.aggregate(s=Sum("amount"))["s"] == 0
    immediate()  # the deferred triggers agree


def test_cash_received_posts_exactly_once_per_reference(in_scope):
    first = receive(in_scope, 500, reference="receipt-42")
    again = receive(in_scope, 500, reference="receipt-42")
    assert again.pk == first.pk
    assert LedgerTransaction.objects.filter(reference="receipt-42").count() == 1
    assert services.fund_balances(center=in_scope)["zakat"] == 500
    with pytest.raises(ValidationError):
        receive(in_scope, 700, reference="receipt-42")  # same reference, another amount: a conflict


def test_duplicate_reference_is_refused_by_the_database(in_scope):
    receive(in_scope, 500, reference="dup")
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerTransaction.objects.create(center=in_scope, occurred_on=TODAY, reference="dup")


def test_a_fund_cannot_go_below_zero(in_scope):
    receive(in_scope, 1000)
    with pytest.raises(ValidationError) as error:
        services.spend(center=in_scope, purpose="zakat", amount=1001, aid_purpose="zakat", occurred_on=TODAY)
    assert error.value.code == "insufficient_funds"
    assert services.fund_balances(center=in_scope)["zakat"] == 1000
    assert Posting.objects.count() == 2
    services.spend(center=in_scope, purpose="zakat", amount=1000, aid_purpose="zakat", occurred_on=TODAY)
    assert services.fund_balances(center=in_scope)["zakat"] == 0


def test_the_database_refuses_a_fund_below_zero(in_scope):
    fund = services.account_for(in_scope, Account.Kind.FUND, "food")
    aid = services.account_for(in_scope, Account.Kind.AID, "food")
    with pytest.raises(IntegrityError, match="below zero"), transaction.atomic():
        tx = LedgerTransaction.objects.create(center=in_scope, occurred_on=TODAY)
        Posting.objects.bulk_create([Posting(center=in_scope, transaction=tx, account=fund, amount=-5),
                                     Posting(center=in_scope, transaction=tx, account=aid, amount=5)])
        immediate()


def test_restricted_money_pays_only_for_its_own_purpose(in_scope):
    receive(in_scope, 1000, purpose="zakat")
    with pytest.raises(ValidationError) as error:
        services.spend(center=in_scope, purpose="zakat", amount=100, aid_purpose="housing", occurred_on=TODAY)
    assert error.value.code == "restricted_purpose"
    zakat = services.account_for(in_scope, Account.Kind.FUND, "zakat")
    food = services.account_for(in_scope, Account.Kind.FUND, "food")
    with pytest.raises(ValidationError):  # nor moved to another fund
        services.transaction_post(center=in_scope, lines=[(zakat, -100), (food, 100)], occurred_on=TODAY)
    assert services.fund_balances(center=in_scope)["zakat"] == 1000


def test_general_money_needs_an_approval(in_scope):
    receive(in_scope, 1000, purpose="general")
    with pytest.raises(ValidationError) as error:
        services.spend(center=in_scope, purpose="general", amount=100, aid_purpose="food", occurred_on=TODAY)
    assert error.value.code == "approval_required"
    tx = services.spend(center=in_scope, purpose="general", amount=100, aid_purpose="food", occurred_on=TODAY,
                        approval_reference="board decision 1403/12")
    assert "board decision 1403/12" in tx.memo
    assert services.fund_balances(center=in_scope)["general"] == 900


def test_reversal_mirrors_the_original_once(in_scope):
    original = receive(in_scope, 1000)
    reversal = services.transaction_reverse(transaction=original)
    assert reversal.reverses_id == original.pk
    assert sorted((p.account_id, p.amount) for p in reversal.postings.all()) == sorted(
        (p.account_id, -p.amount) for p in original.postings.all())
    assert services.fund_balances(center=in_scope)["zakat"] == 0
    with pytest.raises(ValidationError) as error:
        services.transaction_reverse(transaction=original)
    assert error.value.code == "already_reversed"
    with pytest.raises(ValidationError) as error:
        services.transaction_reverse(transaction=reversal)
    assert error.value.code == "reverse_reversal"


def test_a_mistaken_transfer_to_a_restricted_fund_can_be_reversed(in_scope):
    receive(in_scope, 1000, purpose="general")
    general = services.account_for(in_scope, Account.Kind.FUND, "general")
    zakat = services.account_for(in_scope, Account.Kind.FUND, "zakat")
    mistake = services.transaction_post(center=in_scope, lines=[(general, -400), (zakat, 400)], occurred_on=TODAY)
    services.transaction_reverse(transaction=mistake)
    balances = services.fund_balances(center=in_scope)
    assert (balances["general"], balances["zakat"]) == (1000, 0)
    immediate()


def test_reversing_a_receipt_already_spent_is_refused(in_scope):
    original = receive(in_scope, 1000)
    services.spend(center=in_scope, purpose="zakat", amount=600, aid_purpose="zakat", occurred_on=TODAY)
    with pytest.raises(ValidationError):
        services.transaction_reverse(transaction=original)


def test_transaction_post_validates_in_python(in_scope, world):
    cash = services.account_for(in_scope, Account.Kind.CASH)
    fund = services.account_for(in_scope, Account.Kind.FUND, "food")
    with pytest.raises(ValidationError):
        services.transaction_post(center=in_scope, lines=[(cash, -5), (fund, 4)], occurred_on=TODAY)
    with pytest.raises(ValidationError):
        services.transaction_post(center=in_scope, lines=[(cash, 0), (fund, 0)], occurred_on=TODAY)
    with pytest.raises(ValidationError):
        services.transaction_post(center=in_scope, lines=[], occurred_on=TODAY)
    other = license_center(world.center())
    with scope(center=[other.pk]):
        other_cash = services.account_for(other, Account.Kind.CASH)
    with pytest.raises(ValidationError):
        services.transaction_post(center=in_scope, lines=[(other_cash, -5), (fund, 5)], occurred_on=TODAY)
    assert Posting.objects.count() == 0


def test_a_center_that_cannot_operate_records_nothing(world):
    center = world.center(status="review")
    with scope(center=[center.pk]), pytest.raises(ValidationError) as error:
        receive(center, 1000)
    assert error.value.code == "center_cannot_operate"
    unlicensed = world.center()  # licensed status but no license period covering today
    with scope(center=[unlicensed.pk]), pytest.raises(ValidationError):
        receive(unlicensed, 1000)
    with scope(center=[center.pk, unlicensed.pk]):
        assert LedgerTransaction.objects.count() == 0


@pytest.mark.parametrize("sql", ["UPDATE contributions_posting SET amount = amount * 2",
                                 "DELETE FROM contributions_posting",
                                 "UPDATE contributions_ledgertransaction SET memo = 'changed'",
                                 "DELETE FROM contributions_ledgertransaction"])
def test_postings_and_transactions_are_immutable(in_scope, sql):
    receive(in_scope, 1000)
    with pytest.raises(DatabaseError, match="immutable"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)
    assert services.fund_balances(center=in_scope)["zakat"] == 1000


def test_orm_update_of_a_posting_fails(in_scope):
    receive(in_scope, 1000)
    posting = Posting.objects.first()
    posting.amount = 1
    with pytest.raises(DatabaseError, match="immutable"), transaction.atomic():
        posting.save()


def test_an_unbalanced_transaction_is_refused_by_the_deferred_trigger(in_scope):
    cash = services.account_for(in_scope, Account.Kind.CASH)
    with pytest.raises(IntegrityError, match="unbalanced"), transaction.atomic():
        tx = LedgerTransaction.objects.create(center=in_scope, occurred_on=TODAY)
        Posting.objects.create(center=in_scope, transaction=tx, account=cash, amount=-10)
        immediate()


def test_a_transaction_without_postings_is_refused(in_scope):
    with pytest.raises(IntegrityError, match="unbalanced"), transaction.atomic():
        LedgerTransaction.objects.create(center=in_scope, occurred_on=TODAY)
        immediate()


def test_a_posting_on_another_centers_account_is_refused_by_the_database(in_scope, world):
    other = license_center(world.center())
    with scope(center=[other.pk]):
        other_cash = services.account_for(other, Account.Kind.CASH)
    fund = services.account_for(in_scope, Account.Kind.FUND, "food")
    with pytest.raises(IntegrityError, match="center"), transaction.atomic():
        tx = LedgerTransaction.objects.create(center=in_scope, occurred_on=TODAY)
        Posting.objects.bulk_create([Posting(center=in_scope, transaction=tx, account=other_cash, amount=-5),
                                     Posting(center=in_scope, transaction=tx, account=fund, amount=5)])


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_unbalanced_transaction_fails_at_commit(world):
    center = license_center(world.center())
    with scope(center=[center.pk]):
        cash = services.account_for(center, Account.Kind.CASH)
        with pytest.raises(IntegrityError, match="unbalanced"), transaction.atomic():
            tx = LedgerTransaction.objects.create(center=center, occurred_on=TODAY)
            Posting.objects.create(center=center, transaction=tx, account=cash, amount=-10)
            # no error yet: the trigger is deferred to COMMIT, at the end of this block
        assert LedgerTransaction.objects.count() == 0
        assert Posting.objects.count() == 0
