"""Ledger services: the only writers of ``LedgerTransaction`` and ``Posting`` (DESIGN §5).

Sign convention (see ``contributions.models``): credit +, debit −. Funds are credited when money comes in
and debited when it is spent; a fund never goes below zero. Every writer is keyword-only, atomic, and first
asks ``require_center_can_operate`` (a center that cannot operate records nothing). Callers open the
center's scope (django-scopes), as every request and ``TenantTask`` does.

Rules enforced here (and, for the arithmetic ones, again by PostgreSQL triggers):

- a transaction has two or more non-zero lines summing to zero, all on accounts of its center;
- restricted money pays only for its own purpose: when a restricted fund of purpose P is debited, every fund
  or aid account credited in the same transaction must be of purpose P;
- spending general money, or moving it to another purpose's fund (``fund_transfer``), needs an approval
  recorded against a board decision (``approval_reference``, stored on the transaction); restricted money
  never moves to another purpose;
- money of purpose P sent to the province's central account (``services.central``) stays the fund of P's,
  so the fund cannot spend it while it is away: 0 ≤ central share of P ≤ fund of P;
- a reference posts exactly once: ``cash_received`` with a known reference returns the existing transaction;
- a transaction is reversed at most once, and a reversal is never itself reversed (post the original again
  instead): the chain stays one step long and easy to audit. A reversal is exempt from the purpose rule (it
  restores the state before a mistake, e.g. general money moved to the zakat fund by error goes back), but
  not from the fund rule: a reversal that would take a fund below zero is refused.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext as _

from centers.models import Center
from centers.services.lifecycle import require_center_can_operate
from contributions.models import Account, LedgerTransaction, Posting, Purpose

Line = tuple[Account, int]


# The purposes are a short national list read on every posting: kept in memory per process, dropped whenever
# a purpose is saved or deleted (the receivers below).
_PURPOSES_BY_CODE: dict[str, Purpose] = {}
_PURPOSES_BY_PK: dict[int, Purpose] = {}


def _forget_purposes(**_kwargs) -> None:
    _PURPOSES_BY_CODE.clear()
    _PURPOSES_BY_PK.clear()


post_save.connect(_forget_purposes, sender=Purpose, dispatch_uid="ledger_forget_purposes_save")
post_delete.connect(_forget_purposes, sender=Purpose, dispatch_uid="ledger_forget_purposes_delete")


def purpose_get(value: Purpose | str) -> Purpose:
    """The purpose given, or the one with that code (cached per process); an unknown code is refused."""
    if isinstance(value, Purpose):
        return value
    cached = _PURPOSES_BY_CODE.get(value) if isinstance(value, str) else None
    if cached is not None:
        return cached
    try:
        purpose = Purpose.objects.get(code=value)
    except (Purpose.DoesNotExist, ValueError, TypeError):
        raise ValidationError(_("Unknown purpose “%(code)s”.") % {"code": value}, code="unknown_purpose") from None
    _PURPOSES_BY_CODE[purpose.code] = _PURPOSES_BY_PK[purpose.pk] = purpose
    return purpose


def _purpose_by_pk(pk: int) -> Purpose:
    purpose = _PURPOSES_BY_PK.get(pk)
    if purpose is None:
        purpose = Purpose.objects.get(pk=pk)
        _PURPOSES_BY_CODE[purpose.code] = _PURPOSES_BY_PK[purpose.pk] = purpose
    return purpose


def account_for(center: Center, kind: str, purpose: Purpose | str | None = None) -> Account:
    """The center's account of ``kind`` (and ``purpose`` for funds, aid and the central account), created on
    first use. (``get_or_create`` makes its own savepoint when it creates; a read needs none.)"""
    purpose_obj = purpose_get(purpose) if purpose is not None else None
    if kind == Account.Kind.FUND and purpose_obj is None:
        raise ValidationError(_("A fund needs a purpose."), code="fund_needs_purpose")
    account, _created = Account.objects.get_or_create(center=center, kind=kind, purpose=purpose_obj)
    return account


def positive_amount(amount) -> int:
    """``amount`` itself when it is a positive whole number of rials; otherwise a translated refusal."""
    if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
        raise ValidationError(_("The amount must be a positive whole number of rials."), code="bad_amount")
    return amount


def _check_lines(center: Center, lines: list[Line], *, reversal: bool = False) -> None:
    if len(lines) < 2:
        raise ValidationError(_("A transaction needs at least two lines."), code="too_few_lines")
    for account, amount in lines:
        if not isinstance(amount, int) or isinstance(amount, bool) or amount == 0:
            raise ValidationError(_("Every line needs a non-zero whole amount in rials."), code="bad_amount")
        if account.center_id != center.pk:
            raise ValidationError(_("Every account of a transaction must belong to its center."),
                                  code="wrong_center")
    if len({account.pk for account, _amount in lines}) != len(lines):
        raise ValidationError(_("Each account may appear only once in a transaction."), code="repeated_account")
    if sum(amount for _account, amount in lines) != 0:
        raise ValidationError(_("The transaction is unbalanced: its lines must sum to zero."), code="unbalanced")
    if reversal:
        return  # a reversal restores the state before a mistake: the purpose rule judged the original
    debited_restricted = {a.purpose_id for a, amount in lines
                          if a.kind == Account.Kind.FUND and amount < 0 and _purpose_by_pk(a.purpose_id).restricted}
    if not debited_restricted:
        return
    for account, amount in lines:
        if (amount > 0 and account.kind in (Account.Kind.FUND, Account.Kind.AID)
                and debited_restricted - {account.purpose_id}):
            raise ValidationError(_("Restricted money pays only for its own purpose."), code="restricted_purpose")


# Accounts that may never go below zero (the database checks them too, migration 0003 and its successor):
# the funds, and the value of goods in stock when the stock area posts it.
NON_NEGATIVE_KINDS = frozenset({Account.Kind.FUND, "goods"})


def _lock_funds_and_check(center: Center, lines: list[Line]) -> None:
    """Locks the funds this transaction could overdraw and checks them, so concurrent writers serialise on
    the fund's row (in primary-key order: they never deadlock).

    Only what can break a rule is locked and summed: a transaction that only credits funds (a gift
    received) locks nothing. Checked, for every purpose P whose fund is debited or whose central account
    moves (``services.central``):

    - the fund of P (and any other non-negative account debited) does not go below zero;
    - the center's share of the provincial central account of P does not go below zero (nothing is
      allocated back that was not sent), and stays covered by the fund of P: money held centrally for P is
      the fund's money, so the fund cannot spend it while it is away.
    """
    deltas: dict[int, int] = {}
    debited_other: dict[int, int] = {}
    fund_purposes: set[int] = set()
    central_delta: dict[int, int] = {}
    for account, amount in lines:
        if account.kind == Account.Kind.FUND:
            deltas[account.pk] = deltas.get(account.pk, 0) + amount
            if amount < 0:
                fund_purposes.add(account.purpose_id)
        elif account.kind == Account.Kind.CENTRAL:
            central_delta[account.purpose_id] = central_delta.get(account.purpose_id, 0) + amount
            fund_purposes.add(account.purpose_id)
        elif account.kind in NON_NEGATIVE_KINDS and amount < 0:
            debited_other[account.pk] = amount
    if not fund_purposes and not debited_other:
        return
    locked = list(Account.objects.select_for_update()
                  .filter(Q(center=center, kind=Account.Kind.FUND, purpose_id__in=fund_purposes)
                          | Q(pk__in=debited_other))
                  .order_by("pk").values_list("pk", "kind", "purpose_id"))
    fund_by_purpose = {purpose_id: pk for pk, kind, purpose_id in locked if kind == Account.Kind.FUND}
    rows = (Posting.objects.filter(center=center)
            .filter(Q(account_id__in=[*fund_by_purpose.values(), *debited_other])
                    | Q(account__kind=Account.Kind.CENTRAL, account__purpose_id__in=fund_purposes))
            .values_list("account_id", "account__kind", "account__purpose_id").annotate(total=Sum("amount")))
    balances: dict[int, int] = {}
    central: dict[int, int] = {}
    for account_id, kind, purpose_id, total in rows:
        if kind == Account.Kind.CENTRAL:
            central[purpose_id] = int(total)
        else:
            balances[account_id] = int(total)
    for pk, delta in debited_other.items():
        if balances.get(pk, 0) + delta < 0:
            raise ValidationError(_("The fund does not hold enough money for this transaction."),
                                  code="insufficient_funds")
    for purpose_id in fund_purposes:
        fund_pk = fund_by_purpose.get(purpose_id)
        fund_after = (balances.get(fund_pk, 0) + deltas.get(fund_pk, 0)) if fund_pk else 0
        held_after = -(central.get(purpose_id, 0) + central_delta.get(purpose_id, 0))
        if held_after < 0:
            raise ValidationError(_("The center's share of the provincial central account is not enough."),
                                  code="insufficient_central")
        if fund_after < 0:
            raise ValidationError(_("The fund does not hold enough money for this transaction."),
                                  code="insufficient_funds")
        if held_after > fund_after:
            raise ValidationError(_("Part of this fund's money is held in the provincial central account; "
                                    "it can be spent once it is allocated back."), code="held_centrally")


def transaction_post(*, center: Center, lines: list[Line], occurred_on: datetime.date, memo: str = "",
                     reference: str = "", user=None, reverses: LedgerTransaction | None = None,
                     approval_reference: str = "") -> LedgerTransaction:
    """Posts one balanced transaction, or refuses it (ValidationError) and records nothing.

    Atomic like every writer, without the cost of a savepoint when a caller's transaction is open (it is
    called once per gift): every check, the fund locks included, runs before anything is written, so a
    refusal leaves the caller's transaction untouched; the two writes then share the caller's transaction,
    and a database error in them (a concurrent duplicate reference) rolls the caller's transaction back."""
    if not transaction.get_connection().in_atomic_block:
        with transaction.atomic():
            return _post(center=center, lines=lines, occurred_on=occurred_on, memo=memo, reference=reference,
                         user=user, reverses=reverses, approval_reference=approval_reference)
    return _post(center=center, lines=lines, occurred_on=occurred_on, memo=memo, reference=reference, user=user,
                 reverses=reverses, approval_reference=approval_reference)


