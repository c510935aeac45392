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

from collections import defaultdict

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from .periods import Period, jalali_ym
from .scope import CENTER, COUNTY, NATION, PROVINCE, Scope

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
    return _performance(scope, period)


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
    return _monthly_series(scope, end_period, months)


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
    return _by_purpose(scope, period)


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
    return _headline(scope, period)


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
    return _center_ranking(scope, period, n)


# ---------------------------------------------------------------------------------------------------------
# Implementation: a handful of grouped reads of the rollup tables per call.
# ---------------------------------------------------------------------------------------------------------

def _change(value, previous) -> float | None:
    if value is None or not previous:
        return None
    return round((value - previous) / previous * 100, 1)


def _pct(part, whole) -> float | None:
    if not whole:
        return None
    return round(part / whole * 100, 1)


def _center_clause(scope: Scope) -> tuple[str, list]:
    """SQL restricting per-center rollup rows to the scope's centers (nothing to restrict for the nation)."""
    if scope.level == CENTER:
        return "center_id = %s", [scope.id]
    if scope.level == NATION and scope.organization_id is None:
        return "TRUE", []
    region, params = _region_clause(scope)
    return f"center_id IN (SELECT id FROM centers_center WHERE {region})", params  # noqa: S608 - constants and placeholders


def _region_clause(scope: Scope) -> tuple[str, list]:
    """SQL on ``county_id`` / ``organization_id`` (of a center or of a regional row) selecting the scope."""
    parts, params = [], []
    if scope.level == COUNTY:
        parts.append("county_id = %s")
        params.append(scope.id)
    elif scope.level == PROVINCE:
        parts.append("county_id IN (SELECT id FROM centers_county WHERE province_id = %s)")
        params.append(scope.id)
    if scope.organization_id is not None:
        parts.append("organization_id = %s")
        params.append(scope.organization_id)
    return " AND ".join(parts) or "TRUE", params


def _month_source(scope: Scope) -> tuple[str, str, list]:
    """(table, where, params) of the monthly figures of a scope: a center's own rows, or the regional sums."""
    if scope.level == CENTER:
        return "reporting_monthfigure", "center_id = %s", [scope.id]
    where, params = _region_clause(scope)
    return "reporting_regionmonthfigure", where, params


def _snapshot_ym(period: Period) -> int:
    """The month whose end a snapshot figure is read at: the period's last month, or this month if the
    period has not ended yet."""
    return min(period.month_keys()[-1], jalali_ym(timezone.localdate()))


def _month_sums(scope: Scope, yms: list[int], metrics) -> dict[tuple[str, str], list[int]]:
    table, where, params = _month_source(scope)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT metric, code, sum(count), sum(amount) FROM {table} "  # noqa: S608
            f"WHERE {where} AND ym = ANY(%s) AND metric = ANY(%s) GROUP BY 1, 2",
            [*params, yms, list(metrics)],
        )
        return {(m, c): [int(n or 0), int(a or 0)] for m, c, n, a in cursor.fetchall()}


def _period_counts(scope: Scope, period: Period) -> dict[str, int]:
    where, params = _center_clause(scope)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT metric, sum(count) FROM reporting_periodfigure "  # noqa: S608
            f"WHERE {where} AND period = %s GROUP BY 1",
            [*params, str(period)],
        )
        return {m: int(n or 0) for m, n in cursor.fetchall()}


_FLOW = ("contrib_kind", "contrib_purpose", "contrib_channel", "campaign", "aid_kind", "aid_purpose",
         "aid_source", "hh_registered", "hh_closed", "pledge_due", "pledge_kept", "spons_started", "spons_ended",
         "loan_issued", "loan_repaid", "loan_written_off", "license", "complaint_received", "complaint_resolved")
_SNAPSHOT = ("hh_active", "hh_need", "hh_band", "spons_active")


class _Figures:
    """Everything ``performance`` needs of one period, read in three queries."""

    def __init__(self, scope: Scope, period: Period):
        self.flow = _month_sums(scope, period.month_keys(), _FLOW)
        self.snap = _month_sums(scope, [_snapshot_ym(period)], _SNAPSHOT)
        self.period = _period_counts(scope, period)

    def n(self, metric, code="") -> int:
        return self.flow.get((metric, code), (0, 0))[0]

    def amount(self, metric, code="") -> int:
        return self.flow.get((metric, code), (0, 0))[1]

    def codes(self, metric) -> set[str]:
        return {c for m, c in self.flow if m == metric} | {c for m, c in self.snap if m == metric}

    def sum_n(self, metric) -> int:
        return sum(v[0] for (m, _c), v in self.flow.items() if m == metric)

    def sum_amount(self, metric) -> int:
        return sum(v[1] for (m, _c), v in self.flow.items() if m == metric)

    def snap_n(self, metric, code="") -> int:
        return self.snap.get((metric, code), (0, 0))[0]


