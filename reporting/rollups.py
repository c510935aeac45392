# ruff: noqa: S608 - the SQL is assembled only from this module's constants; values go as parameters
"""Building and keeping the rollup tables (``reporting.models.rollups``), set-based.

Every figure is produced by one ``INSERT … SELECT … GROUP BY`` per source table, joined to the Jalali calendar
table ``reporting_jcal`` on the date (no per-row conversion, no per-center loop, no correlated subquery). The
same statements serve both paths:

* ``rebuild_all()`` truncates the rollups and runs each statement once over everything (``generate_scale_data``
  calls it; ``manage.py rebuild_rollups``);
* ``refresh_center_month(center_id, year, month)`` deletes and re-inserts one center's rows: the month's flow
  figures, the center's end-of-month snapshots (a registration or a closing changes every later month), its
  donors' and served households' year, and its period figures. Idempotent.

Services call ``mark_stale(center_id, date)`` after a change; once the transaction commits, the
``(center, month)`` is recorded in ``StaleMonth`` and a refresh task is queued only if it was not already
waiting (deduplicated), so a batch of a thousand gifts queues one task.

What counts (the same rules as ``reporting.figures``' docstring): contributions with status *confirmed*, by
``received_on``; aid distributions not reversed, by ``occurred_on``; timestamps are taken as local dates
(``TIME_ZONE``).
"""

from __future__ import annotations

import datetime
import logging
import time

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from core.jalali import to_jalali

from .periods import Period, jalali_ym

log = logging.getLogger(__name__)

#: metric -> (kind, code meaning). "flow" figures add up over months; "snapshot" figures describe the end of
#: the month and are read at a period's last month.
METRICS = {
    "received": ("flow", "'': count and value of all confirmed contributions"),
    "contrib_kind": ("flow", "contribution kind: count and value of confirmed contributions"),
    "contrib_purpose": ("flow", "'<kind>:<purpose code>'"),
    "contrib_channel": ("flow", "channel, all kinds"),
    "campaign": ("flow", "campaign id: confirmed contributions of the campaign"),
    "aid_kind": ("flow", "aid kind: count and value of distributions not reversed"),
    "aid_purpose": ("flow", "'<kind>:<aid purpose code>'"),
    "aid_source": ("flow", "purpose code of the fund or goods the aid was paid from"),
    "hh_registered": ("flow", "'': households registered"),
    "hh_closed": ("flow", "'': households closed"),
    "hh_active": ("snapshot", "'' all, 'rural', 'insured': active households at month end"),
    "hh_need": ("snapshot", "need category: active households with a current need of it"),
    "hh_band": ("snapshot", "priority band: active households per band of their priority score"),
    "pledge_due": ("flow", "'': instalments due in the month (not waived), amount due"),
    "pledge_kept": ("flow", "'': of those, instalments paid in full, amount paid"),
    "spons_started": ("flow", "sponsorship kind"),
    "spons_ended": ("flow", "sponsorship kind"),
    "spons_active": ("snapshot", "sponsorship kind: active at month end"),
    "loan_issued": ("flow", "'': loans disbursed, amount"),
    "loan_repaid": ("flow", "'': repayments received, amount"),
    "loan_written_off": ("flow", "'': loans written off, amount left unpaid"),
    "license": ("flow", "transition name: license, renew, suspend, reinstate, revoke, dissolve"),
    "complaint_received": ("flow", "level reached: complaints filed in the month"),
    "complaint_resolved": ("flow", "'': complaints resolved in the month; amount = seconds from filing"),
    "base_agreement": ("flow", "'': social-health base agreements starting in the month"),
    "base_activity": ("flow", "'': base activity reports; amount = people reached"),
    "community_plan": ("flow", "'': participatory neighbourhood plans starting in the month"),
}
SNAPSHOT_METRICS = tuple(m for m, (kind, _doc) in METRICS.items() if kind == "snapshot")

#: Priority bands of the household's score (beneficiaries/priority.py): lower bound, code.
PRIORITY_BANDS = ((150, "critical"), (100, "high"), (50, "medium"), (0, "low"))

_ROLLUP_TABLES = ("reporting_monthfigure", "reporting_donoryear", "reporting_servedyear", "reporting_periodfigure",
                  "reporting_regionmonthfigure")


# ---------------------------------------------------------------------------------------------------------
# The statements. Each takes a filter on its source alias: "TRUE" for the rebuild, or the center and the
# month's date range for a refresh. %(tz)s is the local time zone.
# ---------------------------------------------------------------------------------------------------------

