# ruff: noqa: S311, S608 - seeded pseudo-random benchmark data; SQL built from our own constants and integers
"""Loads a scale data set in one transaction (see ``generate_scale_data``).

Per-row triggers (pghistory's event rows, the ledger's per-row checks, foreign keys) are switched off for the
load with ``session_replication_role = replica``; CHECK and UNIQUE constraints still hold row by row, and the
set-based checks of ``checks.py`` prove the rest before the transaction commits (any broken rule rolls the
whole load back). Indexes of the big tables are dropped for the load and built again before the checks;
the written tables are analysed in the same transaction; after the commit the rollups are rebuilt.
"""

from __future__ import annotations

import datetime
import time
from collections.abc import Callable

import jdatetime
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction

from . import households as households_mod
from . import pledges as pledges_mod
from . import sql
from .checks import run_checks
from .spec import DEFAULT_PROVINCE, ScaleSpec

SCALE_PASSWORD = "scale-1405"  # noqa: S105 - benchmark accounts only, like the demo's
# Tables the load writes, whose id sequences are moved past the rows it gave explicit ids.
WRITTEN = [
    "centers_center", "centers_license", "centers_centertransition", "centers_trusteeappointment",
    "centers_supervisorassignment", "centers_complaint", "centers_complaintevent", "accounts_user",
    "contributions_account", "donors_donor", "donors_donorlink", "contributions_campaign",
    "contributions_campaign_centers", "contributions_contribution", "contributions_ledgertransaction",
    "contributions_posting", "contributions_stockitem", "contributions_inkindline", "contributions_stocklot",
    "contributions_stockmovement", "contributions_servicedetail", "contributions_constructiondetail",
    "beneficiaries_household", "beneficiaries_member", "beneficiaries_assessment", "beneficiaries_aiddistribution",
    "beneficiaries_aidgoodsline", "contributions_pledge", "contributions_pledgeinstalment",
    "contributions_pledgepayment", "beneficiaries_sponsorship", "beneficiaries_loan", "beneficiaries_loaninstalment",
    "beneficiaries_loanrepayment", "beneficiaries_loanguarantor",
]


TEMP_TABLES = ["sc_prov", "sc_county", "sc_center", "sc_purpose", "sc_donor", "sc_campaign", "sc_gift", "sc_lot",
               "sc_hh", "sc_hh_reg", "sc_goods", "sc_aid", "sc_complaint"]


# The big tables: their plain and partial-unique indexes are dropped for the load and built again at the end
# (one sort per index instead of millions of inserts into each); indexes backing constraints stay.
BULK_TABLES = ["contributions_contribution", "contributions_ledgertransaction", "contributions_posting",
               "beneficiaries_aiddistribution", "beneficiaries_member", "beneficiaries_household",
               "beneficiaries_assessment", "donors_donor", "donors_donorlink", "contributions_inkindline",
               "contributions_stocklot", "contributions_stockmovement", "contributions_pledgeinstalment"]


class ScaleDataError(Exception):
    pass


def existing_data() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT EXISTS (SELECT 1 FROM centers_center) OR EXISTS (SELECT 1 FROM donors_donor)")
        return bool(cursor.fetchone()[0])