def _row(key, label, unit, value, previous) -> dict:
    return {"key": key, "label": str(label), "unit": unit, "value": value, "previous": previous,
            "change": _change(value, previous)}


def _labels():
    from beneficiaries.models import AidDistribution, Assessment, Sponsorship
    from centers.models import Complaint
    from contributions.models import Contribution, Purpose

    return {
        "kind": dict(Contribution.Kind.choices),
        "channel": dict(Contribution.Channel.choices),
        "purpose": dict(Purpose.objects.values_list("code", "name")),
        "aid_kind": dict(AidDistribution.Kind.choices),
        "need": dict(Assessment.Category.choices),
        "spons": dict(Sponsorship.Kind.choices),
        "level": {str(k): v for k, v in Complaint.Level.choices},
        "band": {"critical": _("very high priority"), "high": _("high priority"),
                 "medium": _("medium priority"), "low": _("low priority")},
    }


def _by_code_rows(codes, more_codes, pick, labels, unit="rials") -> list[dict]:
    """Rows for every code seen in either period; ``pick`` is (this period's value, last year's) of a code."""
    codes = set(codes) | set(more_codes)
    rows = [_row(code, labels.get(code, code), unit, pick[0](code), pick[1](code)) for code in codes]
    rows.sort(key=lambda r: (-(r["value"] or 0), -(r["previous"] or 0), r["key"]))
    return rows


