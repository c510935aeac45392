"""The national statistical yearbook (issue 7): the whole book for a 31-province data set, rendered by a real
Celery worker with two processes (the machine has two cores), in parts that are joined at the end.

Measured: seconds from the request to the finished, stored book (target under 5 minutes), and the peak resident
memory of each worker process (target under 700 MB): each part records its process's ``ru_maxrss`` when it ends,
and a sampler reads every worker process's RSS twice a second as a cross-check; the larger is recorded.

The data: ``charity_scale_national`` (``generate_scale_data --national``), or ``BENCH_YEARBOOK_DATABASE_URL``. The
bench migrates it to this checkout and rebuilds the rollups when they are empty (timed apart, in the details).
The period is the last ended Jalali year (``BENCH_YEARBOOK_PERIOD`` to choose another).
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any

from harness import benchmark

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/charity_scale_national"
_RUN: dict[str, Any] = {}


def _setup() -> dict[str, Any]:
    os.environ["DATABASE_URL"] = os.environ.get("BENCH_YEARBOOK_DATABASE_URL", DEFAULT_DATABASE)
    os.environ.setdefault("REDIS_URL", os.environ.get("BENCH_YEARBOOK_REDIS_URL", "redis://127.0.0.1:6379/4"))
    os.environ["DJANGO_DEBUG"] = "0"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(REPO_ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    from django_scopes import scopes_disabled

    from reporting.models import MonthFigure
    from reporting.rollups import rebuild_all

    details: dict[str, Any] = {}
    with scopes_disabled():  # reviewed: the bench only asks whether any rollup row exists
        empty = not MonthFigure.objects.exists()
    if empty:
        started = time.monotonic()
        rebuild_all()
        details["rollups_rebuilt_seconds"] = round(time.monotonic() - started, 1)
    return details


class _Sampler(threading.Thread):
    """Reads the RSS of the worker and its children twice a second; keeps each process's maximum."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid = pid
        self.peaks: dict[int, int] = {}
        self.stop = threading.Event()

    def run(self) -> None:
        import psutil

        parent = psutil.Process(self.pid)
        while not self.stop.is_set():
            try:
                for proc in [parent, *parent.children(recursive=True)]:
                    rss = proc.memory_info().rss
                    self.peaks[proc.pid] = max(self.peaks.get(proc.pid, 0), rss)
            except psutil.Error:
                pass
            self.stop.wait(0.5)


