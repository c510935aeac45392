"""The province's annual performance report (issue 7): PDF and Excel on the default scale data set.

Renders the annual report of the province with the most centers (Isfahan, 500 centers, 2,000,000
contributions over three Jalali years in ``charity_scale``, built by ``generate_scale_data``) for the last
ended Jalali year, exactly as a worker does: ``reporting.performance.render_performance`` reads
``figures.performance`` (the rollups), draws the charts, writes the PDF with WeasyPrint and the workbook with
openpyxl. The run row itself is not stored (the shared scale database carries only the rollup migrations),
so the progress callback here only notes the time of each stage. Three rounds; the median is recorded.

Target: under 30 s (issue 7, "Benches"). Database: ``BENCH_REPORTS_DATABASE_URL`` or
``postgres://postgres@127.0.0.1:5432/charity_scale``; it is only read.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from harness import benchmark

REPO_ROOT = Path(__file__).resolve().parent.parent
ROUNDS = int(os.environ.get("BENCH_REPORTS_ROUNDS", "3"))


def _setup() -> None:
    os.environ["DATABASE_URL"] = os.environ.get("BENCH_REPORTS_DATABASE_URL",
                                                "postgres://postgres@127.0.0.1:5432/charity_scale")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(REPO_ROOT))
    import django

    django.setup()


class _Progress:
    def __init__(self, workdir: Path):
        self.workdir = workdir
        self.start = time.perf_counter()
        self.stages: list[tuple[str, float]] = []

    def __call__(self, percent: int, message: str = "") -> None:
        self.stages.append((message or str(percent), round(time.perf_counter() - self.start, 3)))


@benchmark(
    metric="province_annual_report_seconds",
    unit="s",
    target={"max": 30},
    description="The annual performance report (PDF + Excel) of the province with the most centers on the "
    "default scale data (500 centers, 2,000,000 contributions), rendered as the worker does: figures from the "
    "rollups, SVG charts, WeasyPrint PDF, openpyxl workbook; median of three rounds in one process.",
)
def province_annual_report():
    _setup()
    from django.db.models import Count
    from django.utils import translation
    from django_scopes import scope, scopes_disabled
    from pypdf import PdfReader

    from centers.models import Center
    from reporting.models import ReportRun
    from reporting.performance import render_performance
    from reporting.periods import Period
    from reporting.scope import Scope

    with scopes_disabled():
        row = (Center.objects.values("county__province_id").annotate(n=Count("pk"))
               .order_by("-n").first())
    province = row["county__province_id"]
    period = Period.last_ended("year")
    run = ReportRun(kind="annual", scope_level="province", scope_id=province, period=str(period))
    report_scope = Scope("province", province)
    times, details = [], {}
    for _round in range(ROUNDS):
        with tempfile.TemporaryDirectory() as tmp, translation.override("fa"):
            progress = _Progress(Path(tmp))
            start = time.perf_counter()
            with scope(center=report_scope.center_ids()):
                pdf, xlsx = render_performance(run, progress)
            elapsed = time.perf_counter() - start
            times.append(elapsed)
            details = {"stages_s": progress.stages, "pdf_pages": len(PdfReader(pdf).pages),
                       "pdf_bytes": pdf.stat().st_size, "xlsx_bytes": xlsx.stat().st_size,
                       "centers": row["n"], "period": str(period), "scope": str(report_scope)}
    details["rounds_s"] = [round(t, 3) for t in times]
    return statistics.median(times), details
