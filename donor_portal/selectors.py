"""Reads of the donors' own pages. Every query is narrowed to the donor's own rows (``donor_id__in``) inside
the scope of the centers they are linked to, which the view opens: a donor never reaches another donor's
gift, receipt or pledge (404), and sees no beneficiary at all: "where my gifts went" is totals per purpose.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet, Sum
from django.utils import timezone

from centers.models import Center
from contributions.models import Account, Contribution, Pledge, Posting, Receipt
from core.jalali import JalaliPeriod, to_jalali

from .services import DonorIdentity


def gifts(identity: DonorIdentity) -> QuerySet[Contribution]:
    return (Contribution.objects.filter(donor_id__in=identity.donor_ids, center_id__in=identity.center_ids)
            .select_related("center", "purpose", "receipt").order_by("-received_on", "-pk"))


def receipt_of(identity: DonorIdentity, receipt_id) -> Receipt | None:
    return (Receipt.objects.filter(pk=receipt_id, contribution__donor_id__in=identity.donor_ids,
                                   center_id__in=identity.center_ids)
            .select_related("center__organization", "contribution__purpose", "contribution__donor").first())


def pledges(identity: DonorIdentity) -> QuerySet[Pledge]:
    return (Pledge.objects.filter(donor_id__in=identity.donor_ids, center_id__in=identity.center_ids)
            .select_related("center", "purpose").order_by("status", "-created_at", "-pk"))


def pledge_of(identity: DonorIdentity, pledge_id) -> Pledge | None:
    return pledges(identity).filter(pk=pledge_id).first()


def centers_given_at(identity: DonorIdentity) -> list[Center]:
    """The centers where the donor has a confirmed gift: where they may pledge from their page."""
    ids = set(Contribution.objects.filter(donor_id__in=identity.donor_ids, center_id__in=identity.center_ids,
                                          status=Contribution.Status.CONFIRMED).values_list("center_id", flat=True))
    return list(Center.objects.filter(pk__in=ids).order_by("name"))


def gift_years(identity: DonorIdentity) -> list[int]:
    """The Jalali years with a confirmed gift, newest first (the annual statements there are)."""
    dates = (Contribution.objects.filter(donor_id__in=identity.donor_ids, center_id__in=identity.center_ids,
                                         status=Contribution.Status.CONFIRMED)
             .values_list("received_on", flat=True).distinct())
    return sorted({to_jalali(d).year for d in dates}, reverse=True)


@dataclass
class PurposeImpact:
    center_name: str
    purpose_name: str
    given: int  # the donor's confirmed gifts of this purpose at this center in the year
    given_by_all: int  # everyone's confirmed gifts of this purpose at this center in the year
    spent: int  # aid of this purpose the center gave in the year, from everyone's money


def restricted_impact(identity: DonorIdentity, jalali_year: int | None = None) -> tuple[int, list[PurposeImpact]]:
    """Per center and restricted purpose the donor gave to in the Jalali year: what they gave, what everyone
    gave, and the aid of that purpose the center gave. Totals only: no household, no person."""
    year = jalali_year or to_jalali(timezone.localdate()).year
    start, end = JalaliPeriod.for_year(year).date_range()
    confirmed = Contribution.objects.filter(center_id__in=identity.center_ids, status=Contribution.Status.CONFIRMED,
                                            purpose__restricted=True, received_on__gte=start, received_on__lt=end)
    mine = (confirmed.filter(donor_id__in=identity.donor_ids).values("center_id", "purpose_id")
            .annotate(total=Sum("amount")).order_by())
    rows = []
    for item in mine:
        center_id, purpose_id = item["center_id"], item["purpose_id"]
        given_by_all = confirmed.filter(center_id=center_id, purpose_id=purpose_id).aggregate(
            t=Sum("amount", default=0))["t"]
        spent = Posting.objects.filter(
            center_id=center_id, account__kind=Account.Kind.AID, account__purpose_id=purpose_id,
            transaction__occurred_on__gte=start, transaction__occurred_on__lt=end,
        ).aggregate(t=Sum("amount", default=0))["t"]
        rows.append((center_id, purpose_id, item["total"], given_by_all, spent))
    names = dict(Center.objects.filter(pk__in={r[0] for r in rows}).values_list("pk", "name"))
    from contributions.models import Purpose

    purposes = dict(Purpose.objects.filter(pk__in={r[1] for r in rows}).values_list("pk", "name"))
    result = [PurposeImpact(names.get(c, ""), purposes.get(p, ""), given, everyone, spent)
              for c, p, given, everyone, spent in rows]
    result.sort(key=lambda r: (r.center_name, r.purpose_name))
    return year, result