def _local(col: str) -> str:
    return f"(({col}) AT TIME ZONE %(tz)s)::date"


_band_case = "CASE " + " ".join(
    f"WHEN h.priority_score >= {low} THEN '{code}'" for low, code in PRIORITY_BANDS
) + " END"

# Flow figures of MonthFigure. "{f}" is replaced by a filter on the source's center and date.
_FLOW_SQL = {
    "contributions": """
        INSERT INTO reporting_monthfigure (center_id, ym, metric, code, count, amount)
        SELECT a.center_id, a.ym,
               CASE WHEN a.g_channel = 0 THEN 'contrib_channel'
                    WHEN a.g_purpose = 0 THEN 'contrib_purpose'
                    WHEN a.g_campaign = 0 THEN 'campaign'
                    WHEN a.g_kind = 0 THEN 'contrib_kind'
                    ELSE 'received' END,
               CASE WHEN a.g_channel = 0 THEN a.channel
                    WHEN a.g_purpose = 0 THEN a.kind || ':' || p.code
                    WHEN a.g_campaign = 0 THEN a.campaign_id::text
                    WHEN a.g_kind = 0 THEN a.kind
                    ELSE '' END,
               a.n, a.s
        FROM (
            SELECT c.center_id, j.ym, c.kind, c.purpose_id, c.channel, c.campaign_id,
                   GROUPING(c.channel) AS g_channel, GROUPING(c.purpose_id) AS g_purpose,
                   GROUPING(c.campaign_id) AS g_campaign, GROUPING(c.kind) AS g_kind,
                   count(*) AS n, sum(c.amount) AS s
            FROM contributions_contribution c JOIN reporting_jcal j ON j.d = c.received_on
            WHERE c.status = 'confirmed' AND {f}
            GROUP BY GROUPING SETS ((c.center_id, j.ym, c.kind), (c.center_id, j.ym, c.kind, c.purpose_id),
                                    (c.center_id, j.ym, c.channel), (c.center_id, j.ym, c.campaign_id),
                                    (c.center_id, j.ym))
        ) a LEFT JOIN contributions_purpose p ON p.id = a.purpose_id
        WHERE a.g_campaign = 1 OR a.campaign_id IS NOT NULL
    """,
    "aid": """
        INSERT INTO reporting_monthfigure (center_id, ym, metric, code, count, amount)
        SELECT a.center_id, a.ym,
               CASE WHEN a.g_source = 0 THEN 'aid_source' WHEN a.g_purpose = 0 THEN 'aid_purpose'
                    ELSE 'aid_kind' END,
               CASE WHEN a.g_source = 0 THEN coalesce(sp.code, '')
                    WHEN a.g_purpose = 0 THEN a.kind || ':' || p.code ELSE a.kind END,
               a.n, a.s
        FROM (
            SELECT d.center_id, j.ym, d.kind, d.purpose_id, coalesce(d.source_purpose_id, d.purpose_id) AS src,
                   GROUPING(d.purpose_id) AS g_purpose,
                   GROUPING(coalesce(d.source_purpose_id, d.purpose_id)) AS g_source,
                   count(*) AS n, sum(d.value) AS s
            FROM beneficiaries_aiddistribution d JOIN reporting_jcal j ON j.d = d.occurred_on
            WHERE d.status <> 'reversed' AND {f}
            GROUP BY GROUPING SETS ((d.center_id, j.ym, d.kind), (d.center_id, j.ym, d.kind, d.purpose_id),
                                    (d.center_id, j.ym, coalesce(d.source_purpose_id, d.purpose_id)))
        ) a
        LEFT JOIN contributions_purpose p ON p.id = a.purpose_id
        LEFT JOIN contributions_purpose sp ON sp.id = a.src
    """,
    "hh_registered": f"""
        INSERT INTO reporting_monthfigure (center_id, ym, metric, code, count, amount)
        SELECT h.center_id, j.ym, 'hh_registered', '', count(*), 0
        FROM beneficiaries_household h JOIN reporting_jcal j ON j.d = {_local("h.created_at")}
        WHERE {{f}} GROUP BY 1, 2
    """,
    "hh_closed": """
        INSERT INTO reporting_monthfigure (center_id, ym, metric, code, count, amount)
        SELECT h.center_id, j.ym, 'hh_closed', '', count(*), 0
        FROM beneficiaries_household h JOIN reporting_jcal j ON j.d = h.closed_on
        WHERE h.status = 'closed' AND {f} GROUP BY 1, 2
    """,
    "pledges": """
        INSERT INTO reporting_monthfigure (center_id, ym, metric, code, count, amount)
        SELECT i.center_id, j.ym, m.metric, '',
               CASE m.metric WHEN 'pledge_due' THEN count(*)
                    ELSE count(*) FILTER (WHERE i.amount_paid >= i.amount_due) END,
               CASE m.metric WHEN 'pledge_due' THEN sum(i.amount_due) ELSE sum(i.amount_paid) END
        FROM contributions_pledgeinstalment i JOIN reporting_jcal j ON j.d = i.due_on
             CROSS JOIN (VALUES ('pledge_due'), ('pledge_kept')) m(metric)
        WHERE i.status <> 'waived' AND {f} GROUP BY 1, 2, 3
    """,
    "spons_started": """
        INSERT INTO reporting_monthfigure (center_id, ym, metric, code, count, amount)
        SELECT s.center_id, j.ym, 'spons_started', s.kind, count(*), 0
        FROM beneficiaries_sponsorship s JOIN reporting_jcal j ON j.d = s.starts_on
        WHERE {f} GROUP BY 1, 2, 4
    """,
    "spons_ended": """
        INSERT INTO reporting_monthfigure (center_id, ym, metric, code, count, amount)
        SELECT s.center_id, j.ym, 'spons_ended', s.kind, count(*), 0
        FROM beneficiaries_sponsorship s JOIN reporting_jcal j ON j.d = s.ends_on
        WHERE s.ends_on IS NOT NULL AND {f} GROUP BY 1, 2, 4
    """,
    "loan_issued": """
        INSERT INTO reporting_monthfigure (center_id, ym, metric, code, count, amount)
        SELECT l.center_id, j.ym, 'loan_issued', '', count(*), sum(l.amount)
        FROM beneficiaries_loan l JOIN reporting_jcal j ON j.d = l.disbursed_on
        WHERE l.disbursed_on IS NOT NULL AND {f} GROUP BY 1, 2
    """,
    "loan_repaid": """
        INSERT INTO reporting_monthfigure (center_id, ym, metric, code, count, amount)
        SELECT r.center_id, j.ym, 'loan_repaid', '', count(*), sum(r.amount)
        FROM beneficiaries_loanrepayment r JOIN reporting_jcal j ON j.d = r.received_on
        WHERE {f} GROUP BY 1, 2
    """,
    "loan_written_off": """
        INSERT INTO reporting_monthfigure (center_id, ym, metric, code, count, amount)
        SELECT l.center_id, j.ym, 'loan_written_off', '', count(*), sum(coalesce(u.unpaid, 0))
        FROM beneficiaries_loan l JOIN reporting_jcal j ON j.d = l.written_off_on
             LEFT JOIN (SELECT loan_id, sum(amount_due - amount_paid) AS unpaid
                        FROM beneficiaries_loaninstalment WHERE status = 'written_off' GROUP BY loan_id) u
                    ON u.loan_id = l.id
        WHERE l.status = 'written_off' AND l.written_off_on IS NOT NULL AND {f} GROUP BY 1, 2
    """,
    "license": f"""
        INSERT INTO reporting_monthfigure (center_id, ym, metric, code, count, amount)
        SELECT t.center_id, j.ym, 'license', t.name, count(*), 0
        FROM centers_centertransition t JOIN reporting_jcal j ON j.d = {_local("t.at")}
        WHERE t.name IN ('license', 'renew', 'suspend', 'reinstate', 'revoke', 'dissolve') AND {{f}}
        GROUP BY 1, 2, 4
    """,
    "complaint_received": f"""
        INSERT INTO reporting_monthfigure (center_id, ym, metric, code, count, amount)
        SELECT k.center_id, j.ym, 'complaint_received', k.level::text, count(*), 0
        FROM centers_complaint k JOIN reporting_jcal j ON j.d = {_local("k.created_at")}
        WHERE {{f}} GROUP BY 1, 2, 4
    """,
    "complaint_resolved": f"""
        INSERT INTO reporting_monthfigure (center_id, ym, metric, code, count, amount)
        SELECT k.center_id, j.ym, 'complaint_resolved', '', count(*),
               sum(extract(epoch FROM e.at - k.created_at))::bigint
        FROM centers_complaint k
             JOIN (SELECT complaint_id, min(at) AS at FROM centers_complaintevent
                   WHERE kind = 'resolved' GROUP BY complaint_id) e ON e.complaint_id = k.id
             JOIN reporting_jcal j ON j.d = {_local("e.at")}
        WHERE k.status = 'resolved' AND {{f}} GROUP BY 1, 2
    """,
    # Social-health bases and neighbourhood work (refreshed with the center's month, and nightly: their
    # services do not mark months themselves).
    "base_agreement": """
        INSERT INTO reporting_monthfigure (center_id, ym, metric, code, count, amount)
        SELECT b.center_id, j.ym, 'base_agreement', '', count(*), 0
        FROM bases_baseagreement b JOIN reporting_jcal j ON j.d = b.starts_on
        WHERE {f} GROUP BY 1, 2
    """,
    "base_activity": """
        INSERT INTO reporting_monthfigure (center_id, ym, metric, code, count, amount)
        SELECT b.center_id, j.ym, 'base_activity', '', count(*), sum(b.people_reached)
        FROM bases_activityreport b JOIN reporting_jcal j ON j.d = b.reported_on
        WHERE {f} GROUP BY 1, 2
    """,
    "community_plan": """
        INSERT INTO reporting_monthfigure (center_id, ym, metric, code, count, amount)
        SELECT b.center_id, j.ym, 'community_plan', '', count(*), 0
        FROM community_participatoryplan b JOIN reporting_jcal j ON j.d = b.starts_on
        WHERE {f} GROUP BY 1, 2
    """,
}

