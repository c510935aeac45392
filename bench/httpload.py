"""HTTP benchmarking helpers: a gunicorn subprocess and a load generator.

* :class:`GunicornServer` starts ``python -m gunicorn`` on a free localhost
  port in its own process group, waits until it answers and stops it (and
  only it) afterwards, also on errors and Ctrl-C.
* :func:`run_load` drives a URL for a fixed time with ``wrk`` when it is
  installed, otherwise with a pure-Python generator (several processes, each
  with a few threads holding ``http.client`` keep-alive connections).

Knobs (environment variables, all optional):

``BENCH_DURATION`` (s per round, default 10), ``BENCH_ROUNDS`` (default 3),
``BENCH_WARMUP`` (s, default 3), ``BENCH_THREADS`` (default 2),
``BENCH_CONNECTIONS`` (default 32),
``BENCH_LOADGEN`` (``auto`` | ``wrk`` | ``python``, default ``auto``).
"""

from __future__ import annotations

import contextlib
import http.client
import json
import math
import multiprocessing
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent
WRK_SCRIPT = BENCH_DIR / "wrk_report.lua"


# --------------------------------------------------------------------------
# Settings
# --------------------------------------------------------------------------


def _env_number(name: str, default: float) -> float:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError as exc:
        raise ValueError(f"{name} must be a number, got {raw!r}") from exc
    if value <= 0:
        raise ValueError(f"{name} must be positive, got {raw!r}")
    return value


@dataclass(frozen=True)
class LoadSettings:
    duration: float = 10.0
    rounds: int = 3
    warmup: float = 3.0
    threads: int = 2
    connections: int = 32
    tool: str = "auto"

    @classmethod
    def from_env(cls, **defaults: Any) -> LoadSettings:
        base = cls(**defaults)
        tool = os.environ.get("BENCH_LOADGEN", base.tool).strip() or "auto"
        if tool not in {"auto", "wrk", "python"}:
            raise ValueError(f"BENCH_LOADGEN must be auto, wrk or python, got {tool!r}")
        return cls(
            duration=_env_number("BENCH_DURATION", base.duration),
            rounds=int(_env_number("BENCH_ROUNDS", base.rounds)),
            warmup=_env_number("BENCH_WARMUP", base.warmup),
            threads=int(_env_number("BENCH_THREADS", base.threads)),
            connections=int(_env_number("BENCH_CONNECTIONS", base.connections)),
            tool=tool,
        )


# --------------------------------------------------------------------------
# Gunicorn subprocess
# --------------------------------------------------------------------------


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def _gunicorn_supports(flag: str) -> bool:
    try:
        from gunicorn.config import KNOWN_SETTINGS
    except ImportError:
        return False
    return any(flag in (setting.cli or []) for setting in KNOWN_SETTINGS)


def gunicorn_version() -> str:
    try:
        import gunicorn
    except ImportError:
        return "not importable"
    return gunicorn.__version__


