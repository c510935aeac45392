"""Interest-free loans: schedule, disbursement through the ledger, repayments, overdue, write-off."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone
from django_scopes import scope

from beneficiaries import services
from beneficiaries.models import Loan, LoanInstalment, LoanRepayment, loan_due_dates
from centers.models import BoardRole
from contributions.models import LedgerTransaction
from contributions.services.ledger import fund_balances
from contributions.tests.conftest import license_center
from core.jalali import from_jalali, to_jalali

from .helpers import national_code, register
from .loan_helpers import actor, decision, fund, request_loan

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


@pytest.fixture
def household(center, vice_chair):
    return register(center, vice_chair, head_code=national_code(301), head_first="نسرین", head_last="امینی")


@pytest.fixture
def finance(world, center):
    return world.trustee(center, BoardRole.FINANCE_OFFICER)


def _position(center):
    with scope(center=[center.pk]):
        return services.qard_hasan_position(center=center)


def _transactions(center):
    with scope(center=[center.pk]):
        return LedgerTransaction.objects.filter(center=center).count()


def _approved(center, vice_chair, household, **extra):
    loan = request_loan(center, vice_chair, household, **extra)
    with scope(center=[center.pk]):
        return services.loan_approve(actor=actor(vice_chair), loan=loan)


def _disbursed(center, vice_chair, finance, household, *, days_ago=0, **extra):
    today = TODAY()
    extra.setdefault("requested_on", today - datetime.timedelta(days=days_ago))
    loan = _approved(center, vice_chair, household, **extra)
    with scope(center=[center.pk]):
        return services.loan_disburse(actor=actor(finance), loan=loan,
                                      disbursed_on=today - datetime.timedelta(days=days_ago))


def _repay(center, user, loan, amount, reference, **extra):
    with scope(center=[center.pk]):
        return services.loan_record_repayment(actor=actor(user), loan=loan, amount=amount,
                                              received_on=extra.pop("received_on", TODAY()), reference=reference,
                                              **extra)


def test_schedule_from_the_31st_of_shahrivar_is_clamped_to_each_months_length():
    dates = loan_due_dates(from_jalali(1404, 6, 31), 8)
    jalali = [(d.year, d.month, d.day) for d in map(to_jalali, dates)]
    # Mehr to Bahman have 30 days; Esfand 1404 has 29 (1404 is not a leap year); Farvardin has 31 again.
    assert jalali == [(1404, 6, 31), (1404, 7, 30), (1404, 8, 30), (1404, 9, 30), (1404, 10, 30),
                      (1404, 11, 30), (1404, 12, 29), (1405, 1, 31)]


def test_disbursement_posts_from_the_fund_and_writes_the_schedule(center, vice_chair, household, finance):
    fund(center, 50_000_000, "qard-gift-1")
    loan = _disbursed(center, vice_chair, finance, household, amount=10_000_001, instalment_count=4)
    with scope(center=[center.pk]):
        instalments = list(loan.instalments.order_by("sequence"))
        assert loan.status == Loan.Status.DISBURSED
        assert [i.amount_due for i in instalments] == [2_500_000, 2_500_000, 2_500_000, 2_500_001]
        assert [i.due_on for i in instalments] == loan_due_dates(loan.first_due_on, 4)
        assert services.loan_outstanding(loan) == 10_000_001
        assert fund_balances(center=center)["qard_hasan"] == 50_000_000 - 10_000_001
    assert _position(center) == {"available": 39_999_999, "on_loan": 10_000_001, "written_off": 0}


def test_disbursement_refused_when_the_fund_lacks_money_leaves_everything_unchanged(center, vice_chair, household,
                                                                                    finance):
    fund(center, 5_000_000, "qard-gift-2")
    loan = _approved(center, vice_chair, household, amount=8_000_000)
    before = _transactions(center)
    with scope(center=[center.pk]), pytest.raises(ValidationError) as refused:
        services.loan_disburse(actor=actor(finance), loan=loan)
    assert refused.value.code == "insufficient_funds"
    with scope(center=[center.pk]):
        loan.refresh_from_db()
        assert loan.status == Loan.Status.APPROVED and loan.disbursement_transaction is None
        assert not LoanInstalment.objects.filter(loan=loan).exists()
    assert _transactions(center) == before
    assert _position(center) == {"available": 5_000_000, "on_loan": 0, "written_off": 0}


def test_repayment_goes_to_the_oldest_instalments_first_partial_and_early(center, vice_chair, household, finance):
    fund(center, 30_000_000, "qard-gift-3")
    loan = _disbursed(center, vice_chair, finance, household, amount=9_000_000, instalment_count=3)
    first = _repay(center, finance, loan, 4_000_000, "R-100")
    assert first.allocation == [{"sequence": 1, "amount": 3_000_000}, {"sequence": 2, "amount": 1_000_000}]
    second = _repay(center, finance, loan, 1_500_000, "R-101", channel="bank")
    assert second.allocation == [{"sequence": 2, "amount": 1_500_000}]
    with scope(center=[center.pk]):
        rows = {i.sequence: (i.amount_paid, i.status) for i in loan.instalments.all()}
        loan.refresh_from_db()
        assert rows == {1: (3_000_000, "paid"), 2: (2_500_000, "partly_paid"), 3: (0, "due")}
        assert loan.status == Loan.Status.REPAYING
        assert services.loan_outstanding(loan) == 3_500_000
        with pytest.raises(ValidationError) as too_much:
            services.loan_record_repayment(actor=actor(finance), loan=loan, amount=3_500_001, reference="R-102",
                                           received_on=TODAY())
        assert too_much.value.code == "overpayment"
    _repay(center, finance, loan, 3_500_000, "R-103")  # an early payment of everything left
    with scope(center=[center.pk]):
        loan.refresh_from_db()
        assert loan.status == Loan.Status.REPAID and loan.repaid_on == TODAY()
        assert set(loan.instalments.values_list("status", flat=True)) == {"paid"}
    assert _position(center) == {"available": 30_000_000, "on_loan": 0, "written_off": 0}


def test_the_same_repayment_reference_never_posts_twice(center, vice_chair, household, finance):
    fund(center, 30_000_000, "qard-gift-4")
    loan = _disbursed(center, vice_chair, finance, household, amount=6_000_000, instalment_count=3)
    _repay(center, finance, loan, 2_000_000, "SLIP-7")
    transactions = _transactions(center)
    with pytest.raises(ValidationError) as again:
        _repay(center, finance, loan, 2_000_000, "SLIP-7")
    assert again.value.code == "duplicate_reference"
    assert _transactions(center) == transactions
    with scope(center=[center.pk]):
        assert LoanRepayment.objects.filter(loan=loan).count() == 1
        assert services.loan_outstanding(loan) == 4_000_000


def test_overdue_instalments_are_marked_once_and_listed_with_days_late(center, vice_chair, household, finance):
    fund(center, 30_000_000, "qard-gift-5")
    today = TODAY()
    loan = _disbursed(center, vice_chair, finance, household, days_ago=80, amount=3_000_000, instalment_count=3,
                      first_due_on=today - datetime.timedelta(days=50))
    with scope(center=[center.pk]):
        marked = services.loan_mark_overdue(center=center)
        assert marked == 2  # the first two months have passed (50 and about 20 days ago)
        assert services.loan_mark_overdue(center=center) == 0
        overdue = list(services.overdue_loan_instalments(center=center))
        assert [i.sequence for i in overdue] == [1, 2]
        assert overdue[0].days_late(today) == 50
    _repay(center, finance, loan, 1_000_000, "R-200")
    with scope(center=[center.pk]):
        assert [i.sequence for i in services.overdue_loan_instalments(center=center)] == [2]


def test_write_off_needs_a_recorded_board_decision(world, center, vice_chair, household, finance):
    fund(center, 20_000_000, "qard-gift-6")
    loan = _disbursed(center, vice_chair, finance, household, amount=6_000_000, instalment_count=2)
    _repay(center, finance, loan, 3_000_000, "R-300")
    with scope(center=[center.pk]), pytest.raises(ValidationError) as refused:
        services.loan_write_off(actor=actor(vice_chair), loan=loan, decision_reference="1404/99-9",
                                reason="فوت وام‌گیرنده")
    assert refused.value.code == "decision_required"
    reference = decision(center, vice_chair)
    with scope(center=[center.pk]):
        loan = services.loan_write_off(actor=actor(vice_chair), loan=loan, decision_reference=reference,
                                       reason="فوت وام‌گیرنده")
        assert loan.status == Loan.Status.WRITTEN_OFF
        assert loan.write_off_transaction.approval_reference == reference
        assert set(loan.instalments.values_list("status", flat=True)) == {"paid", "written_off"}
    assert _position(center) == {"available": 17_000_000, "on_loan": 0, "written_off": 3_000_000}


def test_fund_plus_loans_plus_written_off_is_constant_over_a_sequence(world, center, vice_chair, household, finance):
    fund(center, 40_000_000, "qard-gift-7")
    second = register(center, vice_chair, head_code=national_code(302), head_first="رحیم")
    total = 40_000_000

    def check():
        position = _position(center)
        assert sum(position.values()) == total
        with scope(center=[center.pk]):
            open_loans = Loan.objects.filter(center=center, status__in=["disbursed", "repaying"])
            assert position["on_loan"] == sum(services.loan_outstanding(loan) for loan in open_loans)
            assert all(v >= 0 for v in position.values())

    a = _disbursed(center, vice_chair, finance, household, amount=15_000_000, instalment_count=5)
    check()
    b = _disbursed(center, vice_chair, finance, second, amount=20_000_000, instalment_count=4)
    check()
    with pytest.raises(ValidationError):
        _disbursed(center, vice_chair, finance, household, amount=6_000_000)  # only 5,000,000 left
    check()
    _repay(center, finance, a, 7_000_000, "S-1")
    check()
    _repay(center, finance, b, 20_000_000, "S-2")
    check()
    fund(center, 1_000_000, "qard-gift-8")
    total += 1_000_000
    check()
    with scope(center=[center.pk]):
        services.loan_write_off(actor=actor(vice_chair), loan=a, decision_reference=decision(center, vice_chair),
                                reason="ناتوانی در بازپرداخت")
    check()
    assert _position(center) == {"available": 33_000_000, "on_loan": 0, "written_off": 8_000_000}


def test_request_validation_refuses_bad_input_and_stores_nothing(world, center, vice_chair, household):
    other = register(center, vice_chair, head_code=national_code(303), head_first="سارا")
    cases = [
        ({"amount": 0}, "bad_amount"),
        ({"amount": "1000"}, "bad_amount"),
        ({"purpose": "holiday"}, "bad_purpose"),
        ({"instalment_count": 0}, "bad_instalments"),
        ({"instalment_count": 121}, "bad_instalments"),
        ({"first_due_on": TODAY()}, "bad_first_due"),
        ({"first_due_on": "1404-07-01"}, "bad_first_due"),
        ({"guarantors": [services.GuarantorInput("  ")]}, "guarantor_name"),
    ]
    for extra, code in cases:
        with pytest.raises(ValidationError) as refused:
            request_loan(center, vice_chair, household, **extra)
        assert refused.value.code == code, extra
    with scope(center=[center.pk]), pytest.raises(ValidationError) as wrong_borrower:
        services.loan_request(actor=actor(vice_chair), household=household, borrower=other.head, amount=1_000_000,
                              purpose="treatment", instalment_count=2,
                              first_due_on=TODAY() + datetime.timedelta(days=20))
    assert wrong_borrower.value.code == "bad_borrower"
    with scope(center=[center.pk]):
        assert not Loan.objects.exists()


def test_roles(world, center, vice_chair, household, finance):
    qard = world.trustee(center, BoardRole.QARD_HASAN_OFFICER)
    donor_relations = world.trustee(center, BoardRole.DONOR_RELATIONS_MEN)
    loan = request_loan(center, qard, household)  # the qard al-hasan officer records requests
    with scope(center=[center.pk]):
        with pytest.raises(PermissionDenied):
            services.loan_approve(actor=actor(finance), loan=loan)  # the finance officer moves money only
        with pytest.raises(PermissionDenied):
            services.loans_for(actor=actor(donor_relations), center=center)
        services.loan_approve(actor=actor(qard), loan=loan)
        with pytest.raises(PermissionDenied):
            services.loan_disburse(actor=actor(qard), loan=loan)
    outsider = world.trustee(license_center(world.center()), BoardRole.CHAIR)
    with scope(center=[center.pk]), pytest.raises(Http404):
        services.loan_disburse(actor=actor(outsider), loan=loan)
