"""Needs assessments with prioritised problems and informants, and the asset register (seed 004)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from centers.access import Actor
from centers.models import Center
from community.models import Informant, LocalAsset, LocalProblem, NeedsAssessment, ProblemCategory

from .common import choice, past_date, start, text

__all__ = ["InformantInput", "ProblemInput", "asset_record", "asset_set_available", "needs_assessment_record"]


@dataclass(frozen=True)
class ProblemInput:
    problem: str
    category: str
    priority_rank: int
    notes: str = ""


@dataclass(frozen=True)
class InformantInput:
    name: str
    role: str


@transaction.atomic
def needs_assessment_record(*, actor: Actor, center: Center, title: str, neighbourhood: str,
                            assessed_on: datetime.date, problems: list[ProblemInput],
                            informants: list[InformantInput], method: str = "",
                            summary: str = "") -> NeedsAssessment:
    """Records a needs assessment with its prioritised problems and the local informants consulted.

    Seed 004: needs are assessed and problems prioritised «با مشارکت مطلعان محلی», so at least one informant
    and one problem are required; priority ranks are 1, 2, 3… without gaps or repeats."""
    start(actor, center)
    title = text(title, message=_("Give the assessment a title."), code="title_required", max_length=200)
    neighbourhood = text(neighbourhood, message=_("Name the neighbourhood."), code="neighbourhood_required",
                         max_length=200)
    past_date(assessed_on, message=_("An assessment cannot be dated in the future."), code="bad_assessed_on")
    if not problems:
        raise ValidationError(_("List at least one local problem."), code="problems_required")
    if not informants:
        raise ValidationError(_("Name at least one local informant consulted (seed: needs are assessed with "
                                "local informants)."), code="informants_required")
    ranks = []
    for p in problems:
        text(p.problem, message=_("Every problem needs a description."), code="problem_required", max_length=300)
        choice(p.category, ProblemCategory, message=_("Unknown category of problem."), code="bad_category")
        if isinstance(p.priority_rank, bool) or not isinstance(p.priority_rank, int):
            raise ValidationError(_("Priority ranks are whole numbers."), code="bad_rank")
        ranks.append(p.priority_rank)
    if sorted(ranks) != list(range(1, len(ranks) + 1)):
        raise ValidationError(_("Priority ranks must be 1, 2, 3… each used once."), code="bad_ranks")
    for i in informants:
        text(i.name, message=_("Every informant needs a name."), code="informant_name_required", max_length=120)
        text(i.role, message=_("Write each informant's role in the neighbourhood."), code="informant_role_required",
             max_length=120)
    assessment = NeedsAssessment.objects.create(
        center=center, title=title, neighbourhood=neighbourhood, assessed_on=assessed_on,
        method=(method or "").strip(), summary=(summary or "").strip(), created_by=actor.user)
    LocalProblem.objects.bulk_create([
        LocalProblem(center=center, assessment=assessment, problem=p.problem.strip(), category=p.category,
                     priority_rank=p.priority_rank, notes=(p.notes or "").strip()) for p in problems])
    Informant.objects.bulk_create([
        Informant(center=center, assessment=assessment, name=i.name.strip(), role=i.role.strip())
        for i in informants])
    return assessment


@transaction.atomic
def asset_record(*, actor: Actor, center: Center, kind: str, name: str, description: str = "",
                 contact: str = "", recorded_on: datetime.date | None = None) -> LocalAsset:
    """Adds a local asset or capacity (people, a place, an organisation, a fund) to the register."""
    start(actor, center)
    choice(kind, LocalAsset.Kind, message=_("Unknown kind of asset."), code="bad_kind")
    name = text(name, message=_("Name the asset."), code="name_required", max_length=200)
    contact = text(contact, message="", code="", max_length=200, required=False)
    recorded_on = past_date(recorded_on or timezone.localdate(), message=_("The date cannot be in the future."),
                            code="bad_date")
    return LocalAsset.objects.create(center=center, kind=kind, name=name, description=(description or "").strip(),
                                     contact=contact, recorded_on=recorded_on, created_by=actor.user)


@transaction.atomic
def asset_set_available(*, actor: Actor, asset: LocalAsset, active: bool) -> LocalAsset:
    """Marks an asset as no longer (or again) available; the record stays."""
    start(actor, asset)
    asset.active = bool(active)
    asset.save(update_fields=["active"])
    return asset