def _performance(scope: Scope, period: Period) -> dict:
    previous = period.previous_year()
    a, b = _Figures(scope, period), _Figures(scope, previous)
    lab = _labels()
    columns = [_("Item"), period.label(), previous.label(), _("Change (percent)")]
    sections: list[dict] = []

    def section(key, title, rows, cols=None):
        sections.append({"key": key, "title": str(title), "columns": cols or columns, "rows": rows})

    # Contributions by kind.
    kinds = ["cash", "in_kind", "service", "construction"]
    rows = [_row(k, lab["kind"][k], "rials", a.amount("contrib_kind", k), b.amount("contrib_kind", k)) for k in kinds]
    rows.append(_row("total", _("Total received"), "rials", a.sum_amount("contrib_kind"),
                     b.sum_amount("contrib_kind")))
    rows.append(_row("count", _("Number of contributions"), "count", a.sum_n("contrib_kind"),
                     b.sum_n("contrib_kind")))
    section("contributions", _("Contributions received"), rows)

    def purpose_rows(kind):
        prefix = f"{kind}:"
        codes = {c[len(prefix):] for c in a.codes("contrib_purpose") | b.codes("contrib_purpose")
                 if c.startswith(prefix)}
        return _by_code_rows(codes, set(), (lambda c: a.amount("contrib_purpose", prefix + c),
                                            lambda c: b.amount("contrib_purpose", prefix + c)), lab["purpose"])

    section("cash_by_purpose", _("Cash by purpose"), purpose_rows("cash"))
    section("in_kind_by_purpose", _("In-kind gifts by purpose"), purpose_rows("in_kind"))
    service_codes = set()
    for c in a.codes("contrib_purpose") | b.codes("contrib_purpose"):
        kind, _sep, code = c.partition(":")
        if kind in ("service", "construction"):
            service_codes.add(code)

    def service_value(figs, code):
        return figs.amount("contrib_purpose", f"service:{code}") + figs.amount("contrib_purpose",
                                                                                f"construction:{code}")

    section("service_by_purpose", _("Services and construction by purpose"),
            _by_code_rows(service_codes, set(), (lambda c: service_value(a, c), lambda c: service_value(b, c)),
                          lab["purpose"]))
    section("contributions_by_channel", _("Contributions by channel"),
            _by_code_rows(a.codes("contrib_channel"), b.codes("contrib_channel"),
                          (lambda c: a.amount("contrib_channel", c), lambda c: b.amount("contrib_channel", c)),
                          lab["channel"]))

    # Donors.
    def donors_rows(x, y):
        return [
            _row("donors", _("Donors who gave"), "count", x.period.get("donors", 0), y.period.get("donors", 0)),
            _row("new", _("New donors"), "count", x.period.get("donors_new", 0), y.period.get("donors_new", 0)),
            _row("returning", _("Returning donors"), "count", x.period.get("donors_returning", 0),
                 y.period.get("donors_returning", 0)),
            _row("lapsed", _("Lapsed donors (gave a year earlier, not now)"), "count",
                 x.period.get("donors_lapsed", 0), y.period.get("donors_lapsed", 0)),
        ]

    section("donors", _("Donors"), donors_rows(a, b))

    # Pledges.
    def kept_share(x):
        return _pct(x.n("pledge_kept"), x.n("pledge_due"))

    section("pledges", _("Pledges kept"), [
        _row("due", _("Instalments due"), "count", a.n("pledge_due"), b.n("pledge_due")),
        _row("kept", _("Instalments paid in full"), "count", a.n("pledge_kept"), b.n("pledge_kept")),
        _row("kept_share", _("Share of instalments kept"), "percent", kept_share(a), kept_share(b)),
        _row("amount_due", _("Amount due"), "rials", a.amount("pledge_due"), b.amount("pledge_due")),
        _row("amount_paid", _("Amount paid"), "rials", a.amount("pledge_kept"), b.amount("pledge_kept")),
    ])

    # Households.
    def hh(x):
        active = x.snap_n("hh_active")
        return {"active": active, "registered": x.n("hh_registered"), "closed": x.n("hh_closed"),
                "served": x.period.get("hh_served", 0), "rural": _pct(x.snap_n("hh_active", "rural"), active),
                "insured": _pct(x.snap_n("hh_active", "insured"), active)}

    ha, hb = hh(a), hh(b)
    section("households", _("Households"), [
        _row("active", _("Households registered (active at the end of the period)"), "count", ha["active"],
             hb["active"]),
        _row("registered", _("Newly registered"), "count", ha["registered"], hb["registered"]),
        _row("closed", _("Files closed"), "count", ha["closed"], hb["closed"]),
        _row("served", _("Households served"), "count", ha["served"], hb["served"]),
        _row("rural_share", _("Rural share"), "percent", ha["rural"], hb["rural"]),
        _row("insured_share", _("Insured share"), "percent", ha["insured"], hb["insured"]),
    ])
    section("households_by_need", _("Households by need"),
            _by_code_rows(a.codes("hh_need"), b.codes("hh_need"),
                          (lambda c: a.snap_n("hh_need", c), lambda c: b.snap_n("hh_need", c)), lab["need"],
                          unit="count"))
    section("households_by_priority", _("Households by priority"),
            _by_code_rows(a.codes("hh_band"), b.codes("hh_band"),
                          (lambda c: a.snap_n("hh_band", c), lambda c: b.snap_n("hh_band", c)), lab["band"],
                          unit="count"))

    # Aid.
    rows = [_row(k, lab["aid_kind"][k], "rials", a.amount("aid_kind", k), b.amount("aid_kind", k))
            for k in ("cash", "goods", "service")]
    rows.append(_row("total", _("Total aid given"), "rials", a.sum_amount("aid_kind"), b.sum_amount("aid_kind")))
    rows.append(_row("count", _("Number of distributions"), "count", a.sum_n("aid_kind"), b.sum_n("aid_kind")))
    section("aid_by_kind", _("Aid by kind"), rows)

    def aid_purpose(x, code):
        return sum(v[1] for (m, c), v in x.flow.items() if m == "aid_purpose" and c.partition(":")[2] == code)

    aid_codes = {c.partition(":")[2] for c in a.codes("aid_purpose") | b.codes("aid_purpose")}
    section("aid_by_purpose", _("Aid by purpose"),
            _by_code_rows(aid_codes, set(), (lambda c: aid_purpose(a, c), lambda c: aid_purpose(b, c)),
                          lab["purpose"]))

    # Sponsorships.
    rows = []
    for k, label in lab["spons"].items():
        rows.append(_row(f"active:{k}", _("%(kind)s: active at the end of the period") % {"kind": label}, "count",
                         a.snap_n("spons_active", k), b.snap_n("spons_active", k)))
    rows.append(_row("started", _("Sponsorships started"), "count", a.sum_n("spons_started"),
                     b.sum_n("spons_started")))
    rows.append(_row("ended", _("Sponsorships ended"), "count", a.sum_n("spons_ended"), b.sum_n("spons_ended")))
    section("sponsorships", _("Sponsorships"), rows)

    # Loans.
    section("loans", _("Interest-free loans"), [
        _row("issued", _("Loans issued"), "count", a.n("loan_issued"), b.n("loan_issued")),
        _row("issued_amount", _("Amount lent"), "rials", a.amount("loan_issued"), b.amount("loan_issued")),
        _row("repaid_amount", _("Amount repaid"), "rials", a.amount("loan_repaid"), b.amount("loan_repaid")),
        _row("written_off", _("Loans written off"), "count", a.n("loan_written_off"), b.n("loan_written_off")),
        _row("written_off_amount", _("Amount written off"), "rials", a.amount("loan_written_off"),
             b.amount("loan_written_off")),
    ])

    # Campaigns: raised in the scope during the period against each campaign's goal.
    section("campaigns", _("Campaigns"), _campaign_rows(a), [_("Campaign"), _("Raised"), _("Goal"),
                                                             _("Share of the goal")])

    # Licenses.
    names = (("license", _("Licenses issued")), ("renew", _("Licenses renewed")),
             ("suspend", _("Licenses suspended")), ("reinstate", _("Licenses reinstated")),
             ("revoke", _("Licenses revoked")), ("dissolve", _("Centers dissolved")))
    section("licenses", _("Licenses"), [_row(k, label, "count", a.n("license", k), b.n("license", k))
                                        for k, label in names])

    # Complaints.
    def mean_days(x):
        n = x.n("complaint_resolved")
        return round(x.amount("complaint_resolved") / n / 86400, 1) if n else None

    rows = [_row("received", _("Complaints received"), "count", a.sum_n("complaint_received"),
                 b.sum_n("complaint_received"))]
    for level, label in lab["level"].items():
        rows.append(_row(f"level:{level}", _("Reached: %(level)s") % {"level": label}, "count",
                         a.n("complaint_received", level), b.n("complaint_received", level)))
    rows.append(_row("resolved", _("Complaints resolved"), "count", a.n("complaint_resolved"),
                     b.n("complaint_resolved")))
    rows.append(_row("days_to_resolve", _("Mean days to resolve"), "days", mean_days(a), mean_days(b)))
    section("complaints", _("Complaints"), rows)

    section("community", _("Social-health bases, community work and memoranda"), [])

    return {
        "scope": str(scope), "scope_label": scope.label(), "period": str(period), "period_label": period.label(),
        "previous_period": str(previous), "previous_label": previous.label(),
        "center_count": _center_count(scope), "sections": sections,
    }


