"""A random walk over the ledger's services, checking its invariants after every step (hypothesis.stateful).

Two centers of one organisation in one province, and a supervisor over the province. The steps: money received
(directly, or as contributions recorded, confirmed and reversed through the gifts services), aid spent,
general money moved between funds (the raw ledger and ``fund_transfer``), money sent to the province's central
account and allocated back (to the same center or from one center's share to the other), and reversals of any
of it. A plain Python model predicts each fund and each center's central share, and whether each step must
be accepted or refused.

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
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule, run_state_machine_as_test

from contributions import services
from contributions.models import Account, Contribution, LedgerTransaction, Posting
from contributions.tests.conftest import license_center

TODAY = datetime.date.today()
PURPOSES = ["general", "zakat", "food", "housing"]
RESTRICTED = {"zakat", "food", "housing"}
purposes = st.sampled_from(PURPOSES)
sides = st.sampled_from([0, 1])  # which of the two centers
amounts = st.integers(min_value=1_000, max_value=5_000)  # received
small = st.integers(min_value=1, max_value=1_500)  # spent or moved: often affordable, sometimes not
same_or_other = st.one_of(st.none(), purposes)  # None: the aid is of the fund's own purpose
channels = st.sampled_from([Contribution.Channel.IN_PERSON, Contribution.Channel.BANK_TRANSFER])


def make_machine(world):
    class Ledger(RuleBasedStateMachine):
        def __init__(self):
            super().__init__()
            self.centers = [license_center(world.center()), license_center(world.center())]
            self.supervisor = world.supervisor()
            self.scope = scope(center=[c.pk for c in self.centers])
            self.scope.__enter__()
            # The model: each center's fund balance and its share of the central account, per purpose.
            self.fund = [dict.fromkeys(PURPOSES, 0) for _ in self.centers]
            self.share = [dict.fromkeys(PURPOSES, 0) for _ in self.centers]
            self.transactions: list[int] = []  # ledger transactions the generic reversal may pick
            self.recorded: list[int] = []
            self.confirmed: list[int] = []
            self.n = 0

        def teardown(self):
            self.scope.__exit__(None, None, None)

        def _after(self):
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # runs the pending deferred checks now
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # and defers them again for the next step

        def _can_debit(self, side, purpose, amount):
            """A fund may give ``amount`` when it stays at or above zero and covers what is held centrally."""
            return self.fund[side][purpose] - amount >= max(0, self.share[side][purpose])

        # --- money in ---------------------------------------------------------------------------------------

        @rule(side=sides, purpose=purposes, amount=amounts)
        def receive(self, side, purpose, amount):
            self.n += 1
            tx = services.cash_received(center=self.centers[side], purpose=purpose, amount=amount,
                                        occurred_on=TODAY, via=Account.Kind.BANK,
                                        reference=f"sm-{self.centers[0].pk}-{self.n}")
            self.fund[side][purpose] += amount
            self.transactions.append(tx.pk)
            self._after()

        @rule(side=sides, purpose=purposes, amount=amounts, channel=channels)
        def record_contribution(self, side, purpose, amount, channel):
            gift = services.contribution_record(center=self.centers[side], kind=Contribution.Kind.CASH,
                                                purpose=purpose, amount=amount, received_on=TODAY, channel=channel)
            assert not gift.ledger_transaction_id  # recorded: nothing posted yet
            self.recorded.append(gift.pk)
            self._after()

        @precondition(lambda self: self.recorded)
        @rule(data=st.data(), twice=st.booleans())
        def confirm_contribution(self, data, twice):
            pk = data.draw(st.sampled_from(self.recorded))
            gift = Contribution.objects.get(pk=pk)
            confirmed = services.contribution_confirm(contribution=gift)
            if twice:  # confirming again changes nothing
                assert services.contribution_confirm(contribution=gift).ledger_transaction_id == \
                    confirmed.ledger_transaction_id
            side = [c.pk for c in self.centers].index(gift.center_id)
            self.fund[side][gift.purpose.code] += gift.amount
            self.recorded.remove(pk)
            self.confirmed.append(pk)
            self._after()

        @precondition(lambda self: self.recorded or self.confirmed)
        @rule(data=st.data())
        def reverse_contribution(self, data):
            pk = data.draw(st.sampled_from(self.recorded + self.confirmed))
            gift = Contribution.objects.get(pk=pk)
            side = [c.pk for c in self.centers].index(gift.center_id)
            posted = pk in self.confirmed
            allowed = not posted or self._can_debit(side, gift.purpose.code, gift.amount)
            try:
                services.contribution_reverse(contribution=gift, reason="ثبت اشتباه")
            except ValidationError as error:
                assert not allowed, error
                assert Contribution.objects.get(pk=pk).status == Contribution.Status.CONFIRMED
            else:
                assert allowed
                if posted:
                    self.fund[side][gift.purpose.code] -= gift.amount
                    self.confirmed.remove(pk)
                else:
                    self.recorded.remove(pk)
                assert Contribution.objects.get(pk=pk).status == Contribution.Status.REVERSED
            self._after()

        # --- money out and between funds --------------------------------------------------------------------

        @rule(side=sides, purpose=purposes, aid_purpose=same_or_other, amount=small, approved=st.booleans())
        def spend(self, side, purpose, aid_purpose, amount, approved):
            aid_purpose = aid_purpose or purpose
            restricted = purpose in RESTRICTED
            allowed = ((not restricted and approved) or (restricted and aid_purpose == purpose)) and (
                self._can_debit(side, purpose, amount))
            try:
                tx = services.spend(center=self.centers[side], purpose=purpose, amount=amount,
                                    aid_purpose=aid_purpose, occurred_on=TODAY,
                                    approval_reference="decision-7" if approved else "")
            except ValidationError:
                assert not allowed
            else:
                assert allowed
                self.fund[side][purpose] -= amount
                self.transactions.append(tx.pk)
            self._after()

        @rule(side=sides, source=purposes, destination=purposes, amount=small)
        def transfer(self, side, source, destination, amount):
            center = self.centers[side]
            src = services.account_for(center, Account.Kind.FUND, source)
            dst = services.account_for(center, Account.Kind.FUND, destination)
            allowed = source == "general" and source != destination and self._can_debit(side, source, amount)
            try:
                tx = services.transaction_post(center=center, lines=[(src, -amount), (dst, amount)],
                                               occurred_on=TODAY)
            except ValidationError:
                assert not allowed
            else:
                assert allowed
                self.fund[side][source] -= amount
                self.fund[side][destination] += amount
                self.transactions.append(tx.pk)
            self._after()

        @rule(side=sides, source=purposes, destination=purposes, amount=small, approved=st.booleans())
        def fund_transfer(self, side, source, destination, amount, approved):
            allowed = (source not in RESTRICTED and source != destination and approved
                       and self._can_debit(side, source, amount))
            try:
                tx = services.fund_transfer(center=self.centers[side], from_purpose=source, to_purpose=destination,
                                            amount=amount, approval_reference="council-3" if approved else "",
                                            occurred_on=TODAY)
            except ValidationError:
                assert not allowed
            else:
                assert allowed
                assert tx.approval_reference == "council-3"
                self.fund[side][source] -= amount
                self.fund[side][destination] += amount
                self.transactions.append(tx.pk)
            self._after()

        # --- the province's central account ------------------------------------------------------------------

        @rule(side=sides, purpose=purposes, amount=small)
        def central_transfer(self, side, purpose, amount):
            allowed = self.fund[side][purpose] >= self.share[side][purpose] + amount
            try:
                tx = services.central_transfer(center=self.centers[side], purpose=purpose, amount=amount,
                                               occurred_on=TODAY)
            except ValidationError:
                assert not allowed
            else:
                assert allowed
                self.share[side][purpose] += amount
                self.transactions.append(tx.pk)
            self._after()

        @rule(side=sides, source=sides, purpose=purposes, amount=small)
        def central_allocate(self, side, source, purpose, amount):
            allowed = self.share[source][purpose] >= amount
            try:
                allocation = services.central_allocate(
                    center=self.centers[side], source_center=self.centers[source], purpose=purpose, amount=amount,
                    decision_reference="shura-1405", occurred_on=TODAY, user=self.supervisor)
            except ValidationError:
                assert not allowed
            else:
                assert allowed
                self.share[source][purpose] -= amount
                if source != side:
                    self.fund[source][purpose] -= amount
                    self.fund[side][purpose] += amount
                    self.transactions.append(allocation.source_transaction_id)
                self.transactions.append(allocation.transaction_id)
            self._after()

        # --- reversals of anything the ledger posted ---------------------------------------------------------

        @precondition(lambda self: self.transactions)
        @rule(data=st.data())
        def reverse(self, data):
            pk = data.draw(st.sampled_from(self.transactions))
            original = LedgerTransaction.objects.get(pk=pk)
            side = [c.pk for c in self.centers].index(original.center_id)
            effect = {}
            for kind, code, s in (original.postings.filter(account__kind__in=[Account.Kind.FUND,
                                                                                Account.Kind.CENTRAL])
                                  .values_list("account__kind", "account__purpose__code")
                                  .annotate(s=Sum("amount"))):
                effect[(kind, code)] = s
            fund_after = {p: self.fund[side][p] - effect.get((Account.Kind.FUND, p), 0) for p in PURPOSES}
            share_after = {p: self.share[side][p] + effect.get((Account.Kind.CENTRAL, p), 0) for p in PURPOSES}
            reversible = (original.reverses_id is None
                          and not LedgerTransaction.objects.filter(reverses=original).exists()
                          and all(0 <= share_after[p] <= fund_after[p] for p in PURPOSES))
            try:
                services.transaction_reverse(transaction=original)
            except ValidationError:
                assert not reversible
            else:
                assert reversible
                self.fund[side] = fund_after
                self.share[side] = share_after
            self._after()

        # --- invariants ----------------------------------------------------------------------------------------

        @invariant()
        def every_transaction_balances(self):
            bad = (LedgerTransaction.objects.all()
                   .annotate(total=Sum("postings__amount"), lines=Count("postings"))
                   .exclude(total=0, lines__gte=2))
            assert not bad.exists()

        @invariant()
        def balances_are_the_sums_of_postings_and_match_the_model(self):
            for side, center in enumerate(self.centers):
                balances = services.fund_balances(center=center)
                shares = services.central_shares(center=center)
                for code in PURPOSES:
                    assert balances[code] == self.fund[side][code]
                    assert shares.get(code, 0) == self.share[side][code]
                    assert 0 <= shares.get(code, 0) <= balances[code]  # no fund below zero, shares covered
                # Money held (bank, cash, central) equals the funds minus the aid granted: nothing appears
                # or vanishes inside a center.
                by_kind = dict(Posting.objects.filter(center=center).values_list("account__kind")
                               .annotate(s=Sum("amount")))
                assert sum(by_kind.values()) == 0
            assert (Posting.objects.aggregate(s=Sum("amount"))["s"] or 0) == 0

        @invariant()
        def restricted_money_moves_only_within_its_purpose(self):
            # In every transaction that is not a reversal, a debited restricted fund of purpose P credits only
            # accounts of purpose P (its aid, its central share) or the bank: never another purpose.
            debits = (Posting.objects.filter(account__kind=Account.Kind.FUND, amount__lt=0,
                                             account__purpose__restricted=True,
                                             transaction__reverses__isnull=True)
                      .values_list("transaction_id", "account__purpose_id"))
            for tx_id, purpose_id in debits:
                credited = set(Posting.objects.filter(transaction_id=tx_id, amount__gt=0,
                                                      account__purpose__isnull=False)
                               .values_list("account__purpose_id", flat=True))
                assert credited <= {purpose_id}
            # Aid of purpose Q is paid by the fund of Q or by general money.
            for posting in Posting.objects.filter(account__kind=Account.Kind.AID, amount__gt=0,
                                                  transaction__reverses__isnull=True).select_related("account"):
                funds = set(Posting.objects.filter(transaction_id=posting.transaction_id, amount__lt=0,
                                                   account__kind=Account.Kind.FUND)
                            .values_list("account__purpose__code", flat=True))
                assert funds <= {posting.account.purpose.code, "general"}

    return Ledger


@pytest.mark.django_db
def test_ledger_state_machine(world):
    run_state_machine_as_test(make_machine(world),
                              settings=settings(max_examples=12, stateful_step_count=20, deadline=None))
