"""The provincial reports dashboard (issue 7, point 7) on the default scale data set (``charity_scale``).

    .venv/bin/python bench/bench_dashboard.py                 # measures and records into results.json
    .venv/bin/python bench/bench_dashboard.py --no-record --profile
    .venv/bin/python bench/run.py bench_dashboard             # the same through the runner

The database is ``DATABASE_URL`` (default ``postgres://postgres@127.0.0.1:5432/charity_scale``, built by
``manage.py generate_scale_data``; its rollups must be current: ``manage.py rebuild_rollups``). The bench adds
nothing to it for good: a province supervisor (the organisation with most centers in the province with most
centers) is created inside one transaction that is rolled back at the end, and every request runs inside it
(Django's test client in-process, the whole middleware stack, ``ATOMIC_REQUESTS`` as savepoints).

Measured: the median wall time of 20 loads of ``/admin/reports/dashboard/`` after one warm-up (target < 150 ms),
with the figures and charts cached as in production (``DASHBOARD_CACHE_SECONDS``), and for comparison the
median with that cache off (every load reads the rollups and draws the charts). Every statement of one load is
run again under ``EXPLAIN``; a sequential scan on a table of more than ``BIG_TABLE_ROWS`` rows fails the second
metric (target 0).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = Path(__file__).resolve().parent
TARGET_MS = 150
LOADS = 20
BIG_TABLE_ROWS = 10_000

try:
    from harness import benchmark
except ImportError:  # imported from elsewhere than bench/
    sys.path.insert(0, str(BENCH_DIR))
    from harness import benchmark


def _setup() -> None:
    os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/charity_scale")
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/5")
    os.environ["DJANGO_DEBUG"] = "0"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(REPO_ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("collectstatic", verbosity=0, interactive=False)  # DEBUG off links the hashed stylesheets


def _supervisor():
    """A province supervisor of the busiest province's main organisation, with a confirmed TOTP device."""
    import datetime

    from django.contrib.auth import get_user_model
    from django.db.models import Count
    from django_otp.plugins.otp_totp.models import TOTPDevice
    from django_scopes import scopes_disabled

    from centers.models import Center, SupervisorAssignment

    with scopes_disabled():
        busiest = (Center.objects.values("county__province_id", "organization_id").annotate(n=Count("pk"))
                   .order_by("-n").first())
    if busiest is None:
        raise RuntimeError("no centers in the database: build it with manage.py generate_scale_data")
    user = get_user_model().objects.create_user(username=f"bench-dashboard-{os.getpid()}", password="x" * 20,
                                                is_staff=True)
    SupervisorAssignment.objects.create(user=user, organization_id=busiest["organization_id"], level="province",
                                        province_id=busiest["county__province_id"],
                                        starts_on=datetime.date(2020, 1, 1))
    device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
    return user, device, busiest


class _Statements:
    """Every statement the connection runs while active (``connection.execute_wrapper``; Django's
    CaptureQueriesContext loses them when the request's start resets the query log)."""

    def __init__(self):
        self.executed: list[tuple[str, object]] = []

    def __call__(self, execute, sql, params, many, context):
        self.executed.append((sql, params))
        return execute(sql, params, many, context)


def _explain(sql: str, params, big: dict[str, int]) -> dict:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    scans: list[dict] = []

    def walk(node: dict) -> None:
        if node.get("Node Type") == "Seq Scan":
            table = node.get("Relation Name")
            scans.append({"table": table, "rows": big.get(table, 0)})
        for child in node.get("Plans", []):
            walk(child)

    walk(plan[0]["Plan"])
    return {"sql": sql[:300], "seq_scans": scans,
            "seq_scans_on_big_tables": [s for s in scans if s["rows"] > BIG_TABLE_ROWS]}


def measure(*, profile: bool = False) -> dict:
    from django.db import connection, transaction
    from django.test import Client, override_settings
    from django.urls import reverse

    url = reverse("admin:reports-dashboard")
    result: dict = {}
    with transaction.atomic():
        user, device, busiest = _supervisor()
        client = Client()
        client.force_login(user)
        session = client.session
        session["otp_device_id"] = device.persistent_id
        session.save()
        with connection.cursor() as cursor:
            cursor.execute("SELECT relname, reltuples::bigint FROM pg_class WHERE relkind = 'r'")
            sizes = dict(cursor.fetchall())

        def loads(n: int, profiler=None) -> tuple[list[float], list[float]]:
            wall, cpu = [], []
            for _ in range(n):
                if profiler:
                    profiler.enable()
                t0, c0 = time.perf_counter(), time.process_time()
                response = client.get(url)
                wall.append((time.perf_counter() - t0) * 1000)
                cpu.append((time.process_time() - c0) * 1000)
                if profiler:
                    profiler.disable()
                if response.status_code != 200:
                    raise AssertionError(f"dashboard answered {response.status_code}")
            return wall, cpu

        t0 = time.perf_counter()
        first = client.get(url)  # warm-up: fills the figures cache
        result["first_load_ms"] = round((time.perf_counter() - t0) * 1000, 1)
        if first.status_code != 200:
            raise AssertionError(f"dashboard answered {first.status_code}")
        page = first.content.decode()
        for needle in ('class="chart chart-line"', 'class="chart chart-hbar"', 'id="figure-received"'):
            if needle not in page:
                raise AssertionError(f"the dashboard lacks {needle}")
        profiler = cProfile.Profile() if profile else None
        wall, cpu = loads(LOADS, profiler)
        cached_queries, queries = _Statements(), _Statements()
        with connection.execute_wrapper(cached_queries):
            client.get(url)
        with override_settings(DASHBOARD_CACHE_SECONDS=0):
            with connection.execute_wrapper(queries):
                client.get(url)
            wall_cold, cpu_cold = loads(LOADS)
        plans = [_explain(sql, params, sizes) for sql, params in queries.executed
                 if sql.lstrip().upper().startswith("SELECT")]
        transaction.set_rollback(True)
    result.update({
        "median_ms": statistics.median(wall), "max_ms": max(wall), "cpu_median_ms": statistics.median(cpu),
        "uncached_median_ms": statistics.median(wall_cold), "uncached_cpu_median_ms": statistics.median(cpu_cold),
        "queries_cached": len(cached_queries.executed), "queries_uncached": len(queries.executed),
        "plans": plans,
        "seq_scans_on_big_tables": sum(len(p["seq_scans_on_big_tables"]) for p in plans),
        "province_id": busiest["county__province_id"], "organization_id": busiest["organization_id"],
        "centers": busiest["n"],
        "contributions": sizes.get("contributions_contribution", 0),
    })
    if profiler:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats(os.environ.get("BENCH_SORT", "cumulative")).print_stats(30)
        result["profile"] = out.getvalue()
    return result


