"""Benchmark registry, result storage and report rendering.

A benchmark is a plain function in a ``bench/bench_*.py`` module, decorated
with :func:`benchmark`. It returns the measured value, or a tuple
``(value, details)`` where ``details`` is a JSON-serialisable dict that is
stored next to the value (which tool measured it, latency figures, ...).

``bench/run.py`` discovers the modules, runs the selected benchmarks and uses
:func:`merge_results` / :func:`render_markdown` from here to update
``bench/results.json`` and ``bench/RESULTS.md``.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import platform
import socket
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
RESULTS_JSON = BENCH_DIR / "results.json"
RESULTS_MD = BENCH_DIR / "RESULTS.md"

Target = dict[str, float]
BenchFunc = Callable[[], Any]


@dataclass(frozen=True)
class Benchmark:
    """One registered measurement."""

    metric: str
    unit: str
    target: Target | None
    description: str
    func: BenchFunc = field(repr=False)

    @property
    def name(self) -> str:
        return self.func.__name__

    @property
    def module(self) -> str:
        return self.func.__module__

    def matches(self, selector: str) -> bool:
        """True if ``selector`` names this benchmark.

        Accepted: the metric, the function name, the module name
        (``bench_baseline``) or the module name without ``bench_``.
        """
        short_module = self.module.removeprefix("bench_")
        return selector in {self.metric, self.name, self.module, short_module}


REGISTRY: dict[str, Benchmark] = {}


def _check_target(target: Target | None) -> Target | None:
    if target is None:
        return None
    unknown = set(target) - {"min", "max"}
    if unknown or not target:
        raise ValueError(f"target must be a dict with 'min' and/or 'max', got {target!r}")
    for key, bound in target.items():
        if isinstance(bound, bool) or not isinstance(bound, int | float):
            raise ValueError(f"target[{key!r}] must be a number, got {bound!r}")
    return dict(target)


def benchmark(
    *,
    metric: str,
    unit: str,
    target: Target | None = None,
    description: str = "",
) -> Callable[[BenchFunc], BenchFunc]:
    """Register the decorated function as the benchmark producing ``metric``.

    ``target`` is ``{"min": x}`` (higher is better), ``{"max": x}`` (lower is
    better), both (a band), or ``None`` (informational, no pass/fail).
    """
    checked = _check_target(target)

    def decorate(func: BenchFunc) -> BenchFunc:
        if metric in REGISTRY:
            other = REGISTRY[metric]
            raise ValueError(
                f"metric {metric!r} registered twice "
                f"({other.module}.{other.name} and {func.__module__}.{func.__name__})"
            )
        REGISTRY[metric] = Benchmark(
            metric=metric,
            unit=unit,
            target=checked,
            description=" ".join(description.split()),
            func=func,
        )
        return func

    return decorate


def split_outcome(outcome: Any) -> tuple[float, dict[str, Any]]:
    """Normalise a benchmark's return value to ``(value, details)``."""
    details: dict[str, Any] = {}
    value = outcome
    if isinstance(outcome, tuple):
        if len(outcome) != 2 or not isinstance(outcome[1], dict):
            raise TypeError("a benchmark returns a value or (value, details_dict)")
        value, details = outcome
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"benchmark value must be a number, got {value!r}")
    if not math.isfinite(value):
        raise ValueError(f"benchmark value must be finite, got {value!r}")
    return value, details


def target_met(value: float, target: Target | None) -> bool | None:
    """Whether ``value`` satisfies ``target``; ``None`` when there is no target."""
    if not target:
        return None
    if "min" in target and value < target["min"]:
        return False
    return not ("max" in target and value > target["max"])


# --------------------------------------------------------------------------
# Machine description
# --------------------------------------------------------------------------


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.lower().startswith("model name"):
                    return " ".join(line.split(":", 1)[1].split())
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown CPU"


