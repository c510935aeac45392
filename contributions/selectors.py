"""Reads of the contributions app that more than one view or endpoint needs."""

from django.db.models import Sum
from django_scopes import scopes_disabled

from contributions.models import Contribution


def campaign_totals(campaign_ids, *, center=None) -> dict[int, int]:
    """Confirmed rials per campaign: at ``center`` when given, otherwise at every participating center."""
    ids = list(campaign_ids)
    if center is not None:
        rows = (Contribution.objects.filter(campaign_id__in=ids, status=Contribution.Status.CONFIRMED, center=center)
                .values("campaign_id").annotate(total=Sum("amount")))
    else:
        # reviewed: one sum per campaign over every participating center (a national aggregate); no row, name
        # or center of another tenant leaves this query, only the total.
        with scopes_disabled():
            rows = list(Contribution.objects.filter(campaign_id__in=ids, status=Contribution.Status.CONFIRMED)
                        .values("campaign_id").annotate(total=Sum("amount")))
    return {row["campaign_id"]: row["total"] for row in rows}
