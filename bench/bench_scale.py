"""`generate_scale_data` timed end to end (issue 7: the default set in under 10 minutes on the 2-core machine).

    .venv/bin/python bench/run.py scale                      # default set into a fresh database, recorded
    .venv/bin/python bench/bench_scale.py --national         # the national set instead
    .venv/bin/python bench/bench_scale.py --keep charity_scale   # build into (and keep) that database
    .venv/bin/python bench/bench_scale.py --from-json run.json   # record a run made elsewhere (its --json output)

A fresh database is created on the server of ``DATABASE_URL`` (``bench_scale_<pid>`` unless ``--keep`` names
one), migrated, then ``manage.py generate_scale_data --json`` runs in a subprocess against it; the value is the
command's own total (load in one transaction, the set-based invariant checks, ANALYZE and the rollups'
rebuild), the details its step timings, counts and checks. The throwaway database is dropped afterwards.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))

from harness import benchmark  # noqa: E402

TARGET_S = 600
PYTHON = str(REPO / ".venv" / "bin" / "python")


def _server_url() -> str:
    url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    return url


def _with_db(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


def _psql_args(url: str) -> list[str]:
    parts = urlsplit(url)
    return ["-h", parts.hostname or "127.0.0.1", "-p", str(parts.port or 5432), "-U", parts.username or "postgres"]


def build(*, national: bool = False, database: str | None = None, scale: float = 1.0) -> dict:
    """Creates (or reuses, when empty) ``database``, migrates it and loads the set; returns the command's JSON
    plus ``migrate_s`` and ``wall_s``."""
    server = _server_url()
    name = database or f"bench_scale_{os.getpid()}"
    args = _psql_args(server)
    subprocess.run(["createdb", *args, name], check=False, capture_output=True)
    env = {**os.environ, "DATABASE_URL": _with_db(server, name)}
    try:
        t0 = time.monotonic()
        subprocess.run([PYTHON, "manage.py", "migrate", "-v0"], cwd=REPO, env=env, check=True)
        migrate_s = time.monotonic() - t0
        command = [PYTHON, "manage.py", "generate_scale_data", "--json", "--reset", "--scale", str(scale)]
        if national:
            command.append("--national")
        t0 = time.monotonic()
        out = subprocess.run(command, cwd=REPO, env=env, check=True, capture_output=True, text=True)
        wall_s = time.monotonic() - t0
    finally:
        if database is None:
            subprocess.run(["dropdb", *args, "--if-exists", name], check=False, capture_output=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result["migrate_s"] = round(migrate_s, 1)
    result["wall_s"] = round(wall_s, 1)
    result["database"] = name
    result["load_1min"] = round(os.getloadavg()[0], 2)  # the machine is shared: how busy it was
    return result


def outcome(result: dict) -> tuple[float, dict]:
    details = {"timings_s": result["timings"], "counts": result["counts"], "spec": result["spec"],
               "checks_failed": sum(1 for n in result["checks"].values() if n),
               "checks": len(result["checks"]), "rollups": result.get("rollups"),
               "command_wall_s": result.get("wall_s"), "migrate_s": result.get("migrate_s"),
               "load_1min_after": result.get("load_1min")}
    return result["timings"]["total"], details


@benchmark(
    metric="generate_scale_data_default_s",
    unit="s",
    target={"max": TARGET_S},
    description="""
        `manage.py generate_scale_data` for the default set (one province: 500 centers, 200,000 donors, 2,000,000
        contributions with their ledger postings, 100,000 households with members, needs and aid, pledges, loans,
        licenses, complaints) into a fresh migrated database: one transaction with row triggers off, every
        invariant checked set-based before commit, ANALYZE, then the rollups rebuilt. Target < 600 s (issue 7).
    """,
)
def generate_scale_data_default_s():
    return outcome(build())


@benchmark(
    metric="generate_scale_data_national_s",
    unit="s",
    description="""
        `manage.py generate_scale_data --national` (31 provinces: 40 centers, 5,000 donors, 40,000 contributions
        and 2,500 households each), measured the same way as the default set. Informational.
    """,
)
def generate_scale_data_national_s():
    return outcome(build(national=True))


def main() -> int:
    import harness

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--national", action="store_true")
    parser.add_argument("--keep", metavar="DATABASE", help="build into this database and keep it")
    parser.add_argument("--from-json", type=Path, help="record the --json output of a run made elsewhere")
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args()
    if args.from_json:
        result = json.loads(args.from_json.read_text().strip().splitlines()[-1])
    else:
        result = build(national=args.national, database=args.keep)
    value, details = outcome(result)
    print(json.dumps(result, ensure_ascii=False))  # the command's own output (feed it back with --from-json)
    if not args.no_record:
        bench = harness.REGISTRY["generate_scale_data_national_s" if result["spec"]["national"]
                                 else "generate_scale_data_default_s"]
        record = harness.make_record(bench, value, details, machine=harness.machine_description(),
                                     measured_at=harness.utc_now_iso())
        harness.write_markdown(harness.merge_results({bench.metric: record}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
