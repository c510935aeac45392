"""The figures every report, dashboard and the yearbook show, read from the rollup tables only.

Never reads the raw tables (contributions, distributions, households...), so a province or the nation costs
thousands of rollup rows, not millions of source rows. Every function takes a :class:`reporting.scope.Scope`
and a :class:`reporting.periods.Period`; access is the caller's business (``reporting.scope.scope_allowed``).

Conventions for all return values:

* money is integer rials (``int``); counts are ``int``; shares and changes are ``float`` percents rounded to
  one decimal (``12.5`` means 12.5 %), or ``None`` when undefined (e.g. last year's figure is 0);
* "received" means contributions of any kind whose status is *confirmed* (reversed and merely recorded ones
  are left out), at their declared value, in the month of ``received_on``;
* "aid" means aid distributions not reversed, at their value, in the month of their date;
* "previous" is always the same period one Jalali year earlier (``period.previous_year()``), and
  ``change = round((value - previous) / previous * 100, 1)`` when ``previous`` is non-zero, else ``None``;
* labels are translated strings in the active language (Persian digits are left to the renderer).
"""

from __future__ import annotations

from .periods import Period
from .scope import Scope

#: The ``performance()`` sections, in order. A section may have no rows (nothing of that kind in the scope);
#: it is still returned so every report has the same outline.
SECTION_KEYS = (
    "contributions",  # totals by kind: cash, in_kind, service, construction, total (rials), count (number)
    "cash_by_purpose",  # cash received per purpose (rials)
    "in_kind_by_purpose",  # in-kind value received per purpose (rials)
    "service_by_purpose",  # declared value of services received per purpose (rials)
    "contributions_by_channel",  # all kinds, per channel (rials)
    "donors",  # donors who gave: total, new, returning, lapsed (count)
    "pledges",  # instalments due, instalments kept, kept share (percent), rials due / paid
    "households",  # registered (active at period end), newly registered, served, rural share, insured share
    "households_by_need",  # active households with a current need of each category (count)
    "households_by_priority",  # active households per priority band (count)
    "aid_by_kind",  # cash / goods / service aid (rials), and number of distributions
    "aid_by_purpose",  # aid per aid purpose (rials)
    "sponsorships",  # active at period end, started, ended (count)
    "loans",  # issued (count, rials), repaid (rials), written off (rials)
    "campaigns",  # one row per campaign running in the period: raised against its goal (see below)
    "licenses",  # licenses issued, renewed, suspended, revoked, reinstated (count of transitions)
    "complaints",  # received, resolved, per level reached, mean days to resolve, open past deadline
    "community",  # social-health bases, neighbourhood activities, memoranda (count), where present
)


def performance(scope: Scope, period: Period) -> dict:
    """All figures of the quarterly/annual performance report (seed 000), each beside last year's.

    Returns::

        {
            "scope": "province:12@2",            # str(scope)
            "scope_label": "استان اصفهان، ...",  # scope.label()
            "period": "1404-Q2",                 # str(period)
            "period_label": "سه‌ماهه دوم ۱۴۰۴",  # period.label()
            "previous_period": "1403-Q2",        # str(period.previous_year())
            "previous_label": "سه‌ماهه دوم ۱۴۰۳",
            "center_count": 37,                  # centers in the scope
            "sections": [section, ...],          # in SECTION_KEYS order, every key present once
        }

    Each ``section`` is::

        {
            "key": "cash_by_purpose",            # one of SECTION_KEYS
            "title": "نقدی به تفکیک مصرف",       # translated title
            "columns": ["عنوان", "<period_label>", "<previous_label>", "تغییر (درصد)"],
            "rows": [row, ...],
        }

    and each ``row`` is::

        {
            "key": "zakat",          # stable machine key: a purpose/channel/kind/category code or a figure name
            "label": "زکات",         # translated label
            "unit": "rials",         # "rials" | "count" | "percent" | "days"
            "value": 1250000000,     # this period (int; float for percent/days; None when undefined)
            "previous": 980000000,   # same period last year (same type)
            "change": 27.6,          # percent change, or None (see module docstring)
        }

    Rows of the ``campaigns`` section carry two more keys, ``"goal"`` (rials, the campaign's goal, None when it
    has none) and ``"share"`` (percent of the goal raised in the period, or None); their ``previous`` and
    ``change`` are None (a campaign does not repeat), and the section's columns are
    ``["عنوان", "جمع‌آوری‌شده", "هدف", "درصد تحقق"]``. Rows of ``*_by_purpose``/``*_by_channel``/
    ``households_by_*`` sections are ordered by ``value`` descending and list every code seen in either
    period; the other sections have fixed rows in a fixed order.
    """
    raise NotImplementedError("reporting.figures.performance arrives with A's step 2")


