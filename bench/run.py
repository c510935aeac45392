"""Run benchmarks and record their results.

Usage::

    python bench/run.py                 # run every benchmark
    python bench/run.py baseline        # by module (bench_baseline / baseline),
                                        # function name or metric name
    python bench/run.py --list          # show what is registered
    python bench/run.py --render        # only regenerate RESULTS.md

Results are merged into bench/results.json (other metrics are kept) and
bench/RESULTS.md is regenerated from it. Exit status is 1 if a selected
benchmark failed (its previous result, if any, is kept), 2 on bad arguments.
Missed targets do not change the exit status: they show as "no" in RESULTS.md.
"""

from __future__ import annotations

import argparse
import importlib
import signal
import sys
import time
import traceback
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
if str(BENCH_DIR) not in sys.path:
    sys.path.insert(0, str(BENCH_DIR))

import harness  # noqa: E402 - needs BENCH_DIR on sys.path first


def discover() -> list[harness.Benchmark]:
    """Import every bench/bench_*.py module; return what they registered."""
    for module_path in sorted(BENCH_DIR.glob("bench_*.py")):
        importlib.import_module(module_path.stem)
    return sorted(harness.REGISTRY.values(), key=lambda b: (b.module, b.metric))


def select(benches: list[harness.Benchmark], selectors: list[str]) -> list[harness.Benchmark]:
    if not selectors:
        return benches
    unknown = [s for s in selectors if not any(b.matches(s) for b in benches)]
    if unknown:
        names = ", ".join(b.metric for b in benches) or "(none)"
        raise ValueError(f"no benchmark matches {', '.join(unknown)}; available: {names}")
    return [b for b in benches if any(b.matches(s) for s in selectors)]


def run(benches: list[harness.Benchmark]) -> int:
    machine = harness.machine_description()
    print(f"machine: {machine}", flush=True)
    failures = 0
    for bench in benches:
        print(f"\n== {bench.metric} ({bench.module}.{bench.name})", flush=True)
        measured_at = harness.utc_now_iso()
        started = time.monotonic()
        try:
            value, details = harness.split_outcome(bench.func())
        except KeyboardInterrupt:
            raise
        except Exception:
            failures += 1
            traceback.print_exc()
            print(f"FAILED: {bench.metric} (previous result kept)", flush=True)
            continue
        record = harness.make_record(bench, value, details, machine=machine, measured_at=measured_at)
        # Write after each benchmark, so a later failure or Ctrl-C loses nothing.
        results = harness.merge_results({bench.metric: record})
        harness.write_markdown(results)
        met = harness.target_met(value, bench.target)
        verdict = {True: "target met", False: "TARGET MISSED", None: "no target"}[met]
        print(
            f"{bench.metric} = {harness.format_number(value)} {bench.unit} "
            f"(target {harness.format_target(bench.target)}: {verdict}; "
            f"took {time.monotonic() - started:.1f}s)",
            flush=True,
        )
    return failures


def _terminate(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run the portal's benchmarks (see bench/README.md).")
    parser.add_argument(
        "names",
        nargs="*",
        help="benchmarks to run: module (bench_x or x), function or metric name; default: all",
    )
    parser.add_argument("--list", action="store_true", help="list registered benchmarks and exit")
    parser.add_argument(
        "--render",
        action="store_true",
        help="only regenerate RESULTS.md from results.json",
    )
    args = parser.parse_args(argv)
    # Turn SIGTERM into an exception so servers started by benchmarks are
    # stopped by their context managers instead of being orphaned.
    signal.signal(signal.SIGTERM, _terminate)

    if args.render:
        harness.write_markdown(harness.load_results())
        print(f"wrote {harness.RESULTS_MD}")
        return 0

    benches = discover()
    if args.list:
        for bench in benches:
            print(
                f"{bench.metric:40} {bench.module}.{bench.name}  "
                f"[{bench.unit}, target {harness.format_target(bench.target)}]"
            )
        return 0

    try:
        selected = select(benches, args.names)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if not selected:
        print("no benchmarks registered", file=sys.stderr)
        return 2

    failures = run(selected)
    # Also refresh the report when nothing new was recorded (e.g. all failed).
    harness.write_markdown(harness.load_results())
    print(f"\nresults: {harness.RESULTS_JSON}\nreport:  {harness.RESULTS_MD}")
    if failures:
        print(f"{failures} benchmark(s) failed", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("\ninterrupted; results of finished benchmarks were kept", file=sys.stderr)
        sys.exit(130)