#: The column that dates each flow statement's source rows, for a refresh's date filter.
_FLOW_DATE = {
    "contributions": ("c", "c.received_on"),
    "aid": ("d", "d.occurred_on"),
    "hh_registered": ("h", _local("h.created_at")),
    "hh_closed": ("h", "h.closed_on"),
    "pledges": ("i", "i.due_on"),
    "spons_started": ("s", "s.starts_on"),
    "spons_ended": ("s", "s.ends_on"),
    "loan_issued": ("l", "l.disbursed_on"),
    "loan_repaid": ("r", "r.received_on"),
    "loan_written_off": ("l", "l.written_off_on"),
    "license": ("t", _local("t.at")),
    "complaint_received": ("k", _local("k.created_at")),
    "complaint_resolved": ("k", _local("e.at")),
    "base_agreement": ("b", "b.starts_on"),
    "base_activity": ("b", "b.reported_on"),
    "community_plan": ("b", "b.starts_on"),
}

# End-of-month snapshots (households active, by area/insurance, by priority band, by need; sponsorships active)
# as running sums of +1/-1 events: an item counts from the month its interval starts to the month before it
# ends (an end in the same month as the start cancels it). One pass over the sources, no range join of every
# item with every month. ``{f}`` filters the households (alias h), ``{fa}`` the assessments (a), ``{fs}`` the
# sponsorships (s).
_SNAPSHOT_SQL = f"""
    WITH hh AS (
        SELECT h.id, h.center_id, h.area, h.insurance, {_band_case} AS band, {_local("h.created_at")} AS s,
               CASE WHEN h.status = 'closed' THEN greatest(h.closed_on, {_local("h.created_at")}) END AS e
        FROM beneficiaries_household h WHERE {{f}}
    ),
    spans AS (
        SELECT hh.center_id, 'hh_active' AS metric, v.code, hh.s, hh.e
        FROM hh CROSS JOIN LATERAL (VALUES (''), (CASE WHEN hh.area = 'rural' THEN 'rural' END),
                                           (CASE WHEN hh.insurance <> 'none' THEN 'insured' END)) v(code)
        WHERE v.code IS NOT NULL
        UNION ALL
        SELECT hh.center_id, 'hh_band', hh.band, hh.s, hh.e FROM hh
        UNION ALL
        -- a need counts while its assessment is the latest of its category and the household is active
        SELECT n.center_id, 'hh_need', n.category, n.s,
               CASE WHEN coalesce(n.next_on, n.e) IS NOT NULL THEN greatest(n.s, least(n.next_on, n.e)) END
        FROM (SELECT a.center_id, a.category, greatest(a.assessed_on, hh.s) AS s, hh.e,
                     lead(a.assessed_on) OVER (PARTITION BY a.household_id, a.category
                                               ORDER BY a.assessed_on, a.id) AS next_on
              FROM beneficiaries_assessment a JOIN hh ON hh.id = a.household_id WHERE {{fa}}) n
        UNION ALL
        SELECT s.center_id, 'spons_active', s.kind, s.starts_on,
               CASE WHEN s.ends_on IS NOT NULL THEN greatest(s.ends_on, s.starts_on) END
        FROM beneficiaries_sponsorship s WHERE {{fs}}
    ),
    events AS (
        SELECT sp.center_id, sp.metric, sp.code, j.ym, sum(sp.delta) AS delta
        FROM (SELECT center_id, metric, code, s AS d, 1 AS delta FROM spans
              UNION ALL SELECT center_id, metric, code, e, -1 FROM spans WHERE e IS NOT NULL) sp
             JOIN reporting_jcal j ON j.d = sp.d
        GROUP BY 1, 2, 3, 4
    ),
    months AS (SELECT DISTINCT ym FROM reporting_jcal WHERE d BETWEEN %(first)s AND %(today)s),
    keys AS (SELECT center_id, metric, code, min(ym) AS first_ym FROM events GROUP BY 1, 2, 3),
    running AS (
        SELECT k.center_id, k.metric, k.code, m.ym,
               sum(coalesce(e.delta, 0)) OVER (PARTITION BY k.center_id, k.metric, k.code ORDER BY m.ym) AS n
        FROM keys k JOIN months m ON m.ym >= k.first_ym
             LEFT JOIN events e ON e.center_id = k.center_id AND e.metric = k.metric AND e.code = k.code
                               AND e.ym = m.ym
    )
    INSERT INTO reporting_monthfigure (center_id, ym, metric, code, count, amount)
    SELECT center_id, ym, metric, code, n, 0 FROM running WHERE n > 0
"""


