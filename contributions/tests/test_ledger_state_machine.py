"""A random walk over the ledger's services, checking its invariants after every step (hypothesis.stateful).

Deferred constraint triggers fire at COMMIT, which never happens inside the test's transaction, so every
step ends with ``SET CONSTRAINTS ALL IMMEDIATE`` (then ``DEFERRED`` again, or the per-transaction check would
fire right after the transaction's own INSERT, before its postings): the database's own checks run too.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Count, Sum
from django_scopes import scope
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from contributions import services
from contributions.models import Account, LedgerTransaction, Posting
from contributions.tests.conftest import license_center

TODAY = datetime.date.today()
PURPOSES = ["general", "zakat", "food", "housing"]
purposes = st.sampled_from(PURPOSES)
amounts = st.integers(min_value=1_000, max_value=5_000)  # received
small = st.integers(min_value=1, max_value=1_500)  # spent or moved: often affordable, sometimes not
same_or_other = st.one_of(st.none(), purposes)  # None: the aid is of the fund's own purpose


def make_machine(world):
    class Ledger(RuleBasedStateMachine):
        def __init__(self):
            super().__init__()
            self.center = license_center(world.center())
            self.scope = scope(center=[self.center.pk])
            self.scope.__enter__()
            self.expected = dict.fromkeys(PURPOSES, 0)  # the model: each fund's balance
            self.transactions: list[int] = []
            self.n = 0

        def teardown(self):
            self.scope.__exit__(None, None, None)

        def _after(self):
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # runs the pending deferred checks now
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # and defers them again for the next step

        @rule(purpose=purposes, amount=amounts)
        def receive(self, purpose, amount):
            self.n += 1
            tx = services.cash_received(center=self.center, purpose=purpose, amount=amount, occurred_on=TODAY,
                                        reference=f"sm-{self.center.pk}-{self.n}")
            self.expected[purpose] += amount
            self.transactions.append(tx.pk)
            self._after()

        @rule(purpose=purposes, amount=amounts)
        def receive_twice(self, purpose, amount):
            self.n += 1
            ref = f"sm-{self.center.pk}-{self.n}"
            first = services.cash_received(center=self.center, purpose=purpose, amount=amount, occurred_on=TODAY,
                                           reference=ref)
            again = services.cash_received(center=self.center, purpose=purpose, amount=amount, occurred_on=TODAY,
                                           reference=ref)
            assert first.pk == again.pk
            self.expected[purpose] += amount
            self.transactions.append(first.pk)
            self._after()

        @rule(purpose=purposes, aid_purpose=same_or_other, amount=small, approved=st.booleans())
        def spend(self, purpose, aid_purpose, amount, approved):
            aid_purpose = aid_purpose or purpose
            restricted = purpose != "general"
            allowed = ((not restricted and approved) or (restricted and aid_purpose == purpose)) and (
                self.expected[purpose] >= amount)
            try:
                tx = services.spend(center=self.center, purpose=purpose, amount=amount, aid_purpose=aid_purpose,
                                    occurred_on=TODAY, approval_reference="decision-7" if approved else "")
            except ValidationError:
                assert not allowed
            else:
                assert allowed
                self.expected[purpose] -= amount
                self.transactions.append(tx.pk)
            self._after()

        @rule(source=purposes, destination=purposes, amount=small)
        def transfer(self, source, destination, amount):
            src = services.account_for(self.center, Account.Kind.FUND, source)
            dst = services.account_for(self.center, Account.Kind.FUND, destination)
            allowed = source == "general" and source != destination and self.expected[source] >= amount
            try:
                tx = services.transaction_post(center=self.center, lines=[(src, -amount), (dst, amount)],
                                               occurred_on=TODAY)
            except ValidationError:
                assert not allowed
            else:
                assert allowed
                self.expected[source] -= amount
                self.expected[destination] += amount
                self.transactions.append(tx.pk)
            self._after()

        @rule(data=st.data())
        def reverse(self, data):
            if not self.transactions:
                return
            pk = data.draw(st.sampled_from(self.transactions))
            original = LedgerTransaction.objects.get(pk=pk)
            effect = dict(original.postings.filter(account__kind=Account.Kind.FUND)
                          .values_list("account__purpose__code").annotate(s=Sum("amount")))
            reversible = (original.reverses_id is None
                          and not LedgerTransaction.objects.filter(reverses=original).exists()
                          and all(self.expected[code] - s >= 0 for code, s in effect.items()))
            try:
                services.transaction_reverse(transaction=original)
            except ValidationError:
                assert not reversible
            else:
                assert reversible
                for code, s in effect.items():
                    self.expected[code] -= s
            self._after()

        @invariant()
        def every_transaction_balances(self):
            bad = (LedgerTransaction.objects.filter(center=self.center)
                   .annotate(total=Sum("postings__amount"), lines=Count("postings"))
                   .exclude(total=0, lines__gte=2))
            assert not bad.exists()

        @invariant()
        def balances_match_the_model_and_never_go_negative(self):
            balances = services.fund_balances(center=self.center)
            for code in PURPOSES:
                assert balances[code] == self.expected[code]
                assert balances[code] >= 0
            cash = Posting.objects.filter(center=self.center, account__kind=Account.Kind.CASH).aggregate(
                s=Sum("amount"))["s"] or 0
            everything = Posting.objects.filter(center=self.center).aggregate(s=Sum("amount"))["s"] or 0
            assert everything == 0
            assert -cash >= 0

        @invariant()
        def restricted_money_pays_only_its_own_purpose(self):
            # Every aid credit of purpose Q is matched, in its transaction, by a debit of fund Q or general.
            for posting in Posting.objects.filter(center=self.center, account__kind=Account.Kind.AID, amount__gt=0,
                                                  transaction__reverses__isnull=True).select_related("account"):
                funds = set(Posting.objects.filter(transaction_id=posting.transaction_id, amount__lt=0,
                                                   account__kind=Account.Kind.FUND)
                            .values_list("account__purpose__code", flat=True))
                assert funds <= {posting.account.purpose.code, "general"}

    return Ledger


@pytest.mark.django_db
def test_ledger_state_machine(world):
    run_state_machine_as_test(make_machine(world),
                              settings=settings(max_examples=20, stateful_step_count=15, deadline=None))
