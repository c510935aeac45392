"""Employment and empowerment plans (seed 002: "the center's first priority is identifying the potential of
deprived families and making employment possible for them"): the only writers of ``EmpowermentPlan``, its
milestones and funding lines.

A plan names its goal (a small business, vocational training, job placement, ...), its milestones (due dates,
status, evidence), its funding (a loan of this center to the same household, donated services as text and
quantity, a grant by its distribution's reference), the follow-up status and finally its outcome. Closing a
plan with the outcome "self-sufficient" may also close the household's file, with that as the reason, when
the actor may close files (``household_close`` asks the access module itself).

Every writer is keyword-only and atomic, asks the access module first, validates everything before writing
and refuses with a translated ``ValidationError``.
"""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Min, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from beneficiaries import rls
from beneficiaries.models import EmpowermentPlan, Household, Loan, Member, PlanFunding, PlanMilestone
from centers.access import Action, Actor, may, require
from centers.models import Center
from centers.services.lifecycle import require_center_can_operate

__all__ = ["funding_add", "milestone_add", "milestone_update", "milestones_due", "plan_close", "plan_create",
           "plan_file", "plan_follow_up", "plans_for"]

DUE_SOON_DAYS = 30
MAX_VALUE = 10**12


def _fail(message: str, code: str):
    raise ValidationError(message, code=code)


def _start(actor: Actor, action: Action, obj) -> Center:
    require(actor, action, obj)
    center = obj if isinstance(obj, Center) else obj.center
    require_center_can_operate(center)
    rls.apply_scope(fallback=[center.pk])
    return center


def _date(value, *, required: bool = True) -> datetime.date | None:
    if value is None and not required:
        return None
    if not isinstance(value, datetime.date) or isinstance(value, datetime.datetime):
        _fail(_("The date is not valid."), "bad_date")
    return value


def _text(value, message: str, code: str, *, limit: int = 200) -> str:
    value = (value or "").strip()
    if not value:
        _fail(message, code)
    return value[:limit]


def _active(plan: EmpowermentPlan) -> EmpowermentPlan:
    plan = EmpowermentPlan.objects.select_for_update().get(pk=plan.pk, center_id=plan.center_id)
    if plan.status != EmpowermentPlan.Status.ACTIVE:
        _fail(_("This plan is closed."), "plan_closed")
    return plan


# --- Reads ------------------------------------------------------------------------------------------------

def plans_for(*, actor: Actor, center: Center, status: str = "",
              today: datetime.date | None = None) -> QuerySet[EmpowermentPlan]:
    """The center's plans with their next pending milestone date and how many pending milestones are due
    within ``DUE_SOON_DAYS`` (or already late)."""
    require(actor, Action.VIEW_PLANS, center)
    rls.apply_scope(fallback=[center.pk])
    today = today or timezone.localdate()
    plans = EmpowermentPlan.objects.filter(center=center)
    if status:
        plans = plans.filter(status=status)
    pending = Q(milestones__status=PlanMilestone.Status.PENDING)
    return (plans.select_related("household__head", "member")
            .annotate(next_due=Min("milestones__due_on", filter=pending),
                      due_soon=Count("milestones", filter=pending & Q(
                          milestones__due_on__lte=today + datetime.timedelta(days=DUE_SOON_DAYS))))
            .order_by("status", "next_due", "-pk"))


def milestones_due(*, actor: Actor, center: Center, today: datetime.date | None = None) -> QuerySet[PlanMilestone]:
    """Pending milestones of active plans due within ``DUE_SOON_DAYS`` or late, soonest first."""
    require(actor, Action.VIEW_PLANS, center)
    rls.apply_scope(fallback=[center.pk])
    today = today or timezone.localdate()
    return (PlanMilestone.objects
            .filter(center=center, status=PlanMilestone.Status.PENDING, plan__status=EmpowermentPlan.Status.ACTIVE,
                    due_on__lte=today + datetime.timedelta(days=DUE_SOON_DAYS))
            .select_related("plan__household__head").order_by("due_on", "pk"))