# The regional sums, from the center rows: per county and organisation, and per province and organisation
# (county NULL). ``{f}`` filters the month figures (alias m) and centers (c, with k their county).
_REGION_SQL = """
    INSERT INTO reporting_regionmonthfigure (province_id, county_id, organization_id, ym, metric, code, count, amount)
    SELECT k.province_id, CASE WHEN GROUPING(c.county_id) = 0 THEN c.county_id END, c.organization_id,
           m.ym, m.metric, m.code, sum(m.count), sum(m.amount)
    FROM reporting_monthfigure m JOIN centers_center c ON c.id = m.center_id JOIN centers_county k ON k.id = c.county_id
    WHERE {f}
    GROUP BY GROUPING SETS ((k.province_id, c.county_id, c.organization_id, m.ym, m.metric, m.code),
                            (k.province_id, c.organization_id, m.ym, m.metric, m.code)){having}
    ORDER BY 4, 5, 1, 2  -- stored in the order it is read: a period's months lie together
"""


_DONOR_YEAR_SQL = """
    INSERT INTO reporting_donoryear (center_id, donor_id, jyear, months, first_month, amount)
    SELECT c.center_id, c.donor_id, j.jy, bit_or(1 << (j.jm - 1)), min(j.jm), sum(c.amount)
    FROM contributions_contribution c JOIN reporting_jcal j ON j.d = c.received_on
    WHERE c.status = 'confirmed' AND c.donor_id IS NOT NULL AND {f}
    GROUP BY 1, 2, 3
"""