def _ram_gib() -> float | None:
    try:
        with open("/proc/meminfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("MemTotal:"):
                    return int(line.split()[1]) / (1024 * 1024)
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**3
    except (ValueError, OSError, AttributeError):
        return None


def _usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def machine_description() -> str:
    """Short one-line description of the machine the benchmark ran on."""
    ram = _ram_gib()
    parts = [
        socket.gethostname(),
        _cpu_model(),
        f"{_usable_cores()} cores",
        f"{ram:.1f} GiB RAM" if ram is not None else "RAM unknown",
        f"Python {platform.python_version()}",
        f"{platform.system()} {platform.machine()}",
    ]
    return ", ".join(parts)


def utc_now_iso() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


# --------------------------------------------------------------------------
# results.json
# --------------------------------------------------------------------------


def load_results(path: Path = RESULTS_JSON) -> dict[str, dict[str, Any]]:
    if not path.exists():
        return {}
    data = json.loads(path.read_text(encoding="utf-8") or "{}")
    if not isinstance(data, dict):
        raise ValueError(f"{path} must contain a JSON object")
    return data


def save_results(results: dict[str, dict[str, Any]], path: Path = RESULTS_JSON) -> None:
    """Write atomically, so an interrupted run never leaves a broken file."""
    text = json.dumps(results, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    mode = path.stat().st_mode & 0o777 if path.exists() else 0o644
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".results-", suffix=".json")
    try:
        os.fchmod(fd, mode)  # mkstemp creates 0600; keep the file readable
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def make_record(
    bench: Benchmark,
    value: float,
    details: dict[str, Any],
    *,
    machine: str,
    measured_at: str,
) -> dict[str, Any]:
    record: dict[str, Any] = {
        "value": value,
        "unit": bench.unit,
        "target": bench.target,
        "measured_at": measured_at,
        "machine": machine,
        "description": bench.description,
    }
    if details:
        record["details"] = details
    return record


def merge_results(new: dict[str, dict[str, Any]], path: Path = RESULTS_JSON) -> dict[str, dict[str, Any]]:
    """Merge ``new`` records into the file, keeping every other metric."""
    results = load_results(path)
    results.update(new)
    save_results(results, path)
    return results


# --------------------------------------------------------------------------
# RESULTS.md
# --------------------------------------------------------------------------


def format_number(value: float) -> str:
    if isinstance(value, int) or float(value).is_integer():
        return f"{int(value):,}"
    if abs(value) >= 100:
        return f"{value:,.1f}"
    return f"{value:.4g}"


def format_target(target: Target | None) -> str:
    if not target:
        return "–"
    if "min" in target and "max" in target:
        return f"{format_number(target['min'])} – {format_number(target['max'])}"
    if "min" in target:
        return f"≥ {format_number(target['min'])}"
    return f"≤ {format_number(target['max'])}"


def _cell(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def render_markdown(results: dict[str, dict[str, Any]]) -> str:
    lines = [
        "# Benchmark results",
        "",
        "Generated by `bench/run.py` from `bench/results.json` — do not edit by "
        "hand; run `make bench` (or `python bench/run.py [names...]`).",
        "",
    ]
    if not results:
        lines += ["No measurements yet.", ""]
        return "\n".join(lines) + _appendix()

    lines += [
        "| metric | value | unit | target | met? | measured at (UTC) | machine |",
        "| --- | ---: | --- | --- | --- | --- | --- |",
    ]
    for metric in sorted(results):
        rec = results[metric]
        value = rec.get("value")
        target = rec.get("target")
        met = target_met(value, target) if isinstance(value, int | float) else None
        met_text = {True: "yes", False: "**no**", None: "–"}[met]
        value_text = format_number(value) if isinstance(value, int | float) else str(value)
        row = [
            f"`{metric}`",
            value_text,
            rec.get("unit", ""),
            format_target(target),
            met_text,
            rec.get("measured_at", ""),
            rec.get("machine", ""),
        ]
        lines.append("| " + " | ".join(_cell(c) for c in row) + " |")

    lines += ["", "## Metrics", ""]
    for metric in sorted(results):
        rec = results[metric]
        lines.append(f"### `{metric}`")
        lines.append("")
        lines.append(rec.get("description") or "(no description)")
        details = rec.get("details")
        if details:
            lines += ["", "<details><summary>details</summary>", "", "```json"]
            lines.append(json.dumps(details, indent=2, sort_keys=True))
            lines += ["```", "", "</details>"]
        lines.append("")
    return "\n".join(lines) + _appendix()


# Benchmarks run by their own script (not through the registry) keep their history in a Markdown file of
# their own, included here so RESULTS.md shows every measurement.
APPENDICES = ("contributions_results.md",)


def _appendix() -> str:
    parts = [(BENCH_DIR / name).read_text(encoding="utf-8") for name in APPENDICES if (BENCH_DIR / name).exists()]
    return "".join("\n" + part for part in parts)


def write_markdown(results: dict[str, dict[str, Any]], path: Path = RESULTS_MD) -> None:
    path.write_text(render_markdown(results), encoding="utf-8")
