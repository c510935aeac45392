"""Reads of the neighbourhood-work records: the numbered harm map, a center's overview, and the figures the
quarterly and annual reports take (one query per kind of record, whatever the number of centers)."""

from __future__ import annotations

import datetime

from django.db.models import Count, Q, Sum
from django.utils import timezone

from centers.models import Center
from community.maps import Mark
from community.models import (
    CollectiveAction,
    HarmSite,
    LocalAsset,
    LocalProblem,
    NeedsAssessment,
    ParticipatoryPlan,
    Partnership,
)


def harm_sites(*, center: Center, category: str = "", include_closed: bool = False) -> list[HarmSite]:
    """The center's harm sites as the map numbers them: most severe first."""
    sites = HarmSite.objects.filter(center=center)
    if not include_closed:
        sites = sites.filter(active=True)
    if category:
        sites = sites.filter(category=category)
    return list(sites.order_by("-severity", "category", "pk"))


def harm_marks(sites: list[HarmSite]) -> list[Mark]:
    return [Mark(number=n, category=s.category, severity=s.severity, geometry=s.geometry, title=s.title)
            for n, s in enumerate(sites, start=1)]


def overview(*, center: Center) -> dict:
    """Counts for the center's neighbourhood-work page."""
    today = timezone.localdate()
    actions = CollectiveAction.objects.filter(center=center).aggregate(
        n=Count("pk"), reach=Sum("reach"), participants=Sum("participants"))
    return {
        "assessments": NeedsAssessment.objects.filter(center=center).count(),
        "assets": LocalAsset.objects.filter(center=center, active=True).count(),
        "harm_sites": HarmSite.objects.filter(center=center, active=True).count(),
        "plans": ParticipatoryPlan.objects.filter(center=center).exclude(status="closed").count(),
        "collective_actions": actions["n"] or 0,
        "reach": actions["reach"] or 0,
        "participants": actions["participants"] or 0,
        "partnerships": Partnership.objects.filter(center=center).filter(
            Q(ends_on__isnull=True) | Q(ends_on__gte=today)).count(),
        "latest_assessment": NeedsAssessment.objects.filter(center=center).prefetch_related("problems").first(),
    }


def community_figures(*, center_ids: list[int], start: datetime.date, end: datetime.date) -> dict[int, dict]:
    """Per center, what the quarterly and annual performance reports show of its neighbourhood work in the
    period [start, end]: assessments made, problems found, assets recorded, harm sites observed (by kind),
    collective actions held with their reach and participants, partnerships active at the end. Centers with
    nothing recorded are present with zeros. The caller opens the scope (a task opens it for the ids)."""
    ids = sorted(set(center_ids))
    figures = {cid: {"assessments": 0, "problems": 0, "assets": 0, "harm_sites": 0, "harm_by_category": {},
                     "collective_actions": 0, "reach": 0, "participants": 0, "partnerships": 0} for cid in ids}
    for row in (NeedsAssessment.objects.filter(center_id__in=ids, assessed_on__range=(start, end))
                .values("center_id").annotate(n=Count("pk"))):
        figures[row["center_id"]]["assessments"] = row["n"]
    for row in (LocalProblem.objects.filter(center_id__in=ids, assessment__assessed_on__range=(start, end))
                .values("center_id").annotate(n=Count("pk"))):
        figures[row["center_id"]]["problems"] = row["n"]
    for row in (LocalAsset.objects.filter(center_id__in=ids, recorded_on__range=(start, end))
                .values("center_id").annotate(n=Count("pk"))):
        figures[row["center_id"]]["assets"] = row["n"]
    for row in (HarmSite.objects.filter(center_id__in=ids, observed_on__range=(start, end))
                .values("center_id", "category").annotate(n=Count("pk"))):
        f = figures[row["center_id"]]
        f["harm_sites"] += row["n"]
        f["harm_by_category"][row["category"]] = row["n"]
    for row in (CollectiveAction.objects.filter(center_id__in=ids, held_on__range=(start, end))
                .values("center_id").annotate(n=Count("pk"), reach=Sum("reach"), people=Sum("participants"))):
        figures[row["center_id"]].update(collective_actions=row["n"], reach=row["reach"] or 0,
                                         participants=row["people"] or 0)
    for row in (Partnership.objects.filter(center_id__in=ids, started_on__lte=end)
                .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=end)).values("center_id").annotate(n=Count("pk"))):
        figures[row["center_id"]]["partnerships"] = row["n"]
    return figures