_SERVED_YEAR_SQL = """
    INSERT INTO reporting_servedyear (center_id, household_id, jyear, months, amount)
    SELECT d.center_id, d.household_id, j.jy, bit_or(1 << (j.jm - 1)), sum(d.value)
    FROM beneficiaries_aiddistribution d JOIN reporting_jcal j ON j.d = d.occurred_on
    WHERE d.status <> 'reversed' AND {f}
    GROUP BY 1, 2, 3
"""

# (suffix of the period string, month mask): 12 months, 4 quarters, the year.
_SLOTS = (
    [(f"-{m:02d}", 1 << (m - 1)) for m in range(1, 13)]
    + [(f"-Q{q}", 7 << (3 * (q - 1))) for q in range(1, 5)]
    + [("", 4095)]
)
_SLOTS_SQL = "(VALUES " + ", ".join(f"('{s}', {mask})" for s, mask in _SLOTS) + ") s(suffix, mask)"

_PERIOD_SQL = (
    # Donors who gave in the period, and the new ones among them (their first gift at the center in it);
    # returning = donors - new.
    f"""
    WITH firsts AS (SELECT center_id, donor_id, min(jyear * 100 + first_month) AS fym
                    FROM reporting_donoryear WHERE {{f}} GROUP BY 1, 2),
    agg AS (
        SELECT y.center_id, y.jyear::text || s.suffix AS period, count(*) AS donors,
               count(*) FILTER (WHERE f.fym / 100 = y.jyear AND ((1 << (f.fym %% 100 - 1)) & s.mask) <> 0) AS new
        FROM reporting_donoryear y JOIN firsts f USING (center_id, donor_id) CROSS JOIN {_SLOTS_SQL}
        WHERE (y.months & s.mask) <> 0 AND {{fy}}
        GROUP BY 1, 2
    )
    INSERT INTO reporting_periodfigure (center_id, period, metric, count)
    SELECT a.center_id, a.period, v.metric, v.n FROM agg a
    CROSS JOIN LATERAL (VALUES ('donors', a.donors), ('donors_new', a.new),
                               ('donors_returning', a.donors - a.new)) v(metric, n)
    WHERE v.n > 0
    """,
    # Lapsed: gave in the same period a year earlier, not in this one.
    f"""
    INSERT INTO reporting_periodfigure (center_id, period, metric, count)
    SELECT p.center_id, (p.jyear + 1)::text || s.suffix, 'donors_lapsed', count(*)
    FROM reporting_donoryear p
         LEFT JOIN reporting_donoryear c ON c.center_id = p.center_id AND c.donor_id = p.donor_id
                                        AND c.jyear = p.jyear + 1
         CROSS JOIN {_SLOTS_SQL}
    WHERE (p.months & s.mask) <> 0 AND (c.months IS NULL OR (c.months & s.mask) = 0)
          AND p.jyear + 1 <= %(this_year)s AND {{fp}}
    GROUP BY 1, 2
    """,
    f"""
    INSERT INTO reporting_periodfigure (center_id, period, metric, count)
    SELECT y.center_id, y.jyear::text || s.suffix, 'hh_served', count(*)
    FROM reporting_servedyear y CROSS JOIN {_SLOTS_SQL}
    WHERE (y.months & s.mask) <> 0 AND {{fy}}
    GROUP BY 1, 2
    """,
)