class GunicornServer:
    """Run ``app`` (``module:callable``) under gunicorn for a ``with`` block.

    ``chdir`` is where gunicorn imports ``app`` from (``REPO_ROOT`` for the
    portal); ``env`` replaces the inherited environment when given.
    """

    def __init__(
        self,
        app: str,
        *,
        workers: int = 1,
        worker_class: str = "sync",
        threads: int = 1,
        chdir: Path = BENCH_DIR,
        host: str = "127.0.0.1",
        extra_args: tuple[str, ...] = (),
        env: dict[str, str] | None = None,
        django_settings: str | None = None,
        ready_path: str = "/",
        ready_timeout: float = 30.0,
    ) -> None:
        self.app = app
        self.workers = workers
        self.worker_class = worker_class
        self.threads = threads
        self.chdir = chdir
        self.host = host
        self.extra_args = extra_args
        self.env = env
        self.django_settings = django_settings
        self.ready_path = ready_path
        self.ready_timeout = ready_timeout
        self.port = 0
        self._proc: subprocess.Popen[bytes] | None = None
        self._log: Any = None

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def command(self) -> list[str]:
        cmd = [
            sys.executable, "-m", "gunicorn",
            "--workers", str(self.workers),
            "--worker-class", self.worker_class,
            "--threads", str(self.threads),
            "--bind", f"{self.host}:{self.port}",
            "--chdir", str(self.chdir),
            "--log-level", "warning",
        ]  # fmt: skip
        if _gunicorn_supports("--no-control-socket"):
            cmd.append("--no-control-socket")
        return [*cmd, *self.extra_args, self.app]

    def describe(self) -> dict[str, Any]:
        return {
            "gunicorn": gunicorn_version(),
            "app": self.app,
            "workers": self.workers,
            "worker_class": self.worker_class,
            "threads": self.threads,
        }

    def start(self) -> None:
        self.port = free_port(self.host)
        env = dict(os.environ if self.env is None else self.env)
        # Set DJANGO_SETTINGS_MODULE only when asked: the bench apps configure
        # Django themselves and must never pick up the portal's settings.
        env.pop("DJANGO_SETTINGS_MODULE", None)
        if self.django_settings:
            env["DJANGO_SETTINGS_MODULE"] = self.django_settings
        env["PYTHONUNBUFFERED"] = "1"
        self._log = tempfile.TemporaryFile()  # closed in stop()
        self._proc = subprocess.Popen(  # noqa: S603 - fixed argv, no shell
            self.command(),
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=self.chdir,
            start_new_session=True,  # own process group, so stop() gets workers too
        )
        try:
            self._wait_ready()
        except BaseException:
            self.stop()
            raise

    def log_tail(self, limit: int = 4000) -> str:
        if self._log is None:
            return ""
        self._log.flush()
        self._log.seek(0)
        return self._log.read().decode("utf-8", "replace")[-limit:]

    def _wait_ready(self) -> None:
        assert self._proc is not None
        deadline = time.monotonic() + self.ready_timeout
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                raise RuntimeError(
                    f"gunicorn exited with code {self._proc.returncode} before answering:\n{self.log_tail()}"
                )
            conn = http.client.HTTPConnection(self.host, self.port, timeout=2)
            try:
                conn.request("GET", self.ready_path)
                status = conn.getresponse().status
            except OSError:
                time.sleep(0.1)
                continue
            finally:
                conn.close()
            if status >= 500:
                raise RuntimeError(f"gunicorn answered {status} on {self.ready_path}:\n{self.log_tail()}")
            return
        raise TimeoutError(f"gunicorn did not answer within {self.ready_timeout}s:\n{self.log_tail()}")

    def stop(self, timeout: float = 10.0) -> None:
        proc, self._proc = self._proc, None
        if proc is not None and proc.poll() is None:
            # SIGINT = quick shutdown of master and workers.
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGINT)
            try:
                proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=timeout)
        if self._log is not None:
            self._log.close()
            self._log = None

    def __enter__(self) -> GunicornServer:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


# --------------------------------------------------------------------------
# Load generation
# --------------------------------------------------------------------------


@dataclass
class LoadResult:
    tool: str
    url: str
    duration_s: float
    threads: int
    connections: int
    requests: int
    rps: float
    errors: dict[str, int] = field(default_factory=dict)
    latency_ms: dict[str, float] = field(default_factory=dict)
    note: str = ""

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())

    def as_details(self) -> dict[str, Any]:
        data = asdict(self)
        del data["url"]  # the port is random and meaningless after the run
        if not data["note"]:
            del data["note"]
        data["rps"] = round(self.rps, 1)
        return data


def wrk_path() -> str | None:
    return shutil.which("wrk")


def run_load(url: str, settings: LoadSettings, duration: float | None = None) -> LoadResult:
    """Load ``url`` for ``duration`` seconds (default ``settings.duration``)."""
    seconds = settings.duration if duration is None else duration
    wrk = wrk_path()
    if settings.tool == "wrk" and wrk is None:
        raise RuntimeError("BENCH_LOADGEN=wrk but wrk is not installed")
    if wrk is not None and settings.tool in {"auto", "wrk"}:
        return _run_wrk(wrk, url, settings, seconds)
    return _run_python(url, settings, seconds)