def reset() -> None:
    """Empties every tenant table (all that hangs off a center, a donor or a campaign) and the scale users."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("TRUNCATE centers_center, donors_donor, contributions_campaign RESTART IDENTITY CASCADE")
        cursor.execute("DELETE FROM centers_supervisorassignment WHERE user_id IN "
                       "(SELECT id FROM accounts_user WHERE username LIKE 'scale-%%')")
        cursor.execute("DELETE FROM accounts_user WHERE username LIKE 'scale-%%'")


def _max_id(cursor, table: str) -> int:
    cursor.execute(f"SELECT coalesce(max(id), 0) FROM {table}")  # noqa: S608 - our own table names
    return int(cursor.fetchone()[0])


def _campaign_rows(spec: ScaleSpec, orgs: dict[str, int], centers_per_org: dict[int, int]) -> list[tuple]:
    ramadan = {2023: ("2023-03-23", "2023-04-21"), 2024: ("2024-03-11", "2024-04-09"),
               2025: ("2025-03-01", "2025-03-30"), 2026: ("2026-02-18", "2026-03-19"),
               2027: ("2027-02-08", "2027-03-09")}
    rows = []
    jy_end = jdatetime.date.fromgregorian(date=spec.until).year
    for jy in range(jy_end - 2, jy_end + 1):
        label = str(jy).translate(households_mod.DIGITS)
        windows = [
            ("charity_celebration", f"جشن نیکوکاری {label}", jdatetime.date(jy, 12, 10).togregorian(),
             jdatetime.date(jy, 12, 20).togregorian()),
            ("kindness_celebration", f"جشن عاطفه‌ها {label}", jdatetime.date(jy, 6, 25).togregorian(),
             jdatetime.date(jy, 7, 5).togregorian()),
        ]
        greg = jdatetime.date(jy, 1, 1).togregorian().year
        if greg in ramadan:
            s, e = ramadan[greg]
            windows.append(("ramadan", f"ماه مبارک رمضان {label}", datetime.date.fromisoformat(s),
                            datetime.date.fromisoformat(e)))
        for occasion, name, s, e in windows:
            if s > spec.until:
                continue
            for org_id in sorted(orgs.values()):
                n = centers_per_org.get(org_id, 0)
                if n:
                    rows.append((len(rows) + 1, occasion, name, s.isoformat(), e.isoformat(), n * 60_000_000, org_id))
    return rows


def load(spec: ScaleSpec, *, log: Callable[[str], None] = lambda _m: None) -> dict:
    """Builds the data set; returns counts, timings and the checks' results. Raises ``ScaleDataError`` (and
    stores nothing) when an invariant check fails."""
    timings: dict[str, float] = {}
    started = time.monotonic()

    def step(name: str, statements: list[str]):
        t0 = time.monotonic()
        for statement in statements:
            cursor.execute(statement)
        timings[name] = round(time.monotonic() - t0, 2)
        log(f"{name}: {timings[name]} s")

    password = make_password(SCALE_PASSWORD)
    start, until = spec.start.isoformat(), spec.until.isoformat()
    with transaction.atomic(), connection.cursor() as cursor:
        # Temporary tables of an earlier load in the same (test) transaction: ON COMMIT DROP never ran.
        cursor.execute("DROP TABLE IF EXISTS " + ", ".join(f"pg_temp.{t}" for t in TEMP_TABLES))
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute("SET LOCAL work_mem = '256MB'")
        cursor.execute("SELECT code, id FROM centers_organization")
        orgs = dict(cursor.fetchall())
        cursor.execute("SELECT code, id FROM contributions_purpose")
        purposes = dict(cursor.fetchall())
        purpose_ids = [purposes[code] for code in sql.PURPOSES]
        if spec.national:
            cursor.execute("SELECT id FROM centers_province ORDER BY id")
        else:
            cursor.execute("SELECT id FROM centers_province WHERE name = %s", [DEFAULT_PROVINCE])
        province_ids = [row[0] for row in cursor.fetchall()]
        if not province_ids:
            raise ScaleDataError("no provinces: run the migrations first")
        n_prov = len(province_ids)
        C = spec.centers_per_province * n_prov
        D = spec.donors_per_province * n_prov
        H = spec.households_per_province * n_prov
        u0 = _max_id(cursor, "accounts_user") + 1
        loader = u0

        cursor.execute("DROP FUNCTION IF EXISTS pg_temp.r(bigint, integer), pg_temp.nc(bigint)")
        step("functions", sql.setup_functions(spec.seed))
        cursor.execute("""SELECT i.indexname, i.indexdef FROM pg_indexes i
                           WHERE i.schemaname = 'public' AND i.tablename = ANY(%s)
                             AND NOT EXISTS (SELECT 1 FROM pg_constraint c
                                              WHERE c.conindid = (quote_ident(i.indexname))::regclass)
                           ORDER BY i.tablename, i.indexname""", [BULK_TABLES])
        dropped = cursor.fetchall()
        step("drop indexes", [f'DROP INDEX "{name}"' for name, _def in dropped])
        step("centers", sql.centers(C=C, cpp=spec.centers_per_province, province_ids=province_ids, start=start,
                                    until=until, org_relief=orgs["relief_committee"], org_welfare=orgs["welfare"]))
        step("accounts", sql.accounts(purpose_ids=purpose_ids))
        step("users", sql.users(C=C, u0=u0, password=password) + _supervisors(u0 + C + 1, province_ids, orgs,
                                                                                password))
        step("donors", sql.donors(C=C, D=D, until=until, start=start))
        cursor.execute("SELECT org_id, count(*) FROM sc_center GROUP BY 1")
        per_org = dict(cursor.fetchall())
        step("campaigns", sql.campaigns(_campaign_rows(spec, orgs, per_org)))

        # Pledge payments are gifts too: the generic gifts leave room for them.
        pledge_plan = pledges_mod.plan(cursor, spec, D)
        N = spec.contributions_per_province * n_prov - pledge_plan["expected_payments"]
        step("contributions", sql.contributions(N=N, D=D, C=C, until=until, loader=loader))
        step("contribution ledger", sql.contribution_ledger(N=N, loader=loader))
        step("gift details", sql.gift_details(N=N, loader=loader, until=until))

        t0 = time.monotonic()
        cursor.execute("SELECT id, county_id, county_name, created_on, hi FROM sc_center ORDER BY id")
        centers = {row[0]: {"county_id": row[1], "county_name": row[2], "created_on": row[3], "hi": row[4]}
                   for row in cursor.fetchall()}
        per_center = _spread(H, sorted(centers), spec.seed)
        counts = households_mod.build(cursor.cursor, seed=spec.seed, per_center=per_center, centers=centers,
                                      loader=loader, start=spec.start, until=spec.until)
        timings["households"] = round(time.monotonic() - t0, 2)
        log(f"households: {timings['households']} s")

        step("goods aid", sql.goods_aid(tx0=_max_id(cursor, "contributions_ledgertransaction"),
                                        post0=_max_id(cursor, "contributions_posting"),
                                        aid0=_max_id(cursor, "beneficiaries_aiddistribution"),
                                        move0=_max_id(cursor, "contributions_stockmovement"), loader=loader,
                                        until=until))
        cursor.execute("SELECT coalesce(sum(amount), 0) FROM contributions_contribution c JOIN sc_purpose p "
                       "ON p.id = c.purpose_id WHERE c.kind = 'cash' AND c.status = 'confirmed' AND p.pidx <> %s",
                       [sql.QARD_HASAN])
        total_cash = int(cursor.fetchone()[0])
        step("cash aid", sql.cash_aid(target=H * 3, total_cash=total_cash,
                                      tx0=_max_id(cursor, "contributions_ledgertransaction"),
                                      post0=_max_id(cursor, "contributions_posting"),
                                      aid0=_max_id(cursor, "beneficiaries_aiddistribution"), loader=loader,
                                      until=until))
        step("complaints", sql.complaints(until=until, start=start))

        t0 = time.monotonic()
        counts.update(pledges_mod.build(cursor, spec=spec, plan=pledge_plan, loader=loader, purposes=purposes))
        timings["pledges and loans"] = round(time.monotonic() - t0, 2)
        log(f"pledges and loans: {timings['pledges and loans']} s")

        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        step("build indexes", [definition for _name, definition in dropped])
        step("analyze", [f"ANALYZE {table}" for table in WRITTEN])

        t0 = time.monotonic()
        for table in WRITTEN:
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                           f"(SELECT coalesce(max(id), 0) + 1 FROM {table}), false)")
        timings["sequences"] = round(time.monotonic() - t0, 2)

        t0 = time.monotonic()
        cursor.execute("SET LOCAL session_replication_role = origin")
        checks = run_checks(cursor)
        timings["checks"] = round(time.monotonic() - t0, 2)
        log(f"checks: {timings['checks']} s")
        broken = {name: n for name, n in checks.items() if n}
        if broken:
            raise ScaleDataError(f"invariant checks failed, nothing stored: {broken}")
        counts.update(_counts(cursor))

    t0 = time.monotonic()
    rollups = rebuild_rollups()
    timings["rollups"] = round(time.monotonic() - t0, 2)
    log(f"rollups: {timings['rollups']} s")
    timings["total"] = round(time.monotonic() - started, 2)
    return {"spec": spec.as_dict(), "counts": counts, "timings": timings, "checks": checks, "rollups": rollups}


def rebuild_rollups() -> dict:
    """Helper A's set-based rebuild of every rollup table from the rows just loaded (its step timings)."""
    from reporting import rollups

    return rollups.rebuild_all()