# ---------------------------------------------------------------------------------------------------------
# Running them
# ---------------------------------------------------------------------------------------------------------

def _params(**extra) -> dict:
    today = timezone.localdate()
    return {"tz": settings.TIME_ZONE, "today": today, "first": datetime.date(1990, 1, 1),
            "this_year": to_jalali(today).year, **extra}


def _open_rls(center_ids) -> None:
    """Beneficiary tables are under row-level security for the application role (architecture §3d): make the
    centers being rolled up visible for this transaction (a no-op for the owner/superuser)."""
    from beneficiaries import rls

    rls.apply(connection, center_ids)


def _all_center_ids() -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM centers_center")
        return [r[0] for r in cursor.fetchall()]


def rebuild_all(*, verbose: bool = False) -> dict[str, float]:
    """Truncate every rollup table and rebuild it from the raw tables, set-based, in one transaction.

    Returns the seconds each step took (also logged). Safe to run at any time: readers of the rollups wait
    for it (TRUNCATE locks the tables), so it runs at night and after bulk loads.
    """
    timings: dict[str, float] = {}

    def step(name, sql, params):
        t0 = time.monotonic()
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
        timings[name] = round(time.monotonic() - t0, 2)
        if verbose:
            print(f"{name}: {timings[name]} s", flush=True)  # noqa: T201 - the command's progress

    params = _params()
    started = time.monotonic()
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL work_mem = '256MB'")
            cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
            cursor.execute(f"TRUNCATE {', '.join(_ROLLUP_TABLES)}")
            cursor.execute("DELETE FROM reporting_stalemonth")
            # Building an index once after the load is much cheaper than keeping it up row by row.
            cursor.execute(
                "SELECT c.relname, pg_get_indexdef(x.indexrelid) FROM pg_index x "
                "JOIN pg_class c ON c.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid "
                "WHERE t.relname = ANY(%s) AND t.relnamespace = current_schema()::regnamespace "
                "AND NOT x.indisprimary AND NOT x.indisunique",
                [list(_ROLLUP_TABLES)],
            )
            indexes = cursor.fetchall()
            for name, _definition in indexes:
                cursor.execute(f'DROP INDEX "{name}"')
        _open_rls(_all_center_ids())
        for name, sql in _FLOW_SQL.items():
            step(name, sql.replace("{f}", "TRUE"), params)
        step("snapshots", _SNAPSHOT_SQL.replace("{fa}", "TRUE").replace("{fs}", "TRUE").replace("{f}", "TRUE"),
             params)
        step("regions", _REGION_SQL.replace("{f}", "TRUE").replace("{having}", ""), params)
        step("donor_year", _DONOR_YEAR_SQL.replace("{f}", "TRUE"), params)
        step("served_year", _SERVED_YEAR_SQL.replace("{f}", "TRUE"), params)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE reporting_donoryear")
            cursor.execute("ANALYZE reporting_servedyear")
        for i, sql in enumerate(_PERIOD_SQL):
            step(f"period_{i}", sql.replace("{fy}", "TRUE").replace("{fp}", "TRUE").replace("{f}", "TRUE"), params)
        t0 = time.monotonic()
        with connection.cursor() as cursor:
            for _name, definition in indexes:
                cursor.execute(definition)
        timings["indexes"] = round(time.monotonic() - t0, 2)
    with connection.cursor() as cursor:
        for table in _ROLLUP_TABLES:
            cursor.execute(f"ANALYZE {table}")
    timings["total"] = round(time.monotonic() - started, 2)
    log.info("rollups rebuilt in %.1f s: %s", timings["total"], timings)
    return timings