def plan_file(*, actor: Actor, center: Center, plan_id: int) -> EmpowermentPlan:
    require(actor, Action.VIEW_PLANS, center)
    rls.apply_scope(fallback=[center.pk])
    plan = (EmpowermentPlan.objects.filter(center=center, pk=plan_id)
            .select_related("household__head", "member", "created_by")
            .prefetch_related(Prefetch("milestones", queryset=PlanMilestone.objects.filter(center=center)),
                              Prefetch("funding", queryset=PlanFunding.objects.filter(center=center)
                                       .select_related("loan")))
            .first())
    require(actor, Action.VIEW_PLANS, plan)
    return plan


# --- Writers ----------------------------------------------------------------------------------------------

@transaction.atomic
def plan_create(*, actor: Actor, household: Household, goal: str, title: str, started_on: datetime.date,
                description: str = "", member: Member | None = None, target_on: datetime.date | None = None,
                milestones: list[tuple[str, datetime.date]] = ()) -> EmpowermentPlan:
    """Starts a plan for an active household, optionally naming the member it is for and its first
    milestones (title, due date)."""
    center = _start(actor, Action.MANAGE_PLANS, household)
    if household.status != Household.Status.ACTIVE:
        _fail(_("The household's file is closed."), "household_closed")
    if goal not in EmpowermentPlan.Goal.values:
        _fail(_("Unknown goal."), "bad_goal")
    title = _text(title, _("Give the plan a title."), "title_required")
    started_on = _date(started_on)
    target_on = _date(target_on, required=False)
    if target_on is not None and target_on <= started_on:
        _fail(_("The target date must fall after the start."), "bad_target")
    if member is not None and member.household_id != household.pk:
        _fail(_("The member must belong to the household."), "bad_member")
    checked = []
    for milestone_title, due_on in milestones:
        checked.append((_text(milestone_title, _("Every milestone needs a title."), "milestone_title"),
                        _date(due_on)))
    plan = EmpowermentPlan.objects.create(center=center, household=household, member=member, goal=goal,
                                          title=title, description=(description or "").strip(),
                                          started_on=started_on, target_on=target_on, created_by=actor.user)
    PlanMilestone.objects.bulk_create([PlanMilestone(center=center, plan=plan, title=t, due_on=d)
                                       for t, d in checked])
    return plan


@transaction.atomic
def milestone_add(*, actor: Actor, plan: EmpowermentPlan, title: str, due_on: datetime.date) -> PlanMilestone:
    center = _start(actor, Action.MANAGE_PLANS, plan)
    plan = _active(plan)
    return PlanMilestone.objects.create(center=center, plan=plan, due_on=_date(due_on),
                                        title=_text(title, _("Every milestone needs a title."), "milestone_title"))


@transaction.atomic
def milestone_update(*, actor: Actor, milestone: PlanMilestone, status: str, evidence: str = "",
                     done_on: datetime.date | None = None) -> PlanMilestone:
    """Marks a milestone done (with its date and the evidence: a certificate, a visit, the shop's license),
    missed, or pending again."""
    _start(actor, Action.MANAGE_PLANS, milestone)
    _active(milestone.plan)
    if status not in PlanMilestone.Status.values:
        _fail(_("Unknown status."), "bad_status")
    evidence = (evidence or "").strip()
    if status == PlanMilestone.Status.DONE:
        done_on = _date(done_on or timezone.localdate())
        if done_on > timezone.localdate():
            _fail(_("A milestone cannot be done in the future."), "future_date")
        if not evidence:
            _fail(_("Write the evidence that the milestone was reached."), "evidence_required")
    else:
        done_on = None
    milestone.status, milestone.done_on = status, done_on
    if evidence:
        milestone.evidence = evidence
    milestone.save(update_fields=["status", "done_on", "evidence"])
    return milestone


