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


@dataclass(frozen=True)
class HouseholdRow:
    """One line of the prioritised list, with everything the page shows already formatted (Persian digits,
    Jalali dates, labels): the template only prints it, so 50 rows cost no lookups or translations each."""
    pk: int
    score: str
    head_name: str
    masked_code: str
    place: str
    area: str
    closed_label: str
    members: str
    needs: tuple[str, ...]
    next_reassessment: str
    due: bool


@dataclass(frozen=True)
class HouseholdPage:
    rows: tuple[HouseholdRow, ...]
    number: int
    num_pages: int
    count: int

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages

    @property
    def has_other_pages(self) -> bool:
        return self.num_pages > 1

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1


def household_list_page(*, actor: Actor, center: Center, filters: HouseholdFilters = HouseholdFilters(),
                        page: object = 1, page_size: int = 50, today: datetime.date | None = None) -> HouseholdPage:
    """One page of the prioritised list in four queries, whatever the page and the filters (bench:
    ``bench/beneficiaries_bench.py``; ``tests/test_list_queries.py``):

    1. the count; 2. the page's ids alone, in priority order (an index-only scan of
    ``household_list_order_idx`` — (center, status, priority DESC, reassessment, id), migration
    ``0004_household_list_index_sql`` — so a deep page skips index entries, not joined rows); 3. those rows with
    their head and county, only the columns shown; 4. their current assessments. An unknown or out-of-range page
    number gives the last page (like Django's ``Paginator.get_page``)."""
    from core.templatetags.fa import digits, jdate, number

    today = today or timezone.localdate()
    queryset = households_prioritised(actor=actor, center=center, filters=filters, today=today)
    count = queryset.count()
    num_pages = max(1, -(-count // page_size))
    try:
        current = min(max(int(str(page)), 1), num_pages)
    except (TypeError, ValueError):
        current = 1
    start = (current - 1) * page_size
    ids = list(queryset.prefetch_related(None).select_related(None).values_list("pk", flat=True)
               [start:start + page_size])
    households = {h.pk: h for h in Household.objects.filter(center=center, pk__in=ids)
                  .select_related("head", "county")
                  .only("pk", "center_id", "status", "area", "village", "priority_score", "member_count",
                        "next_reassessment_on", "county__name", "head__first_name", "head__last_name",
                        "head__national_code_ciphertext")}
    needs: dict[int, list[str]] = {}
    categories = {value: str(label) for value, label in Assessment.Category.choices}
    for household_id, category, severity in (
            Assessment.objects.filter(center=center, household_id__in=ids, is_current=True)
            .order_by("household_id", "-severity", "category").values_list("household_id", "category", "severity")):
        needs.setdefault(household_id, []).append(f"{categories.get(category, category)} {digits(severity)}")
    areas = {value: str(label) for value, label in Household.Area.choices}
    closed = str(Household.Status.CLOSED.label)
    rows = []
    for pk in ids:
        h = households.get(pk)
        if h is None:  # closed or re-scored between the two queries: shown on the next look
            continue
        rows.append(HouseholdRow(
            pk=h.pk, score=number(h.priority_score), head_name=h.head.full_name if h.head else "—",
            masked_code=digits(h.head.masked_national_code) if h.head else "",
            place=f"{h.county.name}، {h.village}" if h.village else h.county.name, area=areas.get(h.area, h.area),
            closed_label=closed if h.status == Household.Status.CLOSED else "", members=number(h.member_count),
            needs=tuple(needs.get(h.pk, ())),
            next_reassessment=jdate(h.next_reassessment_on) if h.next_reassessment_on else "",
            due=bool(h.next_reassessment_on and h.next_reassessment_on <= today)))
    return HouseholdPage(rows=tuple(rows), number=current, num_pages=num_pages, count=count)


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
    more than one of the centers they oversee, counting a household when it is active, or was registered,
    assessed or served (an aid distribution not reversed) within [period_start, period_end]. Two queries: the shared
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
                     | Q(household__assessments__assessed_on__range=(period_start, period_end))
                     | Q(household__distributions__occurred_on__range=(period_start, period_end),
                         household__distributions__status="recorded"))
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


# --- A household's status history (closing and reopening its file) ------------------------------------------

@dataclass(frozen=True)
class StatusEntry:
    at: datetime.datetime
    status: str
    status_label: str
    reason: str
    by: str


def household_status_history(*, actor: Actor, household: Household) -> list[StatusEntry]:
    """When the file was closed and reopened, why and by whom, oldest first: read from the household's history
    (pghistory events whose context the services marked with ``status_change``, ``reason`` and ``by``; one
    entry per context, since a request's events share one). Two queries: the events, the people."""
    from django.apps import apps
    from django.contrib.auth import get_user_model

    require(actor, Action.VIEW_BENEFICIARIES, household)
    rls.apply_scope(fallback=[household.center_id])
    event_model = apps.get_model("beneficiaries", "HouseholdEvent")
    events = (event_model.objects.filter(center_id=household.center_id, pgh_obj_id=household.pk,
                                         pgh_context__metadata__has_key="status_change")
              .select_related("pgh_context").order_by("pgh_id"))
    seen, picked = set(), []
    for event in events:
        if event.pgh_context_id not in seen:
            seen.add(event.pgh_context_id)
            picked.append(event)
    ids = {e.pgh_context.metadata.get("by") for e in picked} - {None}
    people = {u.pk: (u.get_full_name() or u.username)
              for u in get_user_model().objects.filter(pk__in=[i for i in ids if isinstance(i, int)])}
    labels = dict(Household.Status.choices)
    return [StatusEntry(at=e.pgh_created_at, status=e.pgh_context.metadata["status_change"],
                        status_label=str(labels.get(e.pgh_context.metadata["status_change"], "")),
                        reason=str(e.pgh_context.metadata.get("reason", "")),
                        by=people.get(e.pgh_context.metadata.get("by"), "—")) for e in picked]
from beneficiaries.selectors_sponsorships import donor_sponsorships  # noqa: E402,F401 - the donors' pages' entry