def refresh_center_month(center_id: int, year: int, month: int) -> None:
    """Recompute one center's rollups touched by a change in Jalali ``year``/``month`` (idempotent):
    that month's flow figures, all of the center's end-of-month snapshots, its donors' and served households'
    rows of that year, and all its period figures."""
    center_id = int(center_id)
    period = Period.month(year, month)
    ym = year * 100 + month
    params = _params(center=center_id, start=period.start, end=period.end, jy=year)
    with transaction.atomic():
        _open_rls([center_id])
        with connection.cursor() as cursor:
            # One refresh of a center at a time: two tasks for one center would interleave delete+insert.
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext('reporting.rollups'), %s)", [center_id])
            cursor.execute(
                "DELETE FROM reporting_monthfigure WHERE center_id = %s AND (ym = %s OR metric = ANY(%s))",
                [center_id, ym, list(SNAPSHOT_METRICS)],
            )
            for name, sql in _FLOW_SQL.items():
                alias, date_expr = _FLOW_DATE[name]
                f = f"{alias}.center_id = %(center)s AND {date_expr} BETWEEN %(start)s AND %(end)s"
                cursor.execute(sql.replace("{f}", f), params)
            cursor.execute(_SNAPSHOT_SQL.replace("{fa}", "a.center_id = %(center)s")
                           .replace("{fs}", "s.center_id = %(center)s").replace("{f}", "h.center_id = %(center)s"),
                           params)
            cursor.execute("DELETE FROM reporting_donoryear WHERE center_id = %s AND jyear = %s", [center_id, year])
            cursor.execute("DELETE FROM reporting_servedyear WHERE center_id = %s AND jyear = %s", [center_id, year])
            jalali_year = Period.year(year)
            f_year = "{a}.center_id = %(center)s AND {d} BETWEEN %(ystart)s AND %(yend)s"
            params.update(ystart=jalali_year.start, yend=jalali_year.end)
            cursor.execute(_DONOR_YEAR_SQL.replace("{f}", f_year.format(a="c", d="c.received_on")), params)
            cursor.execute(_SERVED_YEAR_SQL.replace("{f}", f_year.format(a="d", d="d.occurred_on")), params)
            # The regional sums of the center's county and of its province (its organisation's), for this month
            # and every snapshot.
            region = {**params, "ym": ym, "snapshots": list(SNAPSHOT_METRICS)}
            cursor.execute(
                """DELETE FROM reporting_regionmonthfigure r USING centers_center c JOIN centers_county k
                                                                  ON k.id = c.county_id
                   WHERE c.id = %(center)s AND r.organization_id = c.organization_id
                     AND r.province_id = k.province_id AND (r.county_id IS NULL OR r.county_id = c.county_id)
                     AND (r.ym = %(ym)s OR r.metric = ANY(%(snapshots)s))""",
                region,
            )
            cursor.execute(
                _REGION_SQL.replace("{f}", """(m.ym = %(ym)s OR m.metric = ANY(%(snapshots)s))
                    AND (k.province_id, c.organization_id) = (
                        SELECT k2.province_id, c2.organization_id FROM centers_center c2
                        JOIN centers_county k2 ON k2.id = c2.county_id WHERE c2.id = %(center)s)""")
                .replace("{having}", """
                    HAVING GROUPING(c.county_id) = 1
                        OR c.county_id = (SELECT county_id FROM centers_center WHERE id = %(center)s)"""),
                region,
            )
            cursor.execute("DELETE FROM reporting_periodfigure WHERE center_id = %s", [center_id])
            for sql in _PERIOD_SQL:
                cursor.execute(
                    sql.replace("{fy}", "y.center_id = %(center)s").replace("{fp}", "p.center_id = %(center)s")
                    .replace("{f}", "center_id = %(center)s"),
                    params,
                )


