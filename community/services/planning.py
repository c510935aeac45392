"""Participatory plans with stakeholders and actions, collective actions carried out, and partnerships with
local bodies (seed 004, commitments 4–6)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from centers.access import Actor
from centers.models import Center
from community.models import (
    CollectiveAction,
    LocalProblem,
    ParticipatoryPlan,
    Partnership,
    PlanAction,
    ProblemCategory,
    Stakeholder,
)

from .common import choice, count, past_date, start, text

__all__ = ["ActionInput", "StakeholderInput", "collective_action_record", "partnership_end", "partnership_record",
           "plan_action_set_status", "plan_record", "plan_set_status"]


@dataclass(frozen=True)
class StakeholderInput:
    name: str
    kind: str
    role: str = ""


@dataclass(frozen=True)
class ActionInput:
    title: str
    responsible: str
    due_on: datetime.date


@transaction.atomic
def plan_record(*, actor: Actor, center: Center, title: str, starts_on: datetime.date, ends_on: datetime.date,
                goals: str, stakeholders: list[StakeholderInput], actions: list[ActionInput],
                problems: list[LocalProblem] = ()) -> ParticipatoryPlan:
    """Records a participatory plan «با همراهی ذینفعان»: at least two stakeholders (a plan made by one party
    is not participatory), its actions with who is responsible and by when, and the local problems of this
    center's assessments it addresses."""
    start(actor, center)
    title = text(title, message=_("Give the plan a title."), code="title_required", max_length=200)
    goals = text(goals, message=_("Write the plan's goals."), code="goals_required")
    if not isinstance(starts_on, datetime.date) or not isinstance(ends_on, datetime.date) or ends_on < starts_on:
        raise ValidationError(_("The plan must end on or after the day it starts."), code="bad_period")
    if len(stakeholders) < 2:
        raise ValidationError(_("A participatory plan names at least two stakeholders."),
                              code="stakeholders_required")
    for s in stakeholders:
        text(s.name, message=_("Every stakeholder needs a name."), code="stakeholder_name_required", max_length=200)
        choice(s.kind, Stakeholder.Kind, message=_("Unknown kind of stakeholder."), code="bad_stakeholder_kind")
    for a in actions:
        text(a.title, message=_("Every action needs a description."), code="action_required", max_length=300)
        text(a.responsible, message=_("Say who is responsible for each action."), code="responsible_required",
             max_length=200)
        if not isinstance(a.due_on, datetime.date) or not starts_on <= a.due_on <= ends_on:
            raise ValidationError(_("Each action's due date must fall within the plan's period."),
                                  code="bad_action_due")
    problems = list(problems or ())
    if any(p.center_id != center.pk for p in problems):
        raise ValidationError(_("Choose problems of this center's own assessments."), code="bad_problem")
    plan = ParticipatoryPlan.objects.create(center=center, title=title, starts_on=starts_on, ends_on=ends_on,
                                            goals=goals, created_by=actor.user)
    plan.problems.set(problems)
    Stakeholder.objects.bulk_create([Stakeholder(center=center, plan=plan, name=s.name.strip(), kind=s.kind,
                                                 role=(s.role or "").strip()) for s in stakeholders])
    PlanAction.objects.bulk_create([PlanAction(center=center, plan=plan, title=a.title.strip(),
                                               responsible=a.responsible.strip(), due_on=a.due_on)
                                    for a in actions])
    return plan


PLAN_STEPS = {ParticipatoryPlan.Status.DRAFT: {ParticipatoryPlan.Status.ADOPTED},
              ParticipatoryPlan.Status.ADOPTED: {ParticipatoryPlan.Status.CLOSED}}


@transaction.atomic
def plan_set_status(*, actor: Actor, plan: ParticipatoryPlan, status: str) -> ParticipatoryPlan:
    """Draft → adopted → closed, in that order only."""
    start(actor, plan)
    if status not in PLAN_STEPS.get(plan.status, set()):
        raise ValidationError(_("The plan cannot go from “%(old)s” to that status.") % {
            "old": plan.get_status_display()}, code="bad_status")
    plan.status = status
    plan.save(update_fields=["status"])
    return plan


@transaction.atomic
def plan_action_set_status(*, actor: Actor, action: PlanAction, status: str) -> PlanAction:
    start(actor, action)
    choice(status, PlanAction.Status, message=_("Unknown status."), code="bad_status")
    action.status = status
    action.save(update_fields=["status"])
    return action


@transaction.atomic
def collective_action_record(*, actor: Actor, center: Center, title: str, held_on: datetime.date, reach: int,
                             participants: int, category: str = "", plan: ParticipatoryPlan | None = None,
                             participants_description: str = "", description: str = "") -> CollectiveAction:
    """Records a collective action carried out, with how many people it reached and how many ran it."""
    start(actor, center)
    title = text(title, message=_("Give the action a title."), code="title_required", max_length=200)
    past_date(held_on, message=_("Record an action once it has been held (the date cannot be in the future)."),
              code="bad_held_on")
    reach = count(reach, message=_("The number of people reached is a whole number, zero or more."),
                  code="bad_reach")
    participants = count(participants, message=_("The number of participants is a whole number, zero or more."),
                         code="bad_participants")
    if category:
        choice(category, ProblemCategory, message=_("Unknown kind of harm."), code="bad_category")
    if plan is not None and plan.center_id != center.pk:
        raise ValidationError(_("Choose one of this center's plans."), code="bad_plan")
    return CollectiveAction.objects.create(
        center=center, plan=plan, title=title, category=category or "", held_on=held_on, reach=reach,
        participants=participants, participants_description=(participants_description or "").strip(),
        description=(description or "").strip(), created_by=actor.user)


@transaction.atomic
def partnership_record(*, actor: Actor, center: Center, body: str, kind: str, subject: str,
                       started_on: datetime.date, ends_on: datetime.date | None = None,
                       contact: str = "") -> Partnership:
    """Records a partnership with a local body (municipality, school, mosque, health centre, police…)."""
    start(actor, center)
    body = text(body, message=_("Name the local body."), code="body_required", max_length=200)
    choice(kind, Stakeholder.Kind, message=_("Unknown kind of body."), code="bad_kind")
    subject = text(subject, message=_("Write what the partnership covers."), code="subject_required")
    if not isinstance(started_on, datetime.date):
        raise ValidationError(_("Give the date the partnership started."), code="bad_started_on")
    if ends_on is not None and (not isinstance(ends_on, datetime.date) or ends_on < started_on):
        raise ValidationError(_("A partnership cannot end before it starts."), code="bad_ends_on")
    contact = text(contact, message="", code="", max_length=200, required=False)
    return Partnership.objects.create(center=center, body=body, kind=kind, subject=subject, started_on=started_on,
                                      ends_on=ends_on, contact=contact, created_by=actor.user)


@transaction.atomic
def partnership_end(*, actor: Actor, partnership: Partnership, ends_on: datetime.date) -> Partnership:
    start(actor, partnership)
    past_date(ends_on, message=_("The end date cannot be in the future."), code="bad_ends_on")
    if ends_on < partnership.started_on:
        raise ValidationError(_("A partnership cannot end before it starts."), code="bad_ends_on")
    partnership.ends_on = ends_on
    partnership.save(update_fields=["ends_on"])
    return partnership
