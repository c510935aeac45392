"""Reads of the beneficiaries area: the prioritised list of a center's households and one household's file.

Each applies the row-level-security setting for the open scope first and keeps the explicit ``center``
filter (the policy is the second wall; the index path is ``household_priority_idx``).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.utils import timezone

from beneficiaries import rls
from beneficiaries.models import Assessment, Household, Member
from centers.access import Action, Actor, require
from centers.models import Center


@dataclass(frozen=True)
class HouseholdFilters:
    category: str = ""
    min_severity: int | None = None
    area: str = ""
    due: bool = False  # reassessment due today or earlier
    status: str = Household.Status.ACTIVE


def households_prioritised(*, actor: Actor, center: Center, filters: HouseholdFilters = HouseholdFilters(),
                           today: datetime.date | None = None) -> QuerySet[Household]:
    """The center's households, highest priority first, with head, county and current assessments: a page
    costs one query for the rows, one for the count and one for the assessments, whatever its size
    (select_related + prefetch; the score and member count are stored, so the rows need no join to
    members and no grouping, and the (center, status, -priority_score) index serves the order)."""
    require(actor, Action.VIEW_BENEFICIARIES, center)
    rls.apply_scope(fallback=[center.pk])
    today = today or timezone.localdate()
    queryset = Household.objects.filter(center=center)
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.area:
        queryset = queryset.filter(area=filters.area)
    if filters.due:
        queryset = queryset.filter(next_reassessment_on__lte=today)
    if filters.category or filters.min_severity:
        needs = Assessment.objects.filter(center=center, household=OuterRef("pk"), is_current=True)
        if filters.category:
            needs = needs.filter(category=filters.category)
        if filters.min_severity:
            needs = needs.filter(severity__gte=filters.min_severity)
        queryset = queryset.filter(Exists(needs))
    return (queryset.select_related("head", "county")
            .prefetch_related(Prefetch("assessments", to_attr="current_assessments",
                                       queryset=Assessment.objects.filter(center=center, is_current=True)
                                       .order_by("-severity", "category")))
            .order_by("-priority_score", "next_reassessment_on", "pk"))


def household_file(*, actor: Actor, center: Center, household_id: int) -> Household:
    """One household of ``center`` with its members and assessments; 404 when it is not this center's
    (or not the actor's to see at all), 403 for a role that may not see households."""
    require(actor, Action.VIEW_BENEFICIARIES, center)
    rls.apply_scope(fallback=[center.pk])
    household = (Household.objects.filter(center=center, pk=household_id).select_related("head", "county", "created_by")
                 .prefetch_related(Prefetch("members", queryset=Member.objects.filter(center=center)
                                            .order_by("birth_date", "pk")),
                                   Prefetch("assessments", queryset=Assessment.objects.filter(center=center)
                                            .select_related("assessed_by").order_by("-assessed_on", "-pk")))
                 .first())
    require(actor, Action.VIEW_BENEFICIARIES, household)
    return household