def _center_count(scope: Scope) -> int:
    where, params = ("id = %s", [scope.id]) if scope.level == CENTER else _region_clause(scope)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM centers_center WHERE {where}", params)  # noqa: S608
        return cursor.fetchone()[0]


def _campaign_rows(figs: _Figures) -> list[dict]:
    from contributions.models import Campaign

    raised = {int(c): v[1] for (m, c), v in figs.flow.items() if m == "campaign"}
    if not raised:
        return []
    rows = []
    for campaign in Campaign.objects.filter(pk__in=raised).order_by("-starts_on", "name"):
        value = raised[campaign.pk]
        rows.append({"key": str(campaign.pk), "label": campaign.name, "unit": "rials", "value": value,
                     "previous": None, "change": None, "goal": campaign.goal_amount,
                     "share": _pct(value, campaign.goal_amount)})
    rows.sort(key=lambda r: -r["value"])
    return rows


def _monthly_series(scope: Scope, end_period: Period, months: int) -> list[dict]:
    last_y, last_m = end_period.months()[-1]
    keys = []
    p = Period.month(last_y, last_m)
    for _i in range(months):
        keys.append(p)
        p = p.previous()
    keys.reverse()
    yms = [k.year * 100 + k.number for k in keys]
    sums: dict[tuple[int, str, str], int] = {}
    table, where, params = _month_source(scope)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT ym, metric, code, sum(amount) FROM {table} "  # noqa: S608
            f"WHERE {where} AND ym = ANY(%s) AND metric IN ('contrib_kind', 'aid_kind') GROUP BY 1, 2, 3",
            [*params, yms],
        )
        where, params = _center_clause(scope)
        for ym, metric, code, amount in cursor.fetchall():
            sums[(ym, metric, code)] = int(amount or 0)
        cursor.execute(
            f"SELECT period, sum(count) FROM reporting_periodfigure "  # noqa: S608
            f"WHERE {where} AND period = ANY(%s) AND metric = 'hh_served' GROUP BY 1",
            [*params, [str(k) for k in keys]],
        )
        served = {period: int(n or 0) for period, n in cursor.fetchall()}
    out = []
    for k, ym in zip(keys, yms, strict=True):
        def get(metric, code, ym=ym):
            return sums.get((ym, metric, code), 0)

        out.append({
            "ym": ym, "year": k.year, "month": k.number, "period": str(k), "label": k.label(),
            "cash": get("contrib_kind", "cash"), "in_kind": get("contrib_kind", "in_kind"),
            "service": get("contrib_kind", "service") + get("contrib_kind", "construction"),
            "aid": get("aid_kind", "cash") + get("aid_kind", "goods") + get("aid_kind", "service"),
            "households_served": served.get(str(k), 0),
        })
    return out