def monthly_series(scope: Scope, end_period: Period, months: int = 12) -> list[dict]:
    """The last ``months`` Jalali months ending with the last month of ``end_period``, oldest first, for the
    trend charts. Months with no activity are present with zeros.

    Returns a list of::

        {
            "ym": 140407,                # year * 100 + month
            "year": 1404, "month": 7,
            "period": "1404-07",         # str(Period.month(year, month))
            "label": "مهر ۱۴۰۴",         # Period.month(year, month).label()
            "cash": 0,                   # cash received (rials)
            "in_kind": 0,                # in-kind value received (rials)
            "service": 0,                # services and construction at declared value (rials)
            "aid": 0,                    # aid given, all kinds (rials)
            "households_served": 0,      # distinct households that received aid that month
        }
    """
    raise NotImplementedError("reporting.figures.monthly_series arrives with A's step 2")


def by_purpose(scope: Scope, period: Period) -> list[dict]:
    """Money and goods received and aid given per purpose in the period, for the purpose charts.

    Returns a list, ordered by ``received`` descending then purpose code, of every purpose with anything
    received or spent::

        {
            "purpose": "zakat",          # contributions.Purpose.code
            "label": "زکات",             # the purpose's translated name
            "received": 1250000000,      # all kinds received for this purpose (rials)
            "spent": 800000000,          # aid paid from this purpose (rials; the fund it was paid from)
        }
    """
    raise NotImplementedError("reporting.figures.by_purpose arrives with A's step 2")


def headline(scope: Scope, period: Period) -> dict:
    """The four headline figures of a dashboard, each beside the same period last year.

    Returns::

        {
            "period": "1404-Q2", "period_label": "...", "previous_period": "1403-Q2", "previous_label": "...",
            "received":          {"value": int, "previous": int, "change": float | None},   # rials, all kinds
            "aid":               {"value": int, "previous": int, "change": float | None},   # rials, all kinds
            "households_served": {"value": int, "previous": int, "change": float | None},   # distinct households
            "donors":            {"value": int, "previous": int, "change": float | None},   # distinct donors who gave
        }

    ``households_served`` and ``donors`` count each household/donor once per center in the period (a household
    served by two centers of the scope counts twice, as the centers report it).
    """
    raise NotImplementedError("reporting.figures.headline arrives with A's step 2")


def center_ranking(scope: Scope, period: Period, n: int = 5) -> dict:
    """The centers of the scope whose receipts moved most against the same period last year.

    Returns::

        {
            "up":   [item, ...],   # at most n, largest positive change first
            "down": [item, ...],   # at most n, largest fall first (most negative change)
        }

    with each ``item``::

        {
            "center_id": 5, "name": "...", "slug": "...",
            "value": int,            # received this period (rials)
            "previous": int,         # received in the same period last year (rials)
            "change": float | None,  # percent; None when previous is 0 (such centers are ranked by value, after
                                     # those with a percent, in "up" only)
        }

    A center appears in at most one list; centers with no change are in neither.
    """
    raise NotImplementedError("reporting.figures.center_ranking arrives with A's step 2")
