"""Builders for the loans and plans tests (and the isolation walker)."""

import datetime

from django.utils import timezone
from django_scopes import scope, scopes_disabled

from beneficiaries import services
from beneficiaries.models import EmpowermentPlan, Loan, PlanMilestone
from centers.access import actor_for
from centers.models import Decision, Meeting
from contributions.services.ledger import cash_received


def actor(user):
    return actor_for(user, second_factor_passed=True)


def fund(center, amount: int, reference: str):
    """Money given to the center's qard al-hasan fund."""
    with scope(center=[center.pk]):
        return cash_received(center=center, purpose="qard_hasan", amount=amount, occurred_on=timezone.localdate(),
                             reference=reference)


def decision(center, user, *, year=1404, meeting=7, number=2) -> str:
    """A recorded board decision at ``center``; returns its reference."""
    with scopes_disabled():  # reviewed: a test fixture building one center's rows
        m = Meeting.objects.create(center=center, jalali_year=year, number=meeting, held_on=timezone.localdate(),
                                   place="مسجد", minutes="صورت‌جلسه", recorded_by=user)
        Decision.objects.create(center=center, meeting=m, number=number, text="بخشودگی وام")
    return f"{year}/{meeting}-{number}"


def loan_objects(center, user, household_id: int, *, note: str) -> dict:
    """A disbursed-looking loan and a plan with one milestone at ``center``, written directly (a fixture, no
    ledger), for tests/test_isolation.py."""
    from beneficiaries.models import Household, LoanGuarantor

    today = timezone.localdate()
    with scopes_disabled():  # reviewed: a test fixture building one center's rows
        household = Household.objects.get(pk=household_id)
        loan = Loan.objects.create(center=center, household=household, borrower=household.head, amount=5_000_000,
                                   purpose="small_business", purpose_note=note, instalment_count=5,
                                   first_due_on=today + datetime.timedelta(days=30), requested_on=today,
                                   created_by=user)
        LoanGuarantor.objects.create(center=center, loan=loan, full_name=f"ضامن {note}")
        plan = EmpowermentPlan.objects.create(center=center, household=household, goal="small_business",
                                              title=f"طرح {note}", started_on=today, created_by=user)
        milestone = PlanMilestone.objects.create(center=center, plan=plan, title="آموزش",
                                                 due_on=today + datetime.timedelta(days=10))
    return {"url": {"loan_id": loan.pk, "plan_id": plan.pk, "milestone_id": milestone.pk},
            "api": {"loan": loan.pk, "empowerment-plan": plan.pk}, "secrets": [note, f"ضامن {note}"]}


def request_loan(center, user, household, **extra) -> Loan:
    defaults = dict(amount=12_000_000, purpose="small_business", instalment_count=6,
                    first_due_on=timezone.localdate() + datetime.timedelta(days=30),
                    guarantors=[services.GuarantorInput("حمید ضامنی", "چک ضمانت")])
    defaults.update(extra)
    with scope(center=[center.pk]):
        return services.loan_request(actor=actor(user), household=household, borrower=household.head, **defaults)