def _by_purpose(scope: Scope, period: Period) -> list[dict]:
    from contributions.models import Purpose

    figs = _month_sums(scope, period.month_keys(), ("contrib_purpose", "aid_source"))
    received: dict[str, int] = defaultdict(int)
    spent: dict[str, int] = defaultdict(int)
    for (metric, code), (_n, amount) in figs.items():
        if metric == "contrib_purpose":
            received[code.partition(":")[2]] += amount
        elif code:
            spent[code] += amount
    names = dict(Purpose.objects.values_list("code", "name"))
    codes = set(received) | set(spent)
    rows = [{"purpose": c, "label": names.get(c, c), "received": received.get(c, 0), "spent": spent.get(c, 0)}
            for c in codes]
    rows.sort(key=lambda r: (-r["received"], r["purpose"]))
    return rows


def _headline_values(scope: Scope, period: Period) -> dict[str, int]:
    figs = _month_sums(scope, period.month_keys(), ("contrib_kind", "aid_kind"))
    counts = _period_counts(scope, period)
    return {
        "received": sum(v[1] for (m, _c), v in figs.items() if m == "contrib_kind"),
        "aid": sum(v[1] for (m, _c), v in figs.items() if m == "aid_kind"),
        "households_served": counts.get("hh_served", 0),
        "donors": counts.get("donors", 0),
    }


def _headline(scope: Scope, period: Period) -> dict:
    previous = period.previous_year()
    now, before = _headline_values(scope, period), _headline_values(scope, previous)
    out: dict = {"period": str(period), "period_label": period.label(), "previous_period": str(previous),
                 "previous_label": previous.label()}
    for key in ("received", "aid", "households_served", "donors"):
        out[key] = {"value": now[key], "previous": before[key], "change": _change(now[key], before[key])}
    return out


def _center_ranking(scope: Scope, period: Period, n: int) -> dict:
    from django_scopes import scopes_disabled

    from centers.models import Center

    where, params = _center_clause(scope)
    previous = period.previous_year()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT center_id, sum(amount) FILTER (WHERE ym = ANY(%s)), sum(amount) FILTER (WHERE ym = ANY(%s)) "  # noqa: S608
            f"FROM reporting_monthfigure WHERE {where} AND metric = 'received' AND ym = ANY(%s) GROUP BY 1",
            [period.month_keys(), previous.month_keys(), *params, period.month_keys() + previous.month_keys()],
        )
        rows = [(cid, int(v or 0), int(p or 0)) for cid, v, p in cursor.fetchall()]
    items = [{"center_id": cid, "value": v, "previous": p, "change": _change(v, p)} for cid, v, p in rows if v != p]
    with_pct = [i for i in items if i["change"] is not None]
    up = sorted((i for i in with_pct if i["change"] > 0), key=lambda i: (-i["change"], i["center_id"]))
    up += sorted((i for i in items if i["change"] is None), key=lambda i: (-i["value"], i["center_id"]))
    down = sorted((i for i in with_pct if i["change"] < 0), key=lambda i: (i["change"], i["center_id"]))
    up, down = up[:n], down[:n]
    ids = [i["center_id"] for i in up + down]
    with scopes_disabled():  # reviewed: names and slugs of the ranked centers of a scope the caller may see
        names = {c["pk"]: c for c in Center.objects.filter(pk__in=ids).values("pk", "name", "slug")}
    for i in up + down:
        i["name"] = names.get(i["center_id"], {}).get("name", "")
        i["slug"] = names.get(i["center_id"], {}).get("slug", "")
    return {"up": up, "down": down}