def _measure() -> dict[str, Any]:
    if _RUN:
        return _RUN
    details = _setup()
    from django.contrib.auth import get_user_model
    from django.db.models import Max

    from centers.access import actor_for
    from config.celery import app
    from reporting.models import ReportRun, YearbookSection
    from reporting.periods import Period
    from reporting.runs import fail_run, run_request
    from reporting.scope import Scope

    period = (Period.parse(os.environ["BENCH_YEARBOOK_PERIOD"]) if os.environ.get("BENCH_YEARBOOK_PERIOD")
              else Period.last_ended("year"))
    user, _created = get_user_model().objects.get_or_create(
        username="bench-yearbook", defaults={"is_superuser": True, "is_staff": True})
    for stale in ReportRun.objects.filter(kind="yearbook", status__in=("queued", "running")):
        fail_run(stale.pk, "bench: left over from an interrupted run")

    queue = f"bench-yearbook-{uuid.uuid4().hex[:8]}"
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", queue, "--pool", "prefork",
         "--concurrency", "2", "--max-tasks-per-child", "8", "--loglevel", "WARNING", "--without-gossip",
         "--without-mingle", "--hostname", f"{queue}@%h"],
        cwd=REPO_ROOT, env=dict(os.environ), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    sampler = _Sampler(worker.pid)
    sampler.start()
    app.conf.task_default_queue = queue
    try:
        time.sleep(3)  # the worker's processes start before the clock does
        load_before = os.getloadavg()[0]
        started = time.monotonic()
        run = run_request(actor_for(user, second_factor_passed=True), ReportRun.Kind.YEARBOOK, Scope.nation(),
                          period)
        while True:
            run.refresh_from_db()
            if run.status in (ReportRun.Status.SUCCEEDED, ReportRun.Status.FAILED):
                break
            if worker.poll() is not None:
                raise RuntimeError(f"the worker died: {worker.stderr.read()[-2000:] if worker.stderr else ''}")
            if time.monotonic() - started > 1200:
                raise RuntimeError(f"no book after 20 minutes ({run.progress}%: {run.progress_message})")
            time.sleep(0.5)
        seconds = time.monotonic() - started
    finally:
        sampler.stop.set()
        worker.terminate()
        try:
            worker.wait(30)
        except subprocess.TimeoutExpired:
            worker.kill()
    if run.status != ReportRun.Status.SUCCEEDED:
        raise RuntimeError(f"the yearbook failed: {run.error}")

    parts = YearbookSection.objects.filter(run=run)
    durations = sorted(p.seconds for p in parts if p.seconds is not None)
    chapters = sorted(p.seconds for p in parts.filter(kind="province") if p.seconds is not None)
    part_peak_kb = parts.aggregate(peak=Max("peak_rss_kb"))["peak"] or 0
    children = {pid: rss for pid, rss in sampler.peaks.items() if pid != worker.pid}
    sampled_child_mb = max(children.values(), default=0) / 2**20
    from pypdf import PdfReader

    pages = len(PdfReader(run.file.path).pages)
    _RUN.update({
        "seconds": round(seconds, 1),
        "peak_child_mb": round(max(part_peak_kb / 1024, sampled_child_mb), 1),
        "details": {
            **details, "period": str(period), "run": run.pk, "pages": pages, "parts": parts.count(),
            "province_chapters": len(chapters),
            "chapter_seconds_median": round(chapters[len(chapters) // 2], 2) if chapters else None,
            "chapter_seconds_max": round(chapters[-1], 2) if chapters else None,
            "part_seconds_sum": round(sum(durations), 1),
            "peak_rss_mb_by_part_ru_maxrss": round(part_peak_kb / 1024, 1),
            "peak_rss_mb_sampled_children": round(sampled_child_mb, 1),
            "peak_rss_mb_sampled_main_process": round(sampler.peaks.get(worker.pid, 0) / 2**20, 1),
            "worker_children_seen": len(children),
            "worker": "prefork, concurrency 2, max-tasks-per-child 8",
            # the machine is shared: the 1-minute load average before and after the run says how shared
            "load_average_before_after": [round(load_before, 1), round(os.getloadavg()[0], 1)],
            "file_mb": round(Path(run.file.path).stat().st_size / 2**20, 2),
        },
    })
    return _RUN


@benchmark(
    metric="yearbook_national_seconds",
    unit="s",
    target={"max": 300},
    description="The national statistical yearbook of a 31-province data set (charity_scale_national), from the "
                "request to the stored PDF: cover and contents, methodology, national summary and one chapter per "
                "province rendered as separate Celery tasks by one worker with two processes, then joined with "
                "pypdf and stamped with «page N of M» footers. Target: under 5 minutes.",
)
def yearbook_national_seconds():
    result = _measure()
    return result["seconds"], result["details"]


@benchmark(
    metric="yearbook_worker_peak_rss_mb",
    unit="MB",
    target={"max": 700},
    description="Peak resident memory of any worker child process while the national yearbook was rendered (the "
                "larger of the parts' own ru_maxrss and RSS sampled twice a second). Each part renders one "
                "province, so this stays flat however many provinces there are. Target: under 700 MB.",
)
def yearbook_worker_peak_rss_mb():
    result = _measure()
    return result["peak_child_mb"], result["details"]


if __name__ == "__main__":  # a trial run that records nothing: python bench/bench_yearbook.py
    import json

    print(json.dumps(_measure(), indent=1, ensure_ascii=False))
