"""Reads behind the public pages: what anyone may see of the licensed centers, in aggregates only.

The public pages cross tenants by nature (a directory lists every center), so these reads run without a
tenant scope; each one is reviewed to return only a center's public profile or sums, never a row of a
donor, a household or a trustee. Figures are cached briefly: the center and campaign pages are the portal's
most visited and must stay fast (bench/RESULTS.md).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Exists, OuterRef, Q, Sum
from django.http import Http404
from django.utils import timezone
from django_scopes import scopes_disabled

from centers.models import Center, License, Province
from contributions.models import Account, Campaign, Contribution, Posting
from contributions.selectors import campaign_totals
from core import jalali

FIGURES_SECONDS = 300
PAGE_SIZE = 24


def _listed(on: datetime.date):
    """Licensed centers whose license covers ``on``: suspended, revoked, dissolved or expired ones are not
    listed (seed 002: no activity without a license)."""
    current = License.objects.filter(center=OuterRef("pk"), valid_from__lte=on, valid_until__gte=on)
    return Center.objects.filter(status=Center.Status.LICENSED).filter(Exists(current))


def directory(*, query: str = "", province: int | None = None, county: int | None = None):
    """The centers a visitor can find, by name (or host place), province and county."""
    on = timezone.localdate()
    with scopes_disabled():  # reviewed: public directory of licensed centers (name, place, area only)
        centers = _listed(on).select_related("county__province")
        if query:
            centers = centers.filter(Q(name__icontains=query) | Q(host_place_name__icontains=query))
        if province:
            centers = centers.filter(county__province_id=province)
        if county:
            centers = centers.filter(county_id=county)
        return list(centers.order_by("county__province__name", "county__name", "name")
                    .only("name", "slug", "host_place", "host_place_name", "county__name",
                          "county__province__name", "kind"))


def provinces_with_centers():
    on = timezone.localdate()
    with scopes_disabled():  # reviewed: province names only
        ids = _listed(on).values("county__province_id")
        return list(Province.objects.filter(pk__in=ids).order_by("name"))


def listed_center(slug: str) -> Center:
    """The licensed center with ``slug``, or 404 (an unlisted center has no public page)."""
    with scopes_disabled():  # reviewed: one center's public profile
        center = (_listed(timezone.localdate()).select_related("county__province", "organization")
                  .filter(slug=slug).first())
    if center is None:
        raise Http404
    return center


def public_story(center: Center) -> str:
    from public.models import PublicProfile

    with scopes_disabled():  # reviewed: the story the center's board published
        profile = PublicProfile.objects.filter(center=center).only("story").first()
    return profile.story if profile else ""


@dataclass
class Transparency:
    """A center's figures for one Jalali year: what it received, by kind and by purpose, and the aid it gave."""

    period: jalali.JalaliPeriod
    received_by_kind: list[tuple[str, int]] = field(default_factory=list)
    received_by_purpose: list[tuple[str, int]] = field(default_factory=list)
    aid_by_purpose: list[tuple[str, int]] = field(default_factory=list)
    households_served: int = 0
    gifts: int = 0

    @property
    def received_total(self) -> int:
        return sum(amount for _label, amount in self.received_by_kind)

    @property
    def aid_total(self) -> int:
        return sum(amount for _label, amount in self.aid_by_purpose)


def households_served(center: Center, period: jalali.JalaliPeriod) -> int:
    """How many households received aid from the center in ``period`` (reversed distributions do not count):
    a count, nothing else. The distributions are behind row-level security: the count opens this one
    center for the rest of the (read-only) transaction."""
    from django.db import connection, transaction

    from beneficiaries import rls
    from beneficiaries.models import AidDistribution

    with transaction.atomic(), scopes_disabled():  # reviewed: one number, no row leaves this function
        rls.apply(connection, [center.pk])
        return (AidDistribution.objects.filter(center=center, occurred_on__range=(period.start, period.end))
                .exclude(status=AidDistribution.Status.REVERSED).values("household_id").distinct().count())