def refresh_center(center_id: int) -> None:
    """Recompute every month of one center that has any source row (after a donor merge moved many rows)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT DISTINCT j.jy, j.jm FROM reporting_jcal j WHERE j.d IN (
                   SELECT received_on FROM contributions_contribution WHERE center_id = %s)
               UNION SELECT jy, jm FROM reporting_jcal WHERE d = %s""",
            [center_id, timezone.localdate()],
        )
        months = sorted(cursor.fetchall())
    for y, m in months:
        refresh_center_month(center_id, y, m)


# ---------------------------------------------------------------------------------------------------------
# Keeping them current
# ---------------------------------------------------------------------------------------------------------

def mark_stale(center_id: int, date: datetime.date | datetime.datetime | None = None) -> None:
    """Say that a center's figures of the Jalali month of ``date`` changed (None: all of its months).

    Called by the write services inside their transaction; the work happens after it commits: the month is
    recorded in ``StaleMonth`` and a refresh task is queued only when it was not already waiting, so many
    changes of one month queue one task. A rolled-back change marks nothing.
    """
    if date is None:
        ym = 0  # the whole center
    else:
        if isinstance(date, datetime.datetime):
            date = timezone.localtime(date).date() if timezone.is_aware(date) else date.date()
        ym = jalali_ym(date)
    center_id = int(center_id)
    transaction.on_commit(lambda: _enqueue(center_id, ym))


def mark_donor_stale(donor_id: int) -> None:
    """Every center a donor gave at must recount its donors (after ``donor_merge`` moved their gifts)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT DISTINCT center_id FROM contributions_contribution WHERE donor_id = %s", [donor_id])
        center_ids = [r[0] for r in cursor.fetchall()]
    for center_id in center_ids:
        mark_stale(center_id, None)


def mark_stale_many(center_id: int, dates) -> None:
    """``mark_stale`` for each distinct Jalali month among ``dates`` (a batch, a pledge's schedule)."""
    for ym in sorted({jalali_ym(d) for d in dates if d is not None}):
        transaction.on_commit(lambda ym=ym: _enqueue(int(center_id), ym))


def _enqueue(center_id: int, ym: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO reporting_stalemonth (center_id, ym, marked_at) VALUES (%s, %s, now()) "
            "ON CONFLICT (center_id, ym) DO NOTHING RETURNING id",
            [center_id, ym],
        )
        inserted = cursor.fetchone() is not None
    if inserted:
        from .tasks.rollups import refresh_center_month_task

        try:
            refresh_center_month_task.apply_async(kwargs={"center_id": center_id, "ym": ym})
        except Exception:  # the broker is down: the mark stays, and the nightly task refreshes it
            log.exception("could not queue the rollup refresh of center %s month %s", center_id, ym)


def refresh_stale(center_id: int, ym: int) -> None:
    """Refresh a marked month (``ym`` 0: the whole center). The mark is taken off first, so a change made
    while refreshing marks it again and queues another refresh."""
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM reporting_stalemonth WHERE center_id = %s AND ym = %s", [center_id, ym])
    if ym == 0:
        refresh_center(center_id)
    else:
        refresh_center_month(center_id, ym // 100, ym % 100)


def refresh_all_stale() -> int:
    """Refresh every month still marked (the nightly safety net for a lost task). Returns how many."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT center_id, ym FROM reporting_stalemonth ORDER BY center_id, ym")
        rows = cursor.fetchall()
    for center_id, ym in rows:
        refresh_stale(center_id, ym)
    return len(rows)