def _post(*, center, lines, occurred_on, memo, reference, user, reverses, approval_reference) -> LedgerTransaction:
    require_center_can_operate(center)
    _check_lines(center, lines, reversal=reverses is not None)
    if reference and LedgerTransaction.objects.filter(reference=reference).exists():
        raise ValidationError(_("A transaction with this reference has already been posted."),
                              code="duplicate_reference")
    _lock_funds_and_check(center, lines)
    with transaction.atomic(savepoint=False):
        tx = LedgerTransaction.objects.create(center=center, occurred_on=occurred_on, memo=memo[:255],
                                              reference=reference, created_by=user, reverses=reverses,
                                              approval_reference=(approval_reference or "")[:128])
        Posting.objects.bulk_create([Posting(center=center, transaction=tx, account=account, amount=amount)
                                     for account, amount in lines])
    return tx


@transaction.atomic
def transaction_reverse(*, transaction: LedgerTransaction, user=None, memo: str = "",
                        occurred_on: datetime.date | None = None) -> LedgerTransaction:
    """Posts the mirror of ``transaction`` (every amount negated) pointing at it. Refuses a transaction that
    is already reversed, and a reversal (post the original again instead). A reversal that would take a fund
    below zero (its money was already spent) is refused too."""
    from django.utils import timezone

    original = transaction
    center = original.center
    require_center_can_operate(center)
    # Lock the original so two concurrent reversals serialise; the unique ``reverses`` key is the backstop.
    LedgerTransaction.objects.select_for_update().filter(pk=original.pk).exists()
    if original.reverses_id is not None:
        raise ValidationError(_("A reversal cannot itself be reversed; post the original again instead."),
                              code="reverse_reversal")
    if LedgerTransaction.objects.filter(reverses=original).exists():
        raise ValidationError(_("This transaction has already been reversed."), code="already_reversed")
    lines = [(p.account, -p.amount) for p in original.postings.select_related("account")]
    return transaction_post(center=center, lines=lines, occurred_on=occurred_on or timezone.localdate(),
                            memo=memo or _("Reversal of transaction #%(pk)s") % {"pk": original.pk},
                            user=user, reverses=original)