def measure(url: str, settings: LoadSettings) -> tuple[LoadResult, list[LoadResult]]:
    """Warm up, then load ``url`` for ``settings.rounds`` rounds.

    Returns the median round (by throughput; the lower middle one for an even
    count) and all rounds. A median of several rounds is much steadier than
    one long run on a shared VM.
    """
    run_load(url, settings, duration=settings.warmup)
    rounds = [run_load(url, settings) for _ in range(max(1, settings.rounds))]
    ranked = sorted(rounds, key=lambda r: r.rps)
    return ranked[(len(ranked) - 1) // 2], rounds


def _run_wrk(wrk: str, url: str, settings: LoadSettings, seconds: float) -> LoadResult:
    whole_seconds = max(1, round(seconds))
    cmd = [
        wrk,
        "--threads", str(settings.threads),
        "--connections", str(settings.connections),
        "--duration", f"{whole_seconds}s",
        "--timeout", "5s",
        "--script", str(WRK_SCRIPT),
        url,
    ]  # fmt: skip
    proc = subprocess.run(  # noqa: S603 - absolute wrk path, fixed argv
        cmd, capture_output=True, text=True, timeout=whole_seconds + 60, check=False
    )
    if proc.returncode != 0:
        raise RuntimeError(f"wrk failed ({proc.returncode}):\n{proc.stdout}{proc.stderr}")
    report = None
    for line in proc.stdout.splitlines():
        if line.startswith("WRK_JSON "):
            report = json.loads(line.removeprefix("WRK_JSON "))
    if report is None:
        raise RuntimeError(f"no WRK_JSON line in wrk output:\n{proc.stdout}")
    elapsed = report["duration_us"] / 1e6
    lat = report["latency_us"]
    return LoadResult(
        tool="wrk",
        url=url,
        duration_s=round(elapsed, 3),
        threads=settings.threads,
        connections=settings.connections,
        requests=report["requests"],
        rps=report["requests"] / elapsed,
        errors={k: v for k, v in report["errors"].items() if v},
        latency_ms={k: round(v / 1000, 3) for k, v in lat.items()},
    )


# -- pure-Python fallback ---------------------------------------------------


def _py_connection_loop(
    host: str,
    port: int,
    path: str,
    start_at: float,
    stop_at: float,
    out: list[tuple[int, int, list[float]]],
) -> None:
    ok = 0
    errors = 0
    latencies: list[float] = []
    conn = http.client.HTTPConnection(host, port, timeout=5)
    while time.time() < start_at:
        time.sleep(0.001)
    while True:
        t0 = time.perf_counter()
        if time.time() >= stop_at:
            break
        try:
            conn.request("GET", path)
            resp = conn.getresponse()
            resp.read()
            status = resp.status
        except (OSError, http.client.HTTPException):
            errors += 1
            conn.close()
            conn = http.client.HTTPConnection(host, port, timeout=5)
            continue
        if time.time() > stop_at:
            break  # finished after the window closed: not counted
        if 200 <= status < 400:
            ok += 1
            latencies.append(time.perf_counter() - t0)
        else:
            errors += 1
    conn.close()
    out.append((ok, errors, latencies))


def _py_process(
    host: str, port: int, path: str, n_threads: int, start_at: float, stop_at: float
) -> tuple[int, int, list[float]]:
    out: list[tuple[int, int, list[float]]] = []
    workers = [
        threading.Thread(
            target=_py_connection_loop,
            args=(host, port, path, start_at, stop_at, out),
            daemon=True,
        )
        for _ in range(n_threads)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    ok = sum(item[0] for item in out)
    errors = sum(item[1] for item in out)
    latencies = [lat for item in out for lat in item[2]]
    return ok, errors, latencies


def _percentile(sorted_values: list[float], pct: float) -> float:
    if not sorted_values:
        return 0.0
    rank = max(0, math.ceil(pct / 100 * len(sorted_values)) - 1)
    return sorted_values[rank]


def _run_python(url: str, settings: LoadSettings, seconds: float) -> LoadResult:
    parts = urlsplit(url)
    if parts.scheme != "http" or not parts.hostname:
        raise ValueError(f"python load generator only supports http:// URLs, got {url!r}")
    host, port = parts.hostname, parts.port or 80
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query

    connections = max(1, settings.connections)
    processes = max(1, min(connections, os.cpu_count() or 1, settings.threads))
    per_process = [connections // processes] * processes
    for i in range(connections % processes):
        per_process[i] += 1

    ctx = multiprocessing.get_context("spawn")
    start_at = time.time() + 1.0  # let every process get ready first
    stop_at = start_at + seconds
    with ctx.Pool(processes) as pool:
        jobs = [pool.apply_async(_py_process, (host, port, path, n, start_at, stop_at)) for n in per_process]
        results = [job.get(timeout=seconds + 60) for job in jobs]

    ok = sum(r[0] for r in results)
    errors = sum(r[1] for r in results)
    latencies = sorted(lat for r in results for lat in r[2])
    latency_ms: dict[str, float] = {}
    if latencies:
        latency_ms = {
            "mean": round(sum(latencies) / len(latencies) * 1000, 3),
            "p50": round(_percentile(latencies, 50) * 1000, 3),
            "p90": round(_percentile(latencies, 90) * 1000, 3),
            "p99": round(_percentile(latencies, 99) * 1000, 3),
            "max": round(latencies[-1] * 1000, 3),
        }
    return LoadResult(
        tool="python-http.client",
        url=url,
        duration_s=round(seconds, 3),
        threads=processes,
        connections=connections,
        requests=ok + errors,
        rps=ok / seconds,
        errors={"failed": errors} if errors else {},
        latency_ms=latency_ms,
        note=(
            f"{processes} processes x threads with keep-alive http.client "
            "connections; the generator itself is CPU-heavy, so on few cores "
            "it likely under-reports compared with wrk"
        ),
    )
