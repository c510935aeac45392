"""Employment and empowerment plans: milestones, funding lines, follow-up, outcome closing the household."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django_scopes import scope

from beneficiaries import services
from beneficiaries.models import EmpowermentPlan, Household, PlanFunding
from centers.models import BoardRole

from .helpers import national_code, register
from .loan_helpers import actor, request_loan

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


@pytest.fixture
def household(center, vice_chair):
    return register(center, vice_chair, head_code=national_code(401), head_first="منیژه", head_last="کاوه")


@pytest.fixture
def employment(world, center):
    return world.trustee(center, BoardRole.EMPLOYMENT_OFFICER)


def _plan(center, user, household, **extra):
    defaults = dict(goal="small_business", title="کارگاه خیاطی خانگی", started_on=TODAY(),
                    milestones=[("دوره آموزش خیاطی", TODAY() + datetime.timedelta(days=20)),
                                ("خرید چرخ خیاطی", TODAY() + datetime.timedelta(days=60))])
    defaults.update(extra)
    with scope(center=[center.pk]):
        return services.plan_create(actor=actor(user), household=household, **defaults)


def test_employment_officer_runs_a_plan_with_milestones_and_funding(center, vice_chair, household, employment):
    loan = request_loan(center, vice_chair, household, amount=40_000_000)
    plan = _plan(center, employment, household)
    with scope(center=[center.pk]):
        a = actor(employment)
        services.funding_add(actor=a, plan=plan, kind="loan", loan=loan)
        services.funding_add(actor=a, plan=plan, kind="service", description="آموزش رایگان توسط خیاط خیر",
                             quantity="24", unit="جلسه")
        services.funding_add(actor=a, plan=plan, kind="grant", reference="DIST-1404-0012", amount=15_000_000)
        lines = {f.kind: f for f in PlanFunding.objects.filter(plan=plan)}
        assert lines["loan"].amount == 40_000_000 and lines["loan"].loan == loan
        assert str(lines["service"].quantity) == "24.00"
        first = plan.milestones.order_by("due_on").first()
        with pytest.raises(ValidationError) as no_evidence:
            services.milestone_update(actor=a, milestone=first, status="done")
        assert no_evidence.value.code == "evidence_required"
        services.milestone_update(actor=a, milestone=first, status="done", evidence="گواهی پایان دوره فنی‌وحرفه‌ای")
        due = list(services.milestones_due(actor=a, center=center))
        assert [m.title for m in due] == []  # the second is 60 days away, beyond the 30-day window
        listed = services.plans_for(actor=a, center=center).get(pk=plan.pk)
        assert listed.next_due == TODAY() + datetime.timedelta(days=60) and listed.due_soon == 0
        services.plan_follow_up(actor=a, plan=plan, follow_up="needs_attention", note="فروش کم است")
        plan.refresh_from_db()
        assert plan.follow_up == "needs_attention" and plan.followed_up_on == TODAY()


def test_funding_refuses_a_loan_of_another_household_and_bad_lines(center, vice_chair, household, employment):
    other = register(center, vice_chair, head_code=national_code(402), head_first="رضا")
    foreign_loan = request_loan(center, vice_chair, other)
    plan = _plan(center, employment, household)
    with scope(center=[center.pk]):
        a = actor(employment)
        for kwargs, code in [({"kind": "loan", "loan": foreign_loan}, "bad_loan"), ({"kind": "loan"}, "bad_loan"),
                             ({"kind": "service"}, "description_required"), ({"kind": "grant"}, "reference_required"),
                             ({"kind": "service", "description": "x", "quantity": "-2"}, "bad_quantity"),
                             ({"kind": "service", "description": "x", "quantity": "abc"}, "bad_quantity"),
                             ({"kind": "bribe"}, "bad_kind")]:
            with pytest.raises(ValidationError) as refused:
                services.funding_add(actor=a, plan=plan, **kwargs)
            assert refused.value.code == code, kwargs
        assert not PlanFunding.objects.filter(plan=plan).exists()


def test_self_sufficient_outcome_closes_the_household_when_the_actor_may(center, vice_chair, household, employment):
    plan = _plan(center, employment, household)
    with scope(center=[center.pk]):
        with pytest.raises(ValidationError) as may_not:
            services.plan_close(actor=actor(employment), plan=plan, outcome="self_sufficient", close_household=True)
        assert may_not.value.code == "may_not_close"
        with pytest.raises(ValidationError):
            services.plan_close(actor=actor(vice_chair), plan=plan, outcome="improved", close_household=True)
        services.plan_close(actor=actor(vice_chair), plan=plan, outcome="self_sufficient",
                            note="درآمد ماهانه پایدار", close_household=True)
        plan.refresh_from_db()
        household = Household.objects.get(pk=household.pk)
        assert plan.status == EmpowermentPlan.Status.CLOSED and plan.closed_on == TODAY()
        assert household.status == Household.Status.CLOSED
        assert "کارگاه خیاطی خانگی" in household.closed_reason
        with pytest.raises(ValidationError) as closed:
            services.milestone_add(actor=actor(vice_chair), plan=plan, title="x", due_on=TODAY())
        assert closed.value.code == "plan_closed"


def test_roles_for_plans(world, center, household):
    qard = world.trustee(center, BoardRole.QARD_HASAN_OFFICER)
    finance = world.trustee(center, BoardRole.FINANCE_OFFICER)
    with scope(center=[center.pk]):
        with pytest.raises(PermissionDenied):
            services.plan_create(actor=actor(qard), household=household, goal="job_placement", title="x",
                                 started_on=TODAY())
        with pytest.raises(PermissionDenied):
            services.plans_for(actor=actor(finance), center=center)
        assert list(services.plans_for(actor=actor(qard), center=center)) == []
