"""Interest-free loans (قرض‌الحسنه): the only writers of ``Loan``, its guarantors, instalments and repayments.

The money (DESIGN §5, docs/architecture.md §3b) moves only through ``contributions.services.ledger``, between
two accounts of the center for the purpose ``qard_hasan``:

- **disbursing** debits the qard al-hasan *fund* and credits the center's ``loans`` account (the fund's money
  out on loan): ``fund −A, loans +A``. The fund's database check (no fund below zero) therefore refuses a
  loan the fund cannot pay, and no other spend can use money that is out on loan;
- **a repayment** moves it back: ``loans −R, fund +R``, posted exactly once per reference (the receipt or
  bank slip number; unique at the center, and the ledger reference ``loan-repayment:<center>:<reference>``
  is unique in the database); partial and early payments go to the oldest open instalments first, and more
  than is still owed is refused;
- **a write-off** (on a recorded board decision, ``centers.services.supervision.decision_for_reference``)
  moves what is still owed to aid given: ``loans −X, aid(qard_hasan) +X``.

So for the purpose ``qard_hasan``: fund + loans + written-off aid changes only by money given to the fund,
never by lending; ``loans`` equals the principal still owed on open loans. Like ``spend`` (fund → aid), the
ledger core does not post the till: the cash handed to the borrower and the cash received back are the
payments step's, recorded here as the repayment's channel.

Every writer is keyword-only and atomic, asks the access module first (404 for another center's loan, 403
for a role that may not), then ``require_center_can_operate``, sets the row-level-security setting (a loan
reads its household), validates everything before writing, and refuses with a translated ``ValidationError``.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from beneficiaries import rls
from beneficiaries.models import Household, Loan, LoanGuarantor, LoanInstalment, LoanRepayment, Member
from centers.access import Action, Actor, require
from centers.models import Center
from centers.services.lifecycle import require_center_can_operate
from contributions.models import Account, LedgerTransaction, Posting
from contributions.services.ledger import account_for, transaction_post
from core.digits import to_latin_digits
from reporting.rollups import mark_stale

__all__ = [
    "LOAN_PURPOSE", "GuarantorInput", "loan_approve", "loan_decline", "loan_disburse", "loan_file",
    "loan_mark_overdue", "loan_outstanding", "loan_record_repayment", "loan_request", "loan_write_off",
    "loans_for", "overdue_loan_instalments", "qard_hasan_position",
]

LOAN_PURPOSE = "qard_hasan"
MAX_LOAN = 10**12  # rials (a hundred billion tomans): anything above is a typing mistake
MAX_INSTALMENTS = 120
MAX_FIRST_DUE_DAYS = 730
OPEN = LoanInstalment.OPEN


@dataclass(frozen=True)
class GuarantorInput:
    full_name: str
    note: str = ""


def _fail(message: str, code: str):
    raise ValidationError(message, code=code)


def _today(today: datetime.date | None) -> datetime.date:
    return today or timezone.localdate()


def _start(actor: Actor, action: Action, obj) -> Center:
    """Access first (an outsider learns nothing), then the center's license, then the RLS setting."""
    require(actor, action, obj)
    center = obj if isinstance(obj, Center) else obj.center
    require_center_can_operate(center)
    rls.apply_scope(fallback=[center.pk])
    return center


def _locked(loan: Loan) -> Loan:
    return Loan.objects.select_for_update().select_related("center").get(pk=loan.pk, center_id=loan.center_id)


