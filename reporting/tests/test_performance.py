"""The quarterly performance report from the demo data: a Persian PDF (RTL, Persian digits, charts) and an Excel
workbook with the same rows as ``figures.performance``. PNGs of the first page and the charts page are saved in
``test-artifacts/reports/`` for a person to look at (joined letters, right to left, Persian digits)."""

import shutil
import subprocess
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import translation
from django_scopes import scope, scopes_disabled
from openpyxl import load_workbook

from centers.access import actor_for
from centers.models import Center
from reporting import figures, rollups, runs
from reporting.performance import format_value
from reporting.periods import Period
from reporting.scope import Scope

pytestmark = pytest.mark.django_db

ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts" / "reports"


@pytest.fixture
def demo(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("seed_demo", stdout=StringIO())
    rollups.rebuild_all()


def _text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True).stdout


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils is needed to read the PDF")
def test_quarterly_province_report_from_the_demo_data(demo, world, tmp_path):
    with scopes_disabled():
        center = Center.objects.filter(status=Center.Status.LICENSED, organization=world.relief).first()
    province = center.county.province_id
    supervisor = actor_for(world.supervisor(level="province", province=center.county.province),
                           second_factor_passed=True)
    report_scope = Scope("province", province, world.relief.pk)
    period = Period.current("quarter")  # the demo's gifts and aid lie in the last weeks
    with translation.override("fa"):
        run = runs.run_request(supervisor, "quarterly", report_scope, period)
        assert runs.execute_run(run.pk) == "succeeded", run.error
        with scope(center=report_scope.center_ids()):
            data = figures.performance(report_scope, period)
            contributions = next(s for s in data["sections"] if s["key"] == "contributions")
            expected = [format_value(row["value"], row["unit"]) for row in contributions["rows"]]
        run.refresh_from_db()
        pdf = tmp_path / "report.pdf"
        with run.file.open("rb") as fh:
            pdf.write_bytes(fh.read())
        with run.excel_file.open("rb") as fh:
            (tmp_path / "report.xlsx").write_bytes(fh.read())

    assert sum(row["value"] for row in contributions["rows"] if row["unit"] == "rials") > 0  # the demo gave
    text = _text(pdf)
    assert data["scope_label"].split("،")[0].split(",")[0] in text or "اصفهان" in text
    assert "گزارش" in text  # the title in Persian
    for value in expected:  # every figure of the section, in Persian digits
        assert value in text, value
    body_digits = [ch for ch in text if ch.isdigit()]
    assert sum(ch in "۰۱۲۳۴۵۶۷۸۹" for ch in body_digits) > 0.95 * len(body_digits)
    fonts = subprocess.run(["pdffonts", str(pdf)], check=True, capture_output=True, text=True).stdout
    assert "Vazirmatn" in fonts

    # The workbook holds the same rows: labels and numbers.
    sheet = load_workbook(tmp_path / "report.xlsx").active
    assert sheet.sheet_view.rightToLeft
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    start = next(i for i, row in enumerate(rows) if row[0] == contributions["title"]) + 2  # title, header
    in_sheet = rows[start:start + len(contributions["rows"])]
    assert [(r[0], r[1], r[2]) for r in in_sheet] == [(row["label"], row["value"], row["previous"])
                                                     for row in contributions["rows"]]

    # For a person to look at: the first page and the page of charts.
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(pdf, ARTIFACTS / "quarterly-province.pdf")
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "2", str(pdf),
                    str(ARTIFACTS / "quarterly-province")], check=True)
    pages = sorted(ARTIFACTS.glob("quarterly-province-*.png"))
    assert len(pages) == 2 and all(p.stat().st_size > 5_000 for p in pages)
