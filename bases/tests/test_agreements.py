"""Agreements: a base operates only with a valid NGO license and an agreement in force; renewal waits for the
prevention deputy's approval of the year's performance; early termination needs notice and a reason; the
base's reports stay inside the agreement."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from bases.models import BaseAgreement, BaseOperator, NgoLicense
from bases.services import agreements as services
from bases.services import funding
from centers import access
from centers.services.lifecycle import center_operating_problem, require_center_can_operate

from . import helpers

pytestmark = pytest.mark.django_db


def _actor(user):
    return access.actor_for(user, second_factor_passed=True)


def _in(bw):
    return scope(center=[bw.base.pk])


def _problem(bw, on=None):
    with _in(bw):
        problem = center_operating_problem(bw.base, on=on)
    return None if problem is None else str(problem)


def _report(bw, user=None, *, commitment=None, achieved=1, on=None):
    with _in(bw):
        commitment = commitment or bw.agreement.commitments.first()
        return services.activity_report_record(
            actor=_actor(user or bw.chair), commitment=commitment, reported_on=on or bw.agreement.starts_on,
            achieved=achieved, description="کارگاه آموزشی")


def _approve(bw, agreement=None, user=None):
    with _in(bw):
        return services.performance_decide(actor=_actor(user or bw.deputy), agreement=agreement or bw.agreement,
                                           approve=True)


# --- operating -------------------------------------------------------------------------------------------

def test_a_base_with_a_licensed_ngo_and_an_agreement_in_force_operates(bw):
    assert _problem(bw) is None


def test_a_base_without_an_ngo_cannot_operate(bw):
    with scopes_disabled():
        BaseOperator.objects.filter(center=bw.base).delete()
    assert "no NGO is recorded as running it" in _problem(bw)


def test_a_base_whose_ngo_license_expired_cannot_operate(bw):
    with scopes_disabled():
        NgoLicense.objects.filter(ngo=bw.ngo).update(valid_until=timezone.localdate() - datetime.timedelta(days=1))
    assert "the license of its NGO" in _problem(bw)
    with _in(bw), pytest.raises(ValidationError) as refused:
        require_center_can_operate(bw.base)
    assert refused.value.code == "center_cannot_operate"


def test_a_base_without_an_agreement_for_the_day_cannot_operate(bw):
    next_year_day = bw.agreement.ends_on + datetime.timedelta(days=1)
    assert "no agreement in force" in _problem(bw, on=next_year_day)


def test_a_charity_center_is_not_asked_for_an_agreement(world):
    center = world.center()
    helpers.license_center(center)
    with scope(center=[center.pk]):
        assert center_operating_problem(center) is None


# --- performance and renewal ------------------------------------------------------------------------------

def test_renewal_is_refused_before_the_performance_is_approved(bw):
    with _in(bw), pytest.raises(ValidationError) as refused:
        services.agreement_renew(actor=_actor(bw.county_supervisor), agreement=bw.agreement)
    assert refused.value.code == "performance_not_approved"
    assert "before the prevention deputy approves" in refused.value.messages[0]


def test_renewal_is_refused_when_the_performance_was_not_approved(bw):
    with _in(bw):
        services.performance_decide(actor=_actor(bw.deputy), agreement=bw.agreement, approve=False,
                                    note="گزارش‌ها ناقص است")
        with pytest.raises(ValidationError) as refused:
            services.agreement_renew(actor=_actor(bw.county_supervisor), agreement=bw.agreement)
    assert refused.value.code == "performance_not_approved"


def test_only_the_prevention_deputy_approves_the_performance(bw):
    with _in(bw), pytest.raises(ValidationError) as refused:
        services.performance_decide(actor=_actor(bw.county_supervisor), agreement=bw.agreement, approve=True)
    assert refused.value.code == "not_prevention_deputy"
    with _in(bw), pytest.raises(PermissionDenied):
        services.performance_decide(actor=_actor(bw.chair), agreement=bw.agreement, approve=True)


def test_not_approving_needs_a_reason(bw):
    with _in(bw), pytest.raises(ValidationError) as refused:
        services.performance_decide(actor=_actor(bw.deputy), agreement=bw.agreement, approve=False, note=" ")
    assert refused.value.code == "reason_required"


def test_after_approval_the_renewal_takes_the_proposed_allocation_and_the_commitments(bw):
    _report(bw, achieved=5)
    _approve(bw)
    with _in(bw):
        expected = funding.score_breakdown(bw.agreement).proposed_allocation
        renewed = services.agreement_renew(actor=_actor(bw.county_supervisor), agreement=bw.agreement)
        assert renewed.jalali_year == bw.agreement.jalali_year + 1
        assert renewed.budget == expected
        assert renewed.renewal_of_id == bw.agreement.pk
        assert sorted(renewed.commitments.values_list("activity", "target")) == sorted(
            bw.agreement.commitments.values_list("activity", "target"))
        with pytest.raises(ValidationError) as twice:
            services.agreement_renew(actor=_actor(bw.county_supervisor), agreement=bw.agreement)
    assert twice.value.code == "already_renewed"


def test_a_decided_year_closes_its_reports(bw):
    _approve(bw)
    with pytest.raises(ValidationError) as refused:
        _report(bw)
    assert refused.value.code == "reports_closed"


# --- termination -------------------------------------------------------------------------------------------

def test_termination_needs_the_notice_period_and_a_reason(bw):
    today = timezone.localdate()
    start = max(bw.agreement.starts_on, today - datetime.timedelta(days=5))
    with _in(bw):
        with pytest.raises(ValidationError) as short:
            services.agreement_terminate(actor=_actor(bw.county_supervisor), agreement=bw.agreement,
                                         notice_given_on=start, terminated_on=start + datetime.timedelta(days=3),
                                         reason="تخلف")
        assert short.value.code == "notice_too_short"
        with pytest.raises(ValidationError) as no_reason:
            services.agreement_terminate(actor=_actor(bw.county_supervisor), agreement=bw.agreement,
                                         notice_given_on=start, terminated_on=start + datetime.timedelta(days=40),
                                         reason="")
        assert no_reason.value.code == "reason_required"
        with pytest.raises(PermissionDenied):
            services.agreement_terminate(actor=_actor(bw.chair), agreement=bw.agreement, notice_given_on=start,
                                         terminated_on=start + datetime.timedelta(days=40), reason="تخلف")


def test_a_terminated_agreement_ends_the_base_operation_after_its_last_day(bw):
    notice = bw.agreement.starts_on
    last = notice + datetime.timedelta(days=services.termination_notice_days())
    if last >= bw.agreement.ends_on or notice > timezone.localdate():
        pytest.skip("the year is too short for this check today")
    with _in(bw):
        services.agreement_terminate(actor=_actor(bw.county_supervisor), agreement=bw.agreement,
                                     notice_given_on=notice, terminated_on=last, reason="عدم اجرای تعهدات")
        bw.agreement.refresh_from_db()
        assert bw.agreement.status == BaseAgreement.Status.TERMINATED
        with pytest.raises(ValidationError) as no_renewal:
            services.agreement_renew(actor=_actor(bw.county_supervisor), agreement=bw.agreement)
        assert no_renewal.value.code == "terminated"
    assert _problem(bw, on=last) is None
    assert "no agreement in force" in _problem(bw, on=last + datetime.timedelta(days=1))


# --- concluding and reports --------------------------------------------------------------------------------

def test_one_agreement_per_base_and_year_with_measurable_commitments(bw):
    spec = services.CommitmentSpec(activity="education", description="کارگاه", target=5, unit="کارگاه")
    with _in(bw):
        with pytest.raises(ValidationError) as duplicate:
            services.agreement_create(actor=_actor(bw.county_supervisor), center=bw.base,
                                      jalali_year=bw.agreement.jalali_year, budget=10, commitments=[spec])
        assert duplicate.value.code == "duplicate_year"
        with pytest.raises(ValidationError) as no_target:
            services.agreement_create(
                actor=_actor(bw.county_supervisor), center=bw.base, jalali_year=bw.agreement.jalali_year + 1,
                budget=10, commitments=[services.CommitmentSpec(activity="education", description="x", target=0,
                                                                unit="y")])
        assert no_target.value.code == "invalid_target"
        with pytest.raises(ValidationError) as empty:
            services.agreement_create(actor=_actor(bw.county_supervisor), center=bw.base,
                                      jalali_year=bw.agreement.jalali_year + 1, budget=10, commitments=[])
        assert empty.value.code == "no_commitments"


def test_an_agreement_needs_a_licensed_ngo(bw):
    with scopes_disabled():
        NgoLicense.objects.filter(ngo=bw.ngo).update(valid_until=timezone.localdate() - datetime.timedelta(days=1))
    spec = services.CommitmentSpec(activity="education", description="کارگاه", target=5, unit="کارگاه")
    with _in(bw), pytest.raises(ValidationError) as refused:
        services.agreement_create(actor=_actor(bw.county_supervisor), center=bw.base,
                                  jalali_year=bw.agreement.jalali_year + 1, budget=10, commitments=[spec])
    assert refused.value.code == "ngo_license_invalid"


def test_reports_are_dated_inside_the_agreement_and_not_in_the_future(bw):
    with pytest.raises(ValidationError) as before:
        _report(bw, on=bw.agreement.starts_on - datetime.timedelta(days=1))
    assert before.value.code == "outside_agreement"
    with pytest.raises(ValidationError) as future:
        _report(bw, on=timezone.localdate() + datetime.timedelta(days=1))
    assert future.value.code == "future_date"


def test_who_may_report(bw):
    assert _report(bw, bw.vice_chair).achieved == 1
    with pytest.raises(PermissionDenied):
        _report(bw, bw.finance_officer)


def test_the_prevention_deputy_of_another_province_does_not_decide(bw, world):
    from bases.models import SupervisorDuty
    from centers.models import SupervisorAssignment

    SupervisorDuty.objects.create(assignment=SupervisorAssignment.objects.get(user=bw.foreign_supervisor),
                                  duty=SupervisorDuty.Duty.PREVENTION_DEPUTY)
    with _in(bw):
        assert not services.is_prevention_deputy(_actor(bw.foreign_supervisor), bw.base)
        assert services.is_prevention_deputy(_actor(bw.deputy), bw.base)
