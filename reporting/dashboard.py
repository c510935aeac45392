"""What the supervisors' and the trustees' dashboards show (issue 7, point 7): a selector, no writes.

Figures and charts come from the rollups only (``reporting.figures``) and are cached per scope, period and
language for ``DASHBOARD_CACHE_SECONDS`` (the rollups themselves are refreshed by tasks after each change, so
a few minutes' delay adds nothing new). The lists of things needing attention (licenses near expiry, overdue
monthly reports, perishables near expiry, complaints past their deadline) are read live, each with one small
indexed query limited to ``LIST_LIMIT + 1`` rows (the extra row says "and more").

Each list selector filters on the dashboard's :class:`~reporting.scope.Scope` (its region) and works inside a
django-scopes scope; ``dashboard()`` runs them with the tenant filter off, after the view checked that the
actor may see the whole scope (see the comment there).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Min, Sum
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django_scopes import scopes_disabled

from . import charts, figures
from .periods import Period
from .scope import Scope

LIST_LIMIT = 10
PURPOSES_SHOWN = 8


def cache_seconds() -> int:
    return int(getattr(settings, "DASHBOARD_CACHE_SECONDS", 300))


def _region(scope: Scope, prefix: str = "center__") -> dict:
    """``scope.center_filter()`` for a model with a ``center`` foreign key."""
    out = {}
    for key, value in scope.center_filter().items():
        out["center_id" if key == "pk" and prefix == "center__" else f"{prefix}{key}"] = value
    return out


@dataclass(frozen=True)
class Listing:
    """At most ``LIST_LIMIT`` rows and whether there were more."""

    rows: list
    more: bool

    @classmethod
    def of(cls, rows) -> Listing:
        rows = list(rows)
        return cls(rows[:LIST_LIMIT], len(rows) > LIST_LIMIT)


# -- figures and charts (rollups, cached) ----------------------------------------------------------------------


def figures_and_charts(scope: Scope, period: Period) -> dict:
    """Headline figures, the centers that stand out and the two charts, cached for a short time.

    Returns ``{"scope_label": scope.label(), "headline": figures.headline(...),
    "ranking": figures.center_ranking(...),
    "trend_svg": SafeString, "purpose_svg": SafeString}``.
    """
    key = f"reporting:dashboard:v1:{scope}:{period}:{get_language()}"
    seconds = cache_seconds()
    if seconds > 0:
        cached = cache.get(key)
        if cached is not None:
            return cached
    purposes = figures.by_purpose(scope, period)
    if len(purposes) > PURPOSES_SHOWN:
        rest = purposes[PURPOSES_SHOWN - 1:]
        purposes = [*purposes[: PURPOSES_SHOWN - 1], {
            "purpose": "", "label": _("Other purposes"),
            "received": sum(p["received"] for p in rest), "spent": sum(p["spent"] for p in rest),
        }]
    ranking = None
    if scope.level != "center":
        ranking = figures.center_ranking(scope, period, n=5)
        ranking = {side: [{**item, "change_display": charts.percent(item["change"])} for item in items]
                   for side, items in ranking.items()}
    value = {
        "scope_label": scope.label(),
        "headline": figures.headline(scope, period),
        "ranking": ranking,
        "trend_svg": charts.trend_chart(figures.monthly_series(scope, period, 12), width=640, height=280),
        "purpose_svg": charts.purpose_chart(purposes, width=640),
    }
    if seconds > 0:
        cache.set(key, value, seconds)
    return value


# -- things needing attention (live) -----------------------------------------------------------------------------


def licenses_near_expiry(scope: Scope, *, today: datetime.date) -> Listing:
    """Current licenses of licensed centers ending within ``LICENSE_EXPIRY_WARNING_DAYS`` (no later period)."""
    from centers.services.lifecycle import licenses_near_expiry as near

    rows = near(today=today).filter(**_region(scope)).order_by("valid_until", "pk")[: LIST_LIMIT + 1]
    return Listing.of({"center": lic.center, "license": lic, "valid_until": lic.valid_until,
                       "days_left": (lic.valid_until - today).days} for lic in rows)


def perishables_near_expiry(scope: Scope, *, today: datetime.date) -> Listing:
    """Per center: perishable lots still held that expire within ``STOCK_NEAR_EXPIRY_DAYS`` (the seeds say they
    are to be distributed at once), their number, remaining value and first expiry date.

    Served by the partial index ``contributions_stocklot_perishable_held`` (migration ``0003_dashboard_sql``)."""
    from contributions.models import StockLot
    from contributions.services.stock import near_expiry_days

    rows = (StockLot.objects.filter(perishable=True, quantity_remaining__gt=0, expires_on__gte=today,
                                    expires_on__lte=today + datetime.timedelta(days=near_expiry_days()),
                                    **_region(scope))
            .values("center_id", "center__name", "center__slug")
            .annotate(lots=Count("pk"), value=Sum("value_remaining"), first_expiry=Min("expires_on"))
            .order_by("first_expiry", "center_id")[: LIST_LIMIT + 1])
    return Listing.of({"center_id": r["center_id"], "name": r["center__name"], "slug": r["center__slug"],
                       "lots": r["lots"], "value": r["value"], "first_expiry": r["first_expiry"]} for r in rows)


def complaints_past_deadline(scope: Scope, *, now: datetime.datetime) -> Listing:
    """Complaints still awaiting an answer after their deadline, the longest overdue first."""
    from centers.models import Complaint

    rows = (Complaint.objects.filter(status=Complaint.Status.OPEN, deadline__lt=now, **_region(scope))
            .select_related("center").only("pk", "tracking_code", "level", "deadline", "center__name",
                                           "center__slug", "center__id")
            .order_by("deadline", "pk")[: LIST_LIMIT + 1])
    return Listing.of(rows)


def overdue_monthly_reports(scope: Scope, *, today: datetime.date, months: int = 3) -> Listing:
    """Licensed centers whose monthly participation report (seed 001) of one of the last ``months`` ended months
    is past its due date (``reporting.monthly.due_date``) and not submitted (missing or still a draft): the same
    rule as ``reporting.monthly.overdue_reports``, which lists every such center, but only the first
    ``LIST_LIMIT + 1`` rows are read here (latest month first, then by name), one indexed query per month, so a
    province of 500 centers costs a few rows instead of 1,500 built in Python.

    Each row: ``{"center_id", "name", "slug", "period", "period_label", "year", "month", "due", "days_late",
    "status" ("missing" | "draft")}``."""
    from django.db.models import Exists, OuterRef

    from centers.models import Center
    from reporting.models import MonthlyReport
    from reporting.monthly import due_date

    rows: list[dict] = []
    period = Period.last_ended("month", today)
    for _i in range(months):
        due = due_date(period.year, period.number)
        if due < today:
            reports = MonthlyReport.objects.filter(center=OuterRef("pk"), year=period.year, month=period.number)
            late = (Center.objects.filter(status=Center.Status.LICENSED, **scope.center_filter())
                    .exclude(Exists(reports.exclude(status=MonthlyReport.Status.DRAFT)))
                    .annotate(has_draft=Exists(reports))
                    .order_by("name", "pk").values("pk", "name", "slug", "has_draft")[: LIST_LIMIT + 1 - len(rows)])
            label = period.label()
            rows.extend({"center_id": c["pk"], "name": c["name"], "slug": c["slug"], "period": str(period),
                         "period_label": label, "year": period.year, "month": period.number, "due": due,
                         "days_late": (today - due).days, "status": "draft" if c["has_draft"] else "missing"}
                        for c in late)
            if len(rows) > LIST_LIMIT:
                break
        period = period.previous()
    return Listing.of(rows)


HEADLINE_CARDS = (
    # (key in figures.headline, unit)
    ("received", "rials"),
    ("aid", "rials"),
    ("households_served", "count"),
    ("donors", "count"),
)


def headline_cards(headline: dict) -> list[dict]:
    """The headline figures ready to show: value and last year's in Persian digits, the change with its sign
    and direction (``up``, ``down`` or ``flat``; ``new`` when last year had nothing)."""
    from core.digits import format_number_fa

    titles = {"received": _("Received"), "aid": _("Aid given"), "households_served": _("Households served"),
              "donors": _("Donors who gave")}
    cards = []
    for key, unit in HEADLINE_CARDS:
        figure = headline[key]
        value, previous, change = figure["value"], figure["previous"], figure["change"]
        shown = charts.compact_number(value) if unit == "rials" else format_number_fa(int(value))
        before = charts.compact_number(previous) if unit == "rials" else format_number_fa(int(previous))
        if change is None:
            direction = "new" if value else "flat"
        else:
            direction = "up" if change > 0 else "down" if change < 0 else "flat"
        cards.append({"key": key, "title": titles[key], "value": shown, "exact": format_number_fa(int(value)),
                      "unit": unit, "previous": before, "change": charts.percent(change), "direction": direction})
    return cards


def dashboard(scope: Scope, period: Period, *, now: datetime.datetime | None = None) -> dict:
    """Everything a dashboard page shows for ``scope`` and ``period``.

    The caller has checked that the actor may see every center of ``scope`` (``scope_allowed``, or
    VIEW_REPORTS on the one center): the lists are then read with the tenant filter off and narrowed to the
    scope's region instead (see below)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    cached = figures_and_charts(scope, period)
    # reviewed: every query below filters on the scope's region (``scope.center_filter()``), which the view
    # has allowed the actor as a whole. The request's tenant filter would add ``center_id IN (...)`` with every
    # center of the actor (500 for a province), built and parsed again by each statement: a third of the
    # provincial dashboard's time, for no narrowing.
    with scopes_disabled():
        lists = {
            "licenses": licenses_near_expiry(scope, today=today),
            "perishables": perishables_near_expiry(scope, today=today),
            "complaints": complaints_past_deadline(scope, now=now),
            "monthly_reports": overdue_monthly_reports(scope, today=today),
        }
    return {
        "scope": scope,
        "period": period,
        **cached,
        "cards": headline_cards(cached["headline"]),
        **lists,
    }


def period_choices(today: datetime.date | None = None) -> list[Period]:
    """The periods offered on the page: the last ended month, quarter and year."""
    return [Period.last_ended(kind, today) for kind in ("month", "quarter", "year")]
