"""Yearly agreements of a base: concluding, renewing (only after the prevention deputy approves the year's
performance), terminating early with notice, and the activity reports the base records against them.

Seed 004: the agreement lasts one year and ends with it; "if the prevention deputy approves the activities,
a new agreement is concluded for the next year"; ending it early happens "with prior notice" and under the
organisation's rules.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bases.models import ActivityKind, ActivityReport, BaseAgreement, Commitment, SupervisorDuty
from centers import access
from centers.models import Center, Organization, SupervisorAssignment
from core.jalali import JalaliPeriod, format_jalali

from . import funding
from .ngos import base_operator

# Seed 004 asks for prior notice without a length; a deployment sets its rule in
# settings.BASES_TERMINATION_NOTICE_DAYS.
DEFAULT_TERMINATION_NOTICE_DAYS = 30
MAX_BUDGET = 10**15  # rials; anything above is a typing mistake


def termination_notice_days() -> int:
    return int(getattr(settings, "BASES_TERMINATION_NOTICE_DAYS", DEFAULT_TERMINATION_NOTICE_DAYS))


@dataclass(frozen=True)
class CommitmentSpec:
    activity: str
    description: str
    target: int
    unit: str


def is_prevention_deputy(actor: access.Actor, center: Center) -> bool:
    """True when the actor holds the prevention deputy's duty over this base's region (a welfare assignment
    with that duty covering the base's county), or is a national administrator."""
    if not access.may(actor, access.Action.SUPERVISE, center):
        return False
    if actor.user is not None and actor.user.is_superuser:
        return True
    deputy_ids = set(SupervisorDuty.objects.filter(
        assignment__in=[a.pk for a in actor.assignments], duty=SupervisorDuty.Duty.PREVENTION_DEPUTY,
    ).values_list("assignment_id", flat=True))
    county = center.county
    for a in actor.assignments:
        if a.pk not in deputy_ids or a.organization_id != center.organization_id:
            continue
        if (a.level == SupervisorAssignment.Level.NATIONAL
                or (a.level == SupervisorAssignment.Level.PROVINCE and a.province_id == county.province_id)
                or (a.level == SupervisorAssignment.Level.COUNTY and a.county_id == county.pk)):
            return True
    return False


def _clean_commitments(commitments) -> list[CommitmentSpec]:
    specs = list(commitments or [])
    if not specs:
        raise ValidationError(_("An agreement commits the base to at least one activity."), code="no_commitments")
    for spec in specs:
        if spec.activity not in ActivityKind.values:
            raise ValidationError(_("Unknown activity: %(activity)s.") % {"activity": spec.activity},
                                  code="unknown_activity")
        if not (spec.description or "").strip() or not (spec.unit or "").strip():
            raise ValidationError(_("Every commitment needs a description and the unit its target counts."),
                                  code="commitment_incomplete")
        if isinstance(spec.target, bool) or not isinstance(spec.target, int) or spec.target < 1:
            raise ValidationError(_("Every commitment needs a measurable target of at least 1."),
                                  code="invalid_target")
    return specs


@transaction.atomic
def agreement_create(*, actor: access.Actor, center: Center, jalali_year: int, budget: int,
                     commitments: list[CommitmentSpec], starts_on: datetime.date | None = None,
                     ends_on: datetime.date | None = None, renewal_of: BaseAgreement | None = None
                     ) -> BaseAgreement:
    """Concludes the base's agreement for ``jalali_year`` (by default the whole Jalali year)."""
    access.require(actor, access.Action.SUPERVISE, center)
    if center.kind != Center.Kind.SOCIAL_HEALTH_BASE or center.organization.code != Organization.Code.WELFARE:
        raise ValidationError(_("Agreements are concluded only with social-health bases of the welfare "
                                "organisation."), code="not_a_base")
    operator = base_operator(center)
    if operator is None:
        raise ValidationError(_("Record the NGO that runs the base before concluding its agreement."),
                              code="no_operator")
    try:
        period = JalaliPeriod.for_year(int(jalali_year))
    except (TypeError, ValueError):
        raise ValidationError(_("Give a valid Jalali year."), code="invalid_year") from None
    if isinstance(budget, bool) or not isinstance(budget, int) or not 0 <= budget <= MAX_BUDGET:
        raise ValidationError(_("The budget must be a whole number of rials, zero or more."),
                              code="invalid_budget")
    starts_on = starts_on or period.start
    ends_on = ends_on or period.end
    if not (period.start <= starts_on <= ends_on <= period.end):
        raise ValidationError(_("The agreement's period must lie inside the Jalali year %(year)s and end after "
                                "it starts.") % {"year": period.year}, code="invalid_period")
    if operator.ngo.current_license(max(starts_on, timezone.localdate())) is None:
        raise ValidationError(_("The NGO's license from the welfare organisation is not valid: no agreement can "
                                "be concluded."), code="ngo_license_invalid")
    specs = _clean_commitments(commitments)
    if BaseAgreement.objects.filter(center=center, jalali_year=period.year).exists():
        raise ValidationError(_("The base already has an agreement for %(year)s.") % {"year": period.year},
                              code="duplicate_year")
    agreement = BaseAgreement.objects.create(
        center=center, ngo=operator.ngo, jalali_year=period.year, budget=budget, starts_on=starts_on,
        ends_on=ends_on, renewal_of=renewal_of, created_by=actor.user)
    Commitment.objects.bulk_create([
        Commitment(center=center, agreement=agreement, activity=s.activity, description=s.description.strip(),
                   target=s.target, unit=s.unit.strip()) for s in specs])
    return agreement


@transaction.atomic
def performance_decide(*, actor: access.Actor, agreement: BaseAgreement, approve: bool, note: str = ""
                       ) -> BaseAgreement:
    """The prevention deputy approves (or not) the year's performance; the score at that moment is kept.
    Once decided, the year's reports are closed, so the score no longer moves."""
    agreement = BaseAgreement.objects.select_for_update().select_related("center__county").get(pk=agreement.pk)
    access.require(actor, access.Action.VIEW, agreement)
    if not access.may(actor, access.Action.SUPERVISE, agreement):
        raise PermissionDenied
    if not is_prevention_deputy(actor, agreement.center):
        raise ValidationError(_("Only the welfare organisation's prevention deputy approves a base's yearly "
                                "performance."), code="not_prevention_deputy")
    if agreement.performance != BaseAgreement.Performance.PENDING:
        raise ValidationError(_("The performance of this agreement has already been decided."),
                              code="already_decided")
    if agreement.status == BaseAgreement.Status.TERMINATED:
        raise ValidationError(_("A terminated agreement has no yearly performance to approve."),
                              code="terminated")
    note = (note or "").strip()
    if not approve and not note:
        raise ValidationError(_("Give the reason the performance is not approved."), code="reason_required")
    agreement.performance = (BaseAgreement.Performance.APPROVED if approve
                             else BaseAgreement.Performance.REJECTED)
    agreement.performance_decided_by = actor.user
    agreement.performance_decided_at = timezone.now()
    agreement.performance_note = note
    agreement.performance_score = funding.score_breakdown(agreement).score
    agreement.save(update_fields=["performance", "performance_decided_by", "performance_decided_at",
                                  "performance_note", "performance_score"])
    return agreement


@transaction.atomic
def agreement_renew(*, actor: access.Actor, agreement: BaseAgreement,
                    commitments: list[CommitmentSpec] | None = None, budget: int | None = None) -> BaseAgreement:
    """Concludes next year's agreement. Refused until the prevention deputy has approved this year's
    performance (seed 004, §7). The budget is the allocation (adjusted, else proposed) unless given; the
    commitments are this year's unless given."""
    agreement = BaseAgreement.objects.select_for_update().select_related("center__organization").get(
        pk=agreement.pk)
    access.require(actor, access.Action.SUPERVISE, agreement)
    if agreement.status == BaseAgreement.Status.TERMINATED:
        raise ValidationError(_("A terminated agreement cannot be renewed."), code="terminated")
    if agreement.performance != BaseAgreement.Performance.APPROVED:
        raise ValidationError(_("The agreement cannot be renewed before the prevention deputy approves the "
                                "year's performance."), code="performance_not_approved")
    if BaseAgreement.objects.filter(renewal_of=agreement).exists():
        raise ValidationError(_("This agreement has already been renewed."), code="already_renewed")
    if commitments is None:
        commitments = [CommitmentSpec(activity=c.activity, description=c.description, target=c.target, unit=c.unit)
                       for c in agreement.commitments.filter(center_id=agreement.center_id).order_by("pk")]
    return agreement_create(actor=actor, center=agreement.center, jalali_year=agreement.jalali_year + 1,
                            budget=funding.next_allocation(agreement) if budget is None else budget,
                            commitments=commitments, renewal_of=agreement)


@transaction.atomic
def agreement_terminate(*, actor: access.Actor, agreement: BaseAgreement, notice_given_on: datetime.date,
                        terminated_on: datetime.date, reason: str) -> BaseAgreement:
    """Ends the agreement early: the NGO was told on ``notice_given_on``, and the agreement stays in force
    until ``terminated_on``, at least the notice period later."""
    agreement = BaseAgreement.objects.select_for_update().get(pk=agreement.pk)
    access.require(actor, access.Action.SUPERVISE, agreement)
    if agreement.status == BaseAgreement.Status.TERMINATED:
        raise ValidationError(_("This agreement has already been terminated."), code="already_terminated")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give the reason for ending the agreement early."), code="reason_required")
    if notice_given_on is None or terminated_on is None:
        raise ValidationError(_("Give the date the NGO was notified and the agreement's last day."),
                              code="dates_required")
    if notice_given_on > timezone.localdate():
        raise ValidationError(_("The notice date cannot be in the future."), code="notice_in_future")
    days = termination_notice_days()
    if terminated_on < notice_given_on + datetime.timedelta(days=days):
        raise ValidationError(_("The agreement can end no sooner than %(days)s days after the notice.")
                              % {"days": days}, code="notice_too_short")
    if not agreement.starts_on <= terminated_on < agreement.ends_on:
        raise ValidationError(_("The last day must fall inside the agreement, before its normal end."),
                              code="invalid_termination_date")
    agreement.status = BaseAgreement.Status.TERMINATED
    agreement.notice_given_on = notice_given_on
    agreement.terminated_on = terminated_on
    agreement.termination_reason = reason
    agreement.terminated_by = actor.user
    agreement.save(update_fields=["status", "notice_given_on", "terminated_on", "termination_reason",
                                  "terminated_by"])
    return agreement


@transaction.atomic
def activity_report_record(*, actor: access.Actor, commitment: Commitment, reported_on: datetime.date,
                           achieved: int, description: str, people_reached: int = 0) -> ActivityReport:
    """Records what the base did towards a commitment. Refused outside the agreement's period, in the
    future, or once the year's performance has been decided (the score is then final)."""
    commitment = Commitment.objects.select_related("agreement").get(pk=commitment.pk)
    access.require(actor, access.Action.RECORD_BASE_ACTIVITY, commitment)
    agreement = commitment.agreement
    if agreement.performance != BaseAgreement.Performance.PENDING:
        raise ValidationError(_("The year's performance has been decided: its reports are closed."),
                              code="reports_closed")
    if reported_on is None or reported_on > timezone.localdate():
        raise ValidationError(_("The date cannot be in the future."), code="future_date")
    if not agreement.covers(reported_on):
        raise ValidationError(_("The date must fall inside the agreement's period (%(start)s to %(end)s).")
                              % {"start": format_jalali(agreement.starts_on),
                                 "end": format_jalali(agreement.last_day)},
                              code="outside_agreement")
    for value in (achieved, people_reached):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0 or value > 10**9:
            raise ValidationError(_("Counts must be whole numbers, zero or more."), code="invalid_count")
    if achieved < 1:
        raise ValidationError(_("Report at least one unit achieved."), code="nothing_achieved")
    description = (description or "").strip()
    if not description:
        raise ValidationError(_("Describe what was done."), code="description_required")
    return ActivityReport.objects.create(center=commitment.center, commitment=commitment, reported_on=reported_on,
                                         achieved=achieved, people_reached=people_reached,
                                         description=description, recorded_by=actor.user)