def _quantity(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        quantity = Decimal(str(value))
    except (InvalidOperation, ValueError):
        _fail(_("The quantity is not a number."), "bad_quantity")
    if not quantity.is_finite() or quantity <= 0 or quantity >= 10**8:
        _fail(_("The quantity must be a positive number."), "bad_quantity")
    return quantity.quantize(Decimal("0.01"))


@transaction.atomic
def funding_add(*, actor: Actor, plan: EmpowermentPlan, kind: str, loan: Loan | None = None, description: str = "",
                quantity=None, unit: str = "", amount: int | None = None, reference: str = "") -> PlanFunding:
    """Adds a funding line: a loan (of this center, to the plan's household, not declined), a donated
    service (description, quantity and unit), a grant (the distribution's reference), or another source."""
    center = _start(actor, Action.MANAGE_PLANS, plan)
    plan = _active(plan)
    if kind not in PlanFunding.Kind.values:
        _fail(_("Unknown kind of funding."), "bad_kind")
    description = (description or "").strip()[:255]
    reference = (reference or "").strip()[:64]
    if amount is not None and (isinstance(amount, bool) or not isinstance(amount, int) or not 0 <= amount <= MAX_VALUE):
        _fail(_("The value must be a whole number of rials."), "bad_amount")
    if kind == PlanFunding.Kind.LOAN:
        if (loan is None or loan.center_id != center.pk or loan.household_id != plan.household_id
                or loan.status == Loan.Status.DECLINED):
            _fail(_("Choose a loan of this household that was not declined."), "bad_loan")
        amount = loan.amount
    else:
        loan = None
        if kind == PlanFunding.Kind.SERVICE and not description:
            _fail(_("Describe the donated service."), "description_required")
        if kind == PlanFunding.Kind.GRANT and not reference:
            _fail(_("Give the reference of the grant's distribution."), "reference_required")
        if kind == PlanFunding.Kind.OTHER and not description:
            _fail(_("Describe the source of funding."), "description_required")
    return PlanFunding.objects.create(center=center, plan=plan, kind=kind, loan=loan, description=description,
                                      quantity=_quantity(quantity), unit=(unit or "").strip()[:32], amount=amount,
                                      reference=reference)


@transaction.atomic
def plan_follow_up(*, actor: Actor, plan: EmpowermentPlan, follow_up: str, note: str = "",
                   on: datetime.date | None = None) -> EmpowermentPlan:
    """Records a follow-up visit or call: on track, needs attention, or stalled."""
    _start(actor, Action.MANAGE_PLANS, plan)
    plan = _active(plan)
    if follow_up not in EmpowermentPlan.FollowUp.values:
        _fail(_("Unknown follow-up status."), "bad_follow_up")
    on = _date(on or timezone.localdate())
    if on > timezone.localdate():
        _fail(_("A follow-up cannot be dated in the future."), "future_date")
    plan.follow_up, plan.follow_up_note, plan.followed_up_on = follow_up, (note or "").strip(), on
    plan.save(update_fields=["follow_up", "follow_up_note", "followed_up_on"])
    return plan


@transaction.atomic
def plan_close(*, actor: Actor, plan: EmpowermentPlan, outcome: str, note: str = "",
               close_household: bool = False) -> EmpowermentPlan:
    """Closes the plan with its outcome. With ``close_household`` (only for the outcome "self-sufficient",
    and only for an actor who may close files) the household's file is closed too, with that reason."""
    from beneficiaries.services.households import household_close

    _start(actor, Action.MANAGE_PLANS, plan)
    plan = _active(plan)
    if outcome not in EmpowermentPlan.Outcome.values:
        _fail(_("Choose the plan's outcome."), "bad_outcome")
    if close_household:
        if outcome != EmpowermentPlan.Outcome.SELF_SUFFICIENT:
            _fail(_("Only a household that became self-sufficient is closed with its plan."), "not_self_sufficient")
        if not may(actor, Action.MANAGE_BENEFICIARIES, plan.household):
            _fail(_("Closing a household's file is for the chair, the vice-chair or the social worker."),
                  "may_not_close")
    plan.status, plan.outcome, plan.outcome_note = EmpowermentPlan.Status.CLOSED, outcome, (note or "").strip()
    plan.closed_on = timezone.localdate()
    plan.save(update_fields=["status", "outcome", "outcome_note", "closed_on"])
    if close_household:
        household = Household.objects.select_for_update().get(pk=plan.household_id, center_id=plan.center_id)
        if household.status == Household.Status.ACTIVE:
            reason = _("Became self-sufficient through the plan “%(title)s”.") % {"title": plan.title}
            household_close(actor=actor, household=household,
                            reason=f"{reason} {plan.outcome_note}".strip())
    return plan