def _details(result: dict) -> dict:
    return {
        "loads": LOADS, "first_load_ms": result["first_load_ms"], "max_ms": round(result["max_ms"], 1),
        "python_cpu_median_ms": round(result["cpu_median_ms"], 1),
        "uncached_median_ms": round(result["uncached_median_ms"], 1),
        "uncached_python_cpu_median_ms": round(result["uncached_cpu_median_ms"], 1),
        "queries_cached": result["queries_cached"], "queries_uncached": result["queries_uncached"],
        "centers": result["centers"], "contributions": result["contributions"],
        "load_1min": round(os.getloadavg()[0], 2),
        "database": os.environ.get("DATABASE_URL", "").rsplit("/", 1)[-1],
    }


DESCRIPTION = (
    "The supervisors' reports dashboard for the busiest province of the default scale data set (charity_scale: "
    "500 centers, 2,000,000 contributions; details.database names the copy measured, with this branch's "
    "migrations and freshly rebuilt rollups), /admin/reports/dashboard/ requested in-process through Django's "
    "test client as a province supervisor of the organisation with most centers there (details.centers), second "
    "factor passed (bench/bench_dashboard.py): headline figures and charts from the rollups (cached per scope and "
    "period for DASHBOARD_CACHE_SECONDS, as in production), licenses near expiry, overdue monthly reports, "
    "perishables near expiry, complaints past deadline, centers that stand out. Median of "
    f"{LOADS} loads after one warm-up; details.uncached_median_ms is the same with the cache off (every load "
    "reads the rollups and draws the charts). Target < 150 ms."
)
PLAN_DESCRIPTION = (
    "Sequential scans on tables of more than 10,000 rows in the EXPLAIN plans of every SELECT of one uncached "
    "dashboard load (details.plans lists each statement's scans). Target 0."
)


@benchmark(metric="dashboard_province_median_ms", unit="ms", target={"max": TARGET_MS}, description=DESCRIPTION)
def dashboard_province_median_ms():
    _setup()
    result = measure()
    _LAST.update(result)
    return round(result["median_ms"], 1), _details(result)


@benchmark(metric="dashboard_province_seq_scans_on_big_tables", unit="scans", target={"max": 0},
           description=PLAN_DESCRIPTION)
def dashboard_province_seq_scans():
    if not _LAST:
        _setup()
        _LAST.update(measure())
    plans = [{"sql": p["sql"], "seq_scans": p["seq_scans"]} for p in _LAST["plans"]]
    return _LAST["seq_scans_on_big_tables"], {"statements": len(plans), "plans": plans,
                                              "big_table_rows": BIG_TABLE_ROWS}


_LAST: dict = {}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", action="store_true", help="print where the time goes (cProfile)")
    parser.add_argument("--no-record", action="store_true", help="print only; record nothing")
    args = parser.parse_args()
    _setup()
    result = measure(profile=args.profile)
    if args.profile:
        print(result.pop("profile"))
    for plan in result["plans"]:
        flag = " BIG SEQ SCAN" if plan["seq_scans_on_big_tables"] else ""
        scans = ", ".join(f"{s['table']} ({s['rows']:,})" for s in plan["seq_scans"]) or "no seq scan"
        print(f"  {scans}{flag}: {plan['sql'][:140]}")
    print(f"median {result['median_ms']:.1f} ms (Python CPU {result['cpu_median_ms']:.1f} ms), max "
          f"{result['max_ms']:.1f} ms, first {result['first_load_ms']:.1f} ms; uncached median "
          f"{result['uncached_median_ms']:.1f} ms (CPU {result['uncached_cpu_median_ms']:.1f} ms); queries "
          f"{result['queries_cached']} cached / {result['queries_uncached']} uncached; seq scans on big tables: "
          f"{result['seq_scans_on_big_tables']}; load {os.getloadavg()[0]:.1f}")
    if not args.no_record:
        import harness

        machine, measured_at = harness.machine_description(), harness.utc_now_iso()
        timing = harness.REGISTRY["dashboard_province_median_ms"]
        scans = harness.REGISTRY["dashboard_province_seq_scans_on_big_tables"]
        plans = [{"sql": p["sql"], "seq_scans": p["seq_scans"]} for p in result["plans"]]
        new = {
            timing.metric: harness.make_record(timing, round(result["median_ms"], 1), _details(result),
                                               machine=machine, measured_at=measured_at),
            scans.metric: harness.make_record(scans, result["seq_scans_on_big_tables"],
                                              {"statements": len(plans), "plans": plans,
                                               "big_table_rows": BIG_TABLE_ROWS},
                                              machine=machine, measured_at=measured_at),
        }
        harness.write_markdown(harness.merge_results(new))
    return 0


if __name__ == "__main__":
    sys.exit(main())
