"""Reads of the beneficiaries area: the prioritised list of a center's households and one household's file.

Each applies the row-level-security setting for the open scope first and keeps the explicit ``center``
filter (the policy is the second wall; the index path is ``household_priority_idx``).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from django_scopes import scope

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


# --- Overlap across centers (issue 5, point 7) -------------------------------------------------------------

@dataclass(frozen=True)
class OverlapEntry:
    center_name: str
    masked_code: str
    relation: str


@dataclass(frozen=True)
class OverlapGroup:
    """One person (one blind index) registered in households of more than one of the supervisor's centers:
    the centers involved and the masked code, never the plaintext code, the index or a household's file."""
    masked_code: str
    entries: tuple[OverlapEntry, ...]

    @property
    def center_names(self) -> list[str]:
        return sorted({e.center_name for e in self.entries})


def overlapping_households(*, actor: Actor, period_start: datetime.date,
                           period_end: datetime.date) -> list[OverlapGroup]:
    """For a supervisor: the people (head or member, by national-code blind index) found in households of
    more than one of the centers they oversee, counting a household when it is active, or was registered or
    assessed within [period_start, period_end] (there are no distributions yet). Two queries: the shared
    indexes (GROUP BY index HAVING COUNT(DISTINCT center) > 1), then their rows for the centers and masked
    codes. The row-level-security setting is the supervisor's own region, so the database shows nothing
    else either; a trustee (no supervised centers) gets nothing."""
    center_ids = sorted(actor.supervised_center_ids)
    if not center_ids:
        return []
    with transaction.atomic(), scope(center=center_ids):  # the RLS setting lasts as long as the transaction
        rls.apply(connection, center_ids)
        in_period = (Q(household__status=Household.Status.ACTIVE)
                     | Q(household__created_at__date__range=(period_start, period_end))
                     | Q(household__assessments__assessed_on__range=(period_start, period_end)))
        candidates = (Member.objects.filter(center_id__in=center_ids).exclude(national_code_index="")
                      .filter(in_period))
        shared = list(candidates.values("national_code_index")
                      .annotate(centers=Count("center_id", distinct=True)).filter(centers__gt=1)
                      .values_list("national_code_index", flat=True))
        if not shared:
            return []
        rows = (candidates.filter(national_code_index__in=shared).select_related("center").distinct()
                .order_by("national_code_index", "center__name", "pk"))
        groups: dict[str, list[Member]] = {}
        for member in rows:
            groups.setdefault(member.national_code_index, []).append(member)
    result = []
    for members in groups.values():
        entries = tuple(OverlapEntry(center_name=m.center.name, masked_code=m.masked_national_code,
                                     relation=m.get_relation_display()) for m in members)
        result.append(OverlapGroup(masked_code=entries[0].masked_code, entries=entries))
    return sorted(result, key=lambda g: (g.center_names, g.masked_code))


def also_served_elsewhere(household: Household) -> bool:
    """For a center: is anyone of this household (head or member, by blind index) in an *active* household of
    any other center in the country, of any organisation? Any organisation, because the seeds want overlap
    between agencies avoided (the relief committee, welfare and the mosque centers serving the same family
    without knowing it), and a center can do nothing about it if only its own organisation counts.

    The answer is a boolean and nothing else: never which center, which organisation or what aid. The other
    centers' rows are outside the actor's scope and outside the row-level-security setting, so the check is
    the SQL function ``beneficiaries_served_elsewhere(text[], bigint)`` (migration 0003), ``SECURITY
    DEFINER``: it reads only the blind-index, center and status columns and returns only the boolean, and so
    answers under production's non-owner role (``charity_app_rls``), which cannot see those rows itself. In
    development the app connects as the superuser and RLS does not bind, but the same function is called, so
    one path is tested. No ``scopes_disabled`` is needed in Python: the only ORM read is this household's own
    members, inside the caller's scope (reviewed: the raw call crosses centers on purpose, boolean only)."""
    indexes = sorted({m.national_code_index for m in household.members.all() if m.national_code_index})
    if not indexes:
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT beneficiaries_served_elsewhere(%s::text[], %s)", [indexes, household.center_id])
        return bool(cursor.fetchone()[0])