def _whole(value, *, low: int, high: int, message: str, code: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        _fail(message, code)
    return value


def _date(value, message: str, code: str) -> datetime.date:
    if not isinstance(value, datetime.date) or isinstance(value, datetime.datetime):
        _fail(message, code)
    return value


def _accounts(center: Center) -> tuple[Account, Account]:
    return (account_for(center, Account.Kind.FUND, LOAN_PURPOSE), account_for(center, Account.Kind.LOANS, LOAN_PURPOSE))


# --- Reads ------------------------------------------------------------------------------------------------

def loan_outstanding(loan: Loan) -> int:
    """Principal still owed: the open instalments' unpaid rials (0 before disbursement and once closed)."""
    total = loan.instalments.filter(status__in=OPEN).aggregate(due=Sum("amount_due", default=0),
                                                              paid=Sum("amount_paid", default=0))
    return total["due"] - total["paid"]


def loans_for(*, actor: Actor, center: Center, status: str = "", today: datetime.date | None = None) -> QuerySet[Loan]:
    """The center's loans with ``paid`` and ``outstanding`` (rials) and ``overdue_count`` (open instalments
    whose day has passed, whether or not the daily task has marked them yet)."""
    require(actor, Action.VIEW_LOANS, center)
    rls.apply_scope(fallback=[center.pk])
    today = _today(today)
    loans = Loan.objects.filter(center=center)
    if status:
        loans = loans.filter(status=status)
    return (loans.select_related("borrower", "household")
            .annotate(paid=Sum("instalments__amount_paid", default=0),
                      open_due=Sum("instalments__amount_due", default=0, filter=Q(instalments__status__in=OPEN)),
                      open_paid=Sum("instalments__amount_paid", default=0, filter=Q(instalments__status__in=OPEN)),
                      overdue_count=Count("instalments", filter=Q(instalments__status__in=OPEN,
                                                                  instalments__due_on__lt=today)))
            .annotate(outstanding=F("open_due") - F("open_paid"))
            .order_by("-requested_on", "-pk"))


def loan_file(*, actor: Actor, center: Center, loan_id: int) -> Loan:
    """One loan of ``center`` with its schedule, repayments and guarantors; 404 when not this center's."""
    require(actor, Action.VIEW_LOANS, center)
    rls.apply_scope(fallback=[center.pk])
    loan = (Loan.objects.filter(center=center, pk=loan_id)
            .select_related("household__head", "borrower", "decided_by", "created_by").first())
    require(actor, Action.VIEW_LOANS, loan)
    return loan


def overdue_loan_instalments(*, center: Center, today: datetime.date | None = None) -> QuerySet[LoanInstalment]:
    """Open instalments of the center's open loans whose day has passed, oldest first (the overdue list)."""
    rls.apply_scope(fallback=[center.pk])
    return (LoanInstalment.objects
            .filter(center=center, status__in=OPEN, due_on__lt=_today(today),
                    loan__status__in=[Loan.Status.DISBURSED, Loan.Status.REPAYING])
            .select_related("loan__borrower", "loan__household").order_by("due_on", "pk"))


def qard_hasan_position(*, center: Center) -> dict[str, int]:
    """The qard al-hasan fund's money available to lend, out on loan, and written off (rials)."""
    rows = dict(Posting.objects.filter(center=center, account__purpose__code=LOAN_PURPOSE,
                                       account__kind__in=[Account.Kind.FUND, Account.Kind.LOANS, Account.Kind.AID])
                .values_list("account__kind").annotate(total=Sum("amount")))
    return {"available": int(rows.get(Account.Kind.FUND, 0)), "on_loan": int(rows.get(Account.Kind.LOANS, 0)),
            "written_off": int(rows.get(Account.Kind.AID, 0))}


# --- Writers ----------------------------------------------------------------------------------------------

@transaction.atomic
def loan_request(*, actor: Actor, household: Household, borrower: Member, amount: int, purpose: str,
                 instalment_count: int, first_due_on: datetime.date, purpose_note: str = "",
                 guarantors: Sequence[GuarantorInput] = (), requested_on: datetime.date | None = None) -> Loan:
    """Records a loan request for ``household`` (one of its members the borrower), with its schedule: the
    count of monthly instalments and the first due date (later ones on the same Jalali day, clamped)."""
    center = _start(actor, Action.MANAGE_LOANS, household)
    today = timezone.localdate()
    requested_on = _date(requested_on or today, _("The date of the request is not valid."), "bad_date")
    if requested_on > today:
        _fail(_("The request cannot be dated in the future."), "future_date")
    if household.status != Household.Status.ACTIVE:
        _fail(_("The household's file is closed."), "household_closed")
    if borrower is None or borrower.household_id != household.pk or borrower.center_id != center.pk:
        _fail(_("The borrower must be a member of the household."), "bad_borrower")
    _whole(amount, low=1, high=MAX_LOAN, code="bad_amount",
           message=_("The amount must be a positive whole number of rials."))
    if purpose not in Loan.Purpose.values:
        _fail(_("Unknown purpose of the loan."), "bad_purpose")
    _whole(instalment_count, low=1, high=MAX_INSTALMENTS, code="bad_instalments",
           message=_("The number of instalments must be between 1 and 120."))
    first_due_on = _date(first_due_on, _("The first due date is not valid."), "bad_first_due")
    if not requested_on < first_due_on <= requested_on + datetime.timedelta(days=MAX_FIRST_DUE_DAYS):
        _fail(_("The first instalment must fall after the request and within two years of it."), "bad_first_due")
    if amount < instalment_count:
        _fail(_("Each instalment must be at least one rial."), "bad_instalments")
    people = []
    for guarantor in guarantors:
        name = (guarantor.full_name or "").strip()
        if not name:
            _fail(_("Every guarantor needs a name."), "guarantor_name")
        people.append((name[:128], (guarantor.note or "").strip()))
    loan = Loan.objects.create(center=center, household=household, borrower=borrower, amount=amount,
                               purpose=purpose, purpose_note=(purpose_note or "").strip(),
                               instalment_count=instalment_count, first_due_on=first_due_on,
                               requested_on=requested_on, created_by=actor.user)
    LoanGuarantor.objects.bulk_create([LoanGuarantor(center=center, loan=loan, full_name=name, note=note)
                                       for name, note in people])
    return loan


@transaction.atomic
def loan_approve(*, actor: Actor, loan: Loan, note: str = "") -> Loan:
    """Approves a requested loan (it can then be disbursed)."""
    _start(actor, Action.MANAGE_LOANS, loan)
    loan = _locked(loan)
    if loan.status != Loan.Status.REQUESTED:
        _fail(_("Only a requested loan can be approved or declined."), "not_requested")
    loan.status, loan.decided_on, loan.decided_by = Loan.Status.APPROVED, timezone.localdate(), actor.user
    loan.decision_note = (note or "").strip()
    loan.save(update_fields=["status", "decided_on", "decided_by", "decision_note"])
    return loan


@transaction.atomic
def loan_decline(*, actor: Actor, loan: Loan, reason: str) -> Loan:
    """Declines a requested loan; the reason is kept."""
    _start(actor, Action.MANAGE_LOANS, loan)
    loan = _locked(loan)
    if loan.status != Loan.Status.REQUESTED:
        _fail(_("Only a requested loan can be approved or declined."), "not_requested")
    if not (reason or "").strip():
        _fail(_("Write why the loan is declined."), "reason_required")
    loan.status, loan.decided_on, loan.decided_by = Loan.Status.DECLINED, timezone.localdate(), actor.user
    loan.decision_note = reason.strip()
    loan.save(update_fields=["status", "decided_on", "decided_by", "decision_note"])
    return loan


def _instalment_amounts(amount: int, count: int) -> list[int]:
    """Equal instalments; the rials that do not divide evenly go to the last one."""
    base = amount // count
    return [base] * (count - 1) + [amount - base * (count - 1)]


@transaction.atomic
def loan_disburse(*, actor: Actor, loan: Loan, disbursed_on: datetime.date | None = None) -> Loan:
    """Pays an approved loan out of the qard al-hasan fund (fund −A, loans +A) and writes its instalments.
    Refused, with nothing stored, when the fund does not hold the amount (the ledger's check, under the
    fund's row lock)."""
    center = _start(actor, Action.HANDLE_LOAN_MONEY, loan)
    loan = _locked(loan)
    today = timezone.localdate()
    if loan.status != Loan.Status.APPROVED:
        _fail(_("Only an approved loan can be disbursed."), "not_approved")
    disbursed_on = _date(disbursed_on or today, _("The date of disbursement is not valid."), "bad_date")
    if disbursed_on > today:
        _fail(_("The disbursement cannot be dated in the future."), "future_date")
    if disbursed_on < loan.requested_on:
        _fail(_("The disbursement cannot be dated before the request."), "bad_date")
    if loan.first_due_on <= disbursed_on:
        _fail(_("The first instalment must fall after the disbursement."), "bad_first_due")
    if Household.objects.filter(pk=loan.household_id, center=center, status=Household.Status.ACTIVE).count() != 1:
        _fail(_("The household's file is closed."), "household_closed")
    fund, on_loan = _accounts(center)
    tx = transaction_post(center=center, lines=[(fund, -loan.amount), (on_loan, loan.amount)],
                          occurred_on=disbursed_on, reference=f"loan:{loan.pk}:disbursement", user=actor.user,
                          memo=_("Interest-free loan %(number)s disbursed") % {"number": loan.pk})
    LoanInstalment.objects.bulk_create([
        LoanInstalment(center=center, loan=loan, sequence=index + 1, due_on=due_on, amount_due=amount_due)
        for index, (due_on, amount_due) in enumerate(zip(loan.planned_due_dates(),
                                                         _instalment_amounts(loan.amount, loan.instalment_count),
                                                         strict=True))])
    loan.status, loan.disbursed_on, loan.disbursement_transaction = Loan.Status.DISBURSED, disbursed_on, tx
    loan.save(update_fields=["status", "disbursed_on", "disbursement_transaction"])
    mark_stale(loan.center_id, loan.disbursed_on)
    return loan


def _allocate(loan: Loan, amount: int, *, paid_on: datetime.date, today: datetime.date) -> list[dict]:
    """Applies ``amount`` to the open instalments, oldest first; returns what went where."""
    allocation = []
    remaining = amount
    for instalment in loan.instalments.select_for_update().filter(status__in=OPEN).order_by("sequence"):
        if remaining <= 0:
            break
        take = min(remaining, instalment.remaining)
        instalment.amount_paid += take
        remaining -= take
        if instalment.amount_paid == instalment.amount_due:
            instalment.status, instalment.paid_on = LoanInstalment.Status.PAID, paid_on
        elif instalment.due_on < today:
            instalment.status = LoanInstalment.Status.OVERDUE
        else:
            instalment.status = LoanInstalment.Status.PARTLY_PAID
        instalment.save(update_fields=["amount_paid", "status", "paid_on"])
        allocation.append({"sequence": instalment.sequence, "amount": take})
    if remaining:  # checked against the outstanding amount under the loan's lock
        raise AssertionError("loan repayment left unallocated")
    return allocation


@transaction.atomic
def loan_record_repayment(*, actor: Actor, loan: Loan, amount: int, received_on: datetime.date, reference: str,
                          channel: str = LoanRepayment.Channel.CASH,
                          today: datetime.date | None = None) -> LoanRepayment:
    """Records money the borrower paid back: posted once (loans −R, fund +R) and applied to the oldest open
    instalments first; a partial or early payment is welcome, more than is still owed is refused, and a
    reference already recorded at the center is refused (nothing posts twice)."""
    center = _start(actor, Action.HANDLE_LOAN_MONEY, loan)
    loan = _locked(loan)
    today = _today(today)
    if loan.status not in (Loan.Status.DISBURSED, Loan.Status.REPAYING):
        _fail(_("This loan takes no repayments."), "not_repayable")
    # The number as written on the slip, in Latin digits: «۱۰۱» and «101» are the same receipt.
    reference = to_latin_digits(reference if isinstance(reference, str) else "").strip().upper()
    if not reference or len(reference) > 64:
        _fail(_("Give the receipt or bank slip number (at most 64 characters)."), "reference_required")
    if channel not in LoanRepayment.Channel.values:
        _fail(_("Unknown way of payment."), "bad_channel")
    received_on = _date(received_on, _("The date received is not valid."), "bad_date")
    if received_on > today or received_on < loan.disbursed_on:
        _fail(_("The repayment must be dated between the disbursement and today."), "bad_date")
    _whole(amount, low=1, high=MAX_LOAN, code="bad_amount",
           message=_("The amount must be a positive whole number of rials."))
    if LoanRepayment.objects.filter(center=center, reference=reference).exists():
        _fail(_("A repayment with this reference has already been recorded."), "duplicate_reference")
    outstanding = loan_outstanding(loan)
    if amount > outstanding:
        _fail(_("The payment is more than the %(outstanding)s rials still owed on this loan.")
              % {"outstanding": f"{outstanding:,}"}, "overpayment")
    fund, on_loan = _accounts(center)
    try:
        with transaction.atomic():
            tx = transaction_post(center=center, lines=[(on_loan, -amount), (fund, amount)], occurred_on=received_on,
                                  reference=f"loan-repayment:{center.pk}:{reference}", user=actor.user,
                                  memo=_("Repayment of interest-free loan %(number)s") % {"number": loan.pk})
            allocation = _allocate(loan, amount, paid_on=received_on, today=today)
            repayment = LoanRepayment.objects.create(center=center, loan=loan, amount=amount, received_on=received_on,
                                                     channel=channel, reference=reference, allocation=allocation,
                                                     transaction=tx, recorded_by=actor.user)
    except IntegrityError:  # a concurrent repayment with the same reference won the race
        _fail(_("A repayment with this reference has already been recorded."), "duplicate_reference")
    if amount == outstanding:
        loan.status, loan.repaid_on = Loan.Status.REPAID, received_on
    else:
        loan.status = Loan.Status.REPAYING
    loan.save(update_fields=["status", "repaid_on"])
    mark_stale(loan.center_id, repayment.received_on)
    return repayment


@transaction.atomic
def loan_write_off(*, actor: Actor, loan: Loan, decision_reference: str, reason: str) -> Loan:
    """Writes off what is still owed, on a recorded board decision (its reference, e.g. ``1405/03-2``): the
    unpaid principal leaves the loans account as aid of qard al-hasan (loans −X, aid +X)."""
    from centers.services.supervision import decision_for_reference

    center = _start(actor, Action.MANAGE_LOANS, loan)
    loan = _locked(loan)
    if loan.status not in (Loan.Status.DISBURSED, Loan.Status.REPAYING):
        _fail(_("Only a loan with money still owed can be written off."), "not_open")
    decision_reference = to_latin_digits(decision_reference if isinstance(decision_reference, str) else "").strip()
    if decision_for_reference(center, decision_reference) is None:
        _fail(_("Name a decision recorded in the board's minutes, such as 1405/03-2."), "decision_required")
    if not (reason or "").strip():
        _fail(_("Write why the loan is written off."), "reason_required")
    outstanding = loan_outstanding(loan)
    today = timezone.localdate()
    tx: LedgerTransaction = transaction_post(
        center=center, lines=[(account_for(center, Account.Kind.LOANS, LOAN_PURPOSE), -outstanding),
                              (account_for(center, Account.Kind.AID, LOAN_PURPOSE), outstanding)],
        occurred_on=today, reference=f"loan:{loan.pk}:write-off", user=actor.user,
        approval_reference=decision_reference,
        memo=_("Interest-free loan %(number)s written off (decision %(decision)s)")
        % {"number": loan.pk, "decision": decision_reference})
    loan.instalments.filter(status__in=OPEN).update(status=LoanInstalment.Status.WRITTEN_OFF)
    loan.status, loan.written_off_on, loan.write_off_transaction = Loan.Status.WRITTEN_OFF, today, tx
    loan.write_off_reference, loan.write_off_reason = decision_reference, reason.strip()
    loan.save(update_fields=["status", "written_off_on", "write_off_transaction", "write_off_reference",
                             "write_off_reason"])
    mark_stale(loan.center_id, loan.written_off_on)
    return loan


@transaction.atomic
def loan_mark_overdue(*, center: Center, today: datetime.date | None = None) -> int:
    """Marks the open instalments of open loans whose day has passed as overdue (the daily task). Returns how
    many were newly marked; running it twice a day marks nothing the second time."""
    rls.apply_scope(fallback=[center.pk])
    return (LoanInstalment.objects
            .filter(center=center, status__in=[LoanInstalment.Status.DUE, LoanInstalment.Status.PARTLY_PAID],
                    due_on__lt=_today(today), loan__status__in=[Loan.Status.DISBURSED, Loan.Status.REPAYING])
            .update(status=LoanInstalment.Status.OVERDUE))
