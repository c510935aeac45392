"""Rollups at scale: the full set-based rebuild and the figures read from it.

Runs against the scale database built by ``generate_scale_data`` (default ``charity_scale`` on the server of
``DATABASE_URL``; ``BENCH_SCALE_DATABASE`` names another). The rebuild is part of ``generate_scale_data``'s
10-minute budget, hence its target of 60 s for the default set (500 centers, 2,000,000 contributions). The
figures' targets leave room for the dashboard's 150 ms (E's bench) and the province's annual report (C's 30 s).
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from harness import benchmark


def _setup() -> None:
    database = os.environ.get("BENCH_SCALE_DATABASE", "charity_scale")
    url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/charity_scale")
    parts = urlsplit(url)
    os.environ["DATABASE_URL"] = urlunsplit(parts._replace(path="/" + database))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    root = str(Path(__file__).resolve().parent.parent)
    if root not in sys.path:
        sys.path.insert(0, root)
    import django

    django.setup()


def _province_scope():
    from django.db import connection

    from reporting.scope import Scope

    with connection.cursor() as cursor:  # the province with the most centers
        cursor.execute("SELECT k.province_id FROM centers_center c JOIN centers_county k ON k.id = c.county_id "
                       "GROUP BY 1 ORDER BY count(*) DESC LIMIT 1")
        return Scope("province", cursor.fetchone()[0])


def _sizes() -> dict:
    from django.db import connection

    with connection.cursor() as cursor:
        out = {}
        for table in ("centers_center", "contributions_contribution", "beneficiaries_household",
                      "beneficiaries_aiddistribution", "reporting_monthfigure", "reporting_donoryear"):
            cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - constant names
            out[table] = cursor.fetchone()[0]
        return out


@benchmark(
    metric="rollups_rebuild_all_s",
    unit="s",
    target={"max": 60},
    description="reporting.rollups.rebuild_all() on the default scale data set (charity_scale): truncate and "
                "rebuild every rollup table set-based (one GROUP BY pass per source, Jalali calendar table join).",
)
def rollups_rebuild_all():
    _setup()
    from reporting.rollups import rebuild_all

    load = os.getloadavg()[0]
    timings = rebuild_all()
    return timings["total"], {"steps": timings, "sizes": _sizes(), "load_average_at_start": round(load, 1)}


def _median_ms(fn, rounds: int = 20) -> float:
    fn()
    samples = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1000)
    return round(statistics.median(samples), 1)


@benchmark(
    metric="figures_province_year_ms",
    unit="ms",
    target={"max": 150},
    description="reporting.figures.performance() of the largest province for the last ended Jalali year, beside "
                "the year before (median of 20 calls, warm), read from the rollups only.",
)
def figures_province_year():
    _setup()
    from reporting import figures
    from reporting.periods import Period

    scope, period = _province_scope(), Period.last_ended("year")
    details = {
        "headline_ms": _median_ms(lambda: figures.headline(scope, period)),
        "monthly_series_ms": _median_ms(lambda: figures.monthly_series(scope, period)),
        "by_purpose_ms": _median_ms(lambda: figures.by_purpose(scope, period)),
        "center_ranking_ms": _median_ms(lambda: figures.center_ranking(scope, period)),
        "scope": str(scope), "period": str(period),
    }
    return _median_ms(lambda: figures.performance(scope, period)), details
