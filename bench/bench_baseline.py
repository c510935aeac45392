"""Baseline: throughput of a bare Django view on one gunicorn worker.

Every later throughput figure (portal pages, API endpoints, ...) is best read
as a ratio to this number measured on the same machine.
"""

from typing import Any

import django
from harness import benchmark
from httpload import GunicornServer, LoadSettings, measure

# A run is rejected, not recorded, if more than this share of requests failed.
MAX_ERROR_RATIO = 0.01


@benchmark(
    metric="bare_django_view_rps_1_worker",
    unit="req/s",
    target={"min": 1000},
    description="""
        Requests per second of a bare Django view (HttpResponse("ok"); no
        database, no middleware, no templates; bench/bare_app.py) served by ONE
        gunicorn sync worker on 127.0.0.1, loaded by wrk (2 threads, 32
        connections; median of 3 rounds of 10 s after a 3 s warm-up) or,
        without wrk, by a Python http.client generator. Load generator and
        server share the same cores, so this is a per-machine baseline for
        ratios, not an absolute capacity. Target >= 1000 req/s: a modest bar
        for one sync worker even on a 2-core VM (about 2,300-3,200 measured).
    """,
)
def bare_django_view_rps() -> tuple[float, dict[str, Any]]:
    settings = LoadSettings.from_env()
    server = GunicornServer("bare_app:application", workers=1, worker_class="sync")
    with server:
        result, rounds = measure(server.base_url + "/", settings)

    for one in rounds:
        if one.requests == 0 or one.error_count > MAX_ERROR_RATIO * one.requests:
            raise RuntimeError(
                f"{one.error_count} of {one.requests} requests failed ({one.errors}); not recording this run"
            )
    details = {
        "load": {
            **result.as_details(),
            "warmup_s": settings.warmup,
            "rounds": len(rounds),
            "rounds_rps": [round(one.rps, 1) for one in rounds],
            "value_is": "median round",
        },
        "server": {**server.describe(), "django": django.get_version()},
    }
    return round(result.rps, 1), details