def transparency(center: Center, *, today: datetime.date | None = None) -> Transparency:
    """This Jalali year's figures at ``center`` (cached for a few minutes; labels in the active language)."""
    from django.utils.translation import get_language

    today = today or timezone.localdate()
    period = jalali.JalaliPeriod.containing(today, "year")
    key = f"public:transparency:{center.pk}:{period.code}:{get_language()}"
    found = cache.get(key)
    if found is not None:
        return found
    start, end = period.start, period.end
    with scopes_disabled():  # reviewed: sums per kind and purpose at one center, no donor rows
        gifts = Contribution.objects.filter(center=center, status=Contribution.Status.CONFIRMED,
                                            received_on__range=(start, end))
        kinds = dict(Contribution.Kind.choices)
        by_kind = [(str(kinds.get(row["kind"], row["kind"])), row["total"])
                   for row in gifts.values("kind").annotate(total=Sum("amount")).order_by("-total")]
        by_purpose = [(row["purpose__name"], row["total"])
                      for row in gifts.values("purpose__name").annotate(total=Sum("amount")).order_by("-total")]
        aid = (Posting.objects.filter(center=center, account__kind=Account.Kind.AID,
                                      transaction__occurred_on__range=(start, end))
               .values("account__purpose__name").annotate(total=Sum("amount")).order_by("-total"))
        figures = Transparency(
            period=period, received_by_kind=by_kind, received_by_purpose=by_purpose,
            aid_by_purpose=[(row["account__purpose__name"], row["total"]) for row in aid if row["total"] > 0],
            households_served=households_served(center, period), gifts=gifts.count())
    cache.set(key, figures, FIGURES_SECONDS)
    return figures


@dataclass
class CampaignProgress:
    campaign: Campaign
    raised: int
    today: datetime.date

    @property
    def percent(self) -> int | None:
        if not self.campaign.goal_amount:
            return None
        return min(100, self.raised * 100 // self.campaign.goal_amount)

    @property
    def days_left(self) -> int:
        return max(0, (self.campaign.ends_on - self.today).days + 1) if self.today >= self.campaign.starts_on \
            else (self.campaign.ends_on - self.campaign.starts_on).days + 1

    @property
    def state(self) -> str:
        if self.today < self.campaign.starts_on:
            return "upcoming"
        return "over" if self.today > self.campaign.ends_on else "running"


def _progress(campaigns, *, center=None, today):
    totals = campaign_totals([c.pk for c in campaigns], center=center)
    return [CampaignProgress(c, totals.get(c.pk, 0), today) for c in campaigns]


def center_campaigns(center: Center, *, today: datetime.date | None = None) -> list[CampaignProgress]:
    """Campaigns the center takes part in that are running or about to start, with its own progress."""
    today = today or timezone.localdate()
    campaigns = list(Campaign.objects.filter(centers=center, ends_on__gte=today).order_by("starts_on")[:6])
    return _progress(campaigns, center=center, today=today)


def campaign_page(campaign_id: int, *, today: datetime.date | None = None):
    """A campaign with its overall progress and its listed participating centers; 404 when unknown."""
    today = today or timezone.localdate()
    campaign = Campaign.objects.select_related("organization").filter(pk=campaign_id).first()
    if campaign is None:
        raise Http404
    key = f"public:campaign:{campaign.pk}:{today.isoformat()}"
    raised = cache.get(key)
    if raised is None:
        raised = campaign_totals([campaign.pk]).get(campaign.pk, 0)
        cache.set(key, raised, 60)
    with scopes_disabled():  # reviewed: names and slugs of listed (public) centers only
        centers = list(_listed(today).filter(campaigns=campaign).select_related("county")
                       .only("name", "slug", "county__name").order_by("name")[:100])
    return CampaignProgress(campaign, raised, today), centers


def running_campaigns(*, today: datetime.date | None = None) -> list[CampaignProgress]:
    today = today or timezone.localdate()
    campaigns = list(Campaign.objects.filter(ends_on__gte=today).order_by("starts_on")[:12])
    return _progress(campaigns, today=today)