def _supervisors(first_id: int, province_ids: list[int], orgs: dict[str, int], password: str) -> list[str]:
    pw = password.replace("'", "''")
    rows_users, rows_assign = [], []
    uid = first_id
    rows_users.append(f"({uid}, '{pw}', true, 'scale-national-admin', 'مدیر', 'ستاد', true)")
    uid += 1
    for province_id in province_ids:
        for code in ("relief_committee", "welfare"):
            name = f"scale-province-{province_id}-{code.replace('_', '-')}-supervisor"
            rows_users.append(f"({uid}, '{pw}', false, '{name}', 'ناظر', 'استان', true)")
            rows_assign.append(f"({uid}, 'province', {province_id}, {orgs[code]})")
            uid += 1
    return [
        f"""INSERT INTO accounts_user (id, password, last_login, is_superuser, username, first_name, last_name, email,
                                       is_staff, is_active, date_joined, mobile, national_code, birth_date)
            SELECT id, pw, NULL, su, username, first, last, username || '@scale.charity.local', staff, true, now(), '',
                   NULL, NULL
              FROM (VALUES {",".join(rows_users)}) v(id, pw, su, username, first, last, staff)""",
        f"""INSERT INTO centers_supervisorassignment (id, level, starts_on, ends_on, active, county_id,
                                                      organization_id, province_id, user_id)
            SELECT row_number() OVER (ORDER BY uid), level, DATE '2020-03-20', NULL, true, NULL, org, province, uid
              FROM (VALUES {",".join(rows_assign)}) v(uid, level, province, org)""",
    ]


def _spread(total: int, ids: list[int], seed: int) -> dict[int, int]:
    """``total`` split over ``ids`` with some centers two or three times the size of others."""
    import random

    rng = random.Random(f"scale-spread-{seed}")
    weights = [0.4 + rng.random() * 1.6 for _ in ids]
    scale = total / sum(weights)
    counts = [max(1, int(w * scale)) for w in weights]
    for i in range(total - sum(counts)):
        counts[i % len(counts)] += 1
    while sum(counts) > total:
        j = max(range(len(counts)), key=counts.__getitem__)
        counts[j] -= 1
    return dict(zip(ids, counts, strict=True))


def _counts(cursor) -> dict[str, int]:
    out = {}
    for table in ("centers_center", "donors_donor", "contributions_contribution", "contributions_ledgertransaction",
                  "contributions_posting", "beneficiaries_household", "beneficiaries_member",
                  "beneficiaries_aiddistribution", "contributions_pledge", "beneficiaries_loan",
                  "beneficiaries_sponsorship", "centers_complaint", "centers_license"):
        cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608
        out[table] = int(cursor.fetchone()[0])
    return out