def cash_received(*, center: Center, purpose: Purpose | str, amount: int, occurred_on: datetime.date,
                  reference: str, user=None, via: str = Account.Kind.CASH) -> LedgerTransaction:
    """Records money received for ``purpose``: cash (or bank, ``via``) debited, the purpose's fund credited.
    Posts exactly once per ``reference``: a second call with the same reference returns the first
    transaction (refused if it was for another center or amount)."""
    require_center_can_operate(center)
    if not reference:
        raise ValidationError(_("A received contribution needs a reference."), code="reference_required")
    positive_amount(amount)
    if via not in (Account.Kind.CASH, Account.Kind.BANK):
        raise ValidationError(_("Money is received into the bank or cash on hand."), code="bad_via")
    existing = _existing(center=center, reference=reference, amount=amount)
    if existing is not None:
        return existing
    purpose_obj = purpose_get(purpose)
    try:
        with transaction.atomic():
            fund = account_for(center, Account.Kind.FUND, purpose_obj)
            holder = account_for(center, via)
            return transaction_post(center=center, lines=[(holder, -amount), (fund, amount)],
                                    occurred_on=occurred_on, reference=reference, user=user,
                                    memo=_("Received for %(purpose)s") % {"purpose": purpose_obj.name})
    except (IntegrityError, ValidationError) as error:
        # A concurrent call with the same reference won the race: return its transaction.
        existing = _existing(center=center, reference=reference, amount=amount)
        if existing is not None:
            return existing
        raise error


