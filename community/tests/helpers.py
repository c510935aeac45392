"""Builders for neighbourhood-work tests and the isolation walker."""

import datetime

from django_scopes import scopes_disabled

from community.models import (
    CollectiveAction,
    HarmSite,
    Informant,
    LocalAsset,
    LocalProblem,
    NeedsAssessment,
    ParticipatoryPlan,
    Partnership,
    Stakeholder,
)

LON, LAT = 51.720, 32.705


def square(lon=LON, lat=LAT, d=0.004):
    return {"type": "Polygon", "coordinates": [[[lon - d, lat - d], [lon + d, lat - d], [lon + d, lat + d],
                                                [lon - d, lat + d], [lon - d, lat - d]]]}


def isolation_objects(center, user, *, secret: str) -> dict:
    """One record of each kind at ``center``, written directly (a fixture), named with ``secret``; returns the
    URL keyword and API basename values for tests/test_isolation.py."""
    day = datetime.date(2025, 2, 1)
    with scopes_disabled():  # reviewed: a test fixture building one center's rows
        assessment = NeedsAssessment.objects.create(center=center, title=f"نیازسنجی {secret}", neighbourhood=secret,
                                                    assessed_on=day, created_by=user)
        LocalProblem.objects.create(center=center, assessment=assessment, problem=secret, category="addiction",
                                    priority_rank=1)
        Informant.objects.create(center=center, assessment=assessment, name=secret, role="امام جماعت")
        asset = LocalAsset.objects.create(center=center, kind="place", name=secret, recorded_on=day, created_by=user)
        harm = HarmSite.objects.create(center=center, title=secret, category="addiction", severity=3,
                                       geometry={"type": "Point", "coordinates": [LON, LAT]}, observed_on=day,
                                       created_by=user)
        plan = ParticipatoryPlan.objects.create(center=center, title=secret, starts_on=day, ends_on=day,
                                                goals=secret, created_by=user)
        Stakeholder.objects.create(center=center, plan=plan, name=secret, kind="residents")
        action = CollectiveAction.objects.create(center=center, plan=plan, title=secret, held_on=day, reach=10,
                                                 participants=2, created_by=user)
        partnership = Partnership.objects.create(center=center, body=secret, kind="school", subject=secret,
                                                 started_on=day, created_by=user)
    return {
        "url_kwargs": {"assessment_id": assessment.pk, "community_plan_id": plan.pk},
        "harm_id": harm.pk,
        "api": {"community-needs-assessment": assessment.pk, "community-asset": asset.pk,
                "community-harm-site": harm.pk, "community-plan": plan.pk,
                "community-collective-action": action.pk, "community-partnership": partnership.pk},
    }