def _existing(*, center: Center, reference: str, amount: int) -> LedgerTransaction | None:
    from django_scopes import scopes_disabled

    with scopes_disabled():  # reviewed: references are unique across centers; only a refusal leaves here
        existing = LedgerTransaction.objects.filter(reference=reference).first()
        if existing is None:
            return None
        received = sum(p.amount for p in existing.postings.all() if p.amount > 0)
    if existing.center_id != center.pk or received != amount:
        raise ValidationError(_("This reference was already used for another contribution."),
                              code="reference_conflict")
    return existing


@transaction.atomic
def spend(*, center: Center, purpose: Purpose | str, amount: int, aid_purpose: Purpose | str,
          occurred_on: datetime.date, approval_reference: str = "", user=None) -> LedgerTransaction:
    """Grants aid of ``aid_purpose`` from the fund of ``purpose``: the fund debited, the aid account of
    ``aid_purpose`` credited. A restricted fund pays only aid of its own purpose; general money needs
    ``approval_reference`` (the board decision approving the spend), stored on the transaction and in its memo."""
    require_center_can_operate(center)
    positive_amount(amount)
    fund_purpose, aid = purpose_get(purpose), purpose_get(aid_purpose)
    if fund_purpose.restricted and fund_purpose.pk != aid.pk:
        raise ValidationError(_("Restricted money pays only for its own purpose."), code="restricted_purpose")
    approval_reference = (approval_reference or "").strip()
    if not fund_purpose.restricted and not approval_reference:
        raise ValidationError(_("Spending general money needs an approval recorded against a board decision."),
                              code="approval_required")
    fund = account_for(center, Account.Kind.FUND, fund_purpose)
    aid_account = account_for(center, Account.Kind.AID, aid)
    memo = _("Aid for %(purpose)s") % {"purpose": aid.name}
    if approval_reference:
        memo = f"{memo} ({_('approval')}: {approval_reference})"
    return transaction_post(center=center, lines=[(fund, -amount), (aid_account, amount)],
                            occurred_on=occurred_on, memo=memo[:255], user=user,
                            approval_reference=approval_reference)


@transaction.atomic
def fund_transfer(*, center: Center, from_purpose: Purpose | str, to_purpose: Purpose | str, amount: int,
                  approval_reference: str, occurred_on: datetime.date, user=None) -> LedgerTransaction:
    """Moves general money to the fund of another purpose (e.g. the council puts general money towards
    housing): the general fund debited, the other fund credited. Restricted money never moves to another
    purpose; general money moves only on a decision of the board or the council (``approval_reference``,
    stored on the transaction)."""
    require_center_can_operate(center)
    positive_amount(amount)
    source, destination = purpose_get(from_purpose), purpose_get(to_purpose)
    if source.pk == destination.pk:
        raise ValidationError(_("Choose two different purposes."), code="same_purpose")
    if source.restricted:
        raise ValidationError(_("Restricted money never moves to another purpose."), code="restricted_purpose")
    approval_reference = (approval_reference or "").strip()
    if not approval_reference:
        raise ValidationError(_("Moving general money needs an approval recorded against a board decision."),
                              code="approval_required")
    lines = [(account_for(center, Account.Kind.FUND, source), -amount),
             (account_for(center, Account.Kind.FUND, destination), amount)]
    memo = _("From %(source)s to %(destination)s (approval: %(approval)s)") % {
        "source": source.name, "destination": destination.name, "approval": approval_reference}
    return transaction_post(center=center, lines=lines, occurred_on=occurred_on, memo=memo[:255], user=user,
                            approval_reference=approval_reference)


def fund_balances(*, center: Center) -> dict[str, int]:
    """Each purpose's fund balance at the center, in rials (0 for a purpose with no fund yet). A read: it
    works for a center that cannot operate any more (its balances must stay visible)."""
    balances = {code: 0 for code in Purpose.objects.values_list("code", flat=True)}
    rows = (Posting.objects.filter(center=center, account__kind=Account.Kind.FUND)
            .values_list("account__purpose__code").annotate(total=Sum("amount")))
    for code, total in rows:
        balances[code] = int(total)
    return balances
