"""The statistical yearbook, made by a real Celery worker: parts rendered by separate tasks and joined.

- From the demo data: the book's cover, contents and a chart page as PNGs in ``test-artifacts/yearbook/`` (for a
  human to look at: joined letters, right to left, Persian digits); the contents' page numbers are the pages on
  which each part really starts; every page but the cover says «صفحهٔ N از M».
- A part that fails fails the run with the part's name and reason, and leaves no file (neither the book nor any
  part); a retry renders the book. The failure is real: the test database refuses to record one province's
  part as finished (a trigger), as a full disk or a lost connection would.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import time
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection
from django.utils import translation
from django.utils.translation import pgettext
from django_scopes import scopes_disabled
from pypdf import PdfReader

from centers.access import actor_for
from centers.models import County
from reporting.models import ReportRun, YearbookSection
from reporting.periods import Period
from reporting.runs import run_request, run_retry
from reporting.scope import Scope
from reporting.tests.pdftext import numbers, page_text
from tests.celery_worker import celery_worker

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts" / "yearbook"


def worker():
    """A worker process on a queue of its own (the yearbook's parts follow the run onto it)."""
    return celery_worker("test-yearbook", env={"MEDIA_ROOT": str(settings.MEDIA_ROOT)})


def _finished(run: ReportRun, proc, timeout: float = 240.0) -> ReportRun:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        run.refresh_from_db()
        if run.status in (ReportRun.Status.SUCCEEDED, ReportRun.Status.FAILED):
            return run
        if proc.poll() is not None:
            break
        time.sleep(0.3)
    proc.terminate()
    output = proc.stdout.read() if proc.stdout else ""
    pytest.fail(f"run {run.pk} still {run.status} ({run.progress_message}); worker said:\n{output[-4000:]}")


def _national_admin(world):
    user = world.user(is_superuser=True, is_staff=True)
    return actor_for(user, second_factor_passed=True)


def _other_province_county(name="اصفهان") -> County:
    return County.objects.exclude(province__name=name).order_by("code").first()


def _png(pdf: Path, page: int, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    target = ARTIFACTS / name
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", str(page), "-l", str(page), "-singlefile", str(pdf),
                    str(target)], check=True)
    return target.with_suffix(".png")


def _plain(text: str) -> str:
    return text.replace("\u200c", "")


def test_the_yearbook_from_the_demo_data_has_right_contents_and_footers(world, settings, tmp_path, media):
    settings.DATA_DIR = tmp_path  # seed_demo's list of logins goes here, not into the developer's .data
    call_command("seed_demo", stdout=StringIO())
    with scopes_disabled():
        world.center(county=_other_province_county(), name="مرکز نیکوکاری آزمایشی شمال")
    from reporting.rollups import rebuild_all

    rebuild_all()
    period = Period.current("year")
    with worker() as proc:
        run = run_request(_national_admin(world), ReportRun.Kind.YEARBOOK, Scope.nation(), period)
        run = _finished(run, proc)
    assert run.status == ReportRun.Status.SUCCEEDED, run.error
    assert run.file.name.endswith(".pdf")

    parts = list(YearbookSection.objects.filter(run=run).order_by("position"))
    kinds = [p.kind for p in parts]
    assert kinds[:3] == ["front", "methodology", "summary"] and set(kinds[3:]) == {"province"}
    assert len(kinds) >= 5  # Isfahan (the demo province) and the other province's center
    assert all(p.status == "succeeded" and p.pages and p.file.name == "" for p in parts)  # part files removed
    assert all(p.peak_rss_kb and p.worker_pid for p in parts)

    pdf_path = Path(run.file.path)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(pdf_path, ARTIFACTS / "yearbook.pdf")  # the whole book, for a human to read
    reader = PdfReader(io.BytesIO(pdf_path.read_bytes()))
    total = len(reader.pages)
    assert total == sum(p.pages for p in parts)
    texts = [page.extract_text() for page in reader.pages]

    # Each part starts where the contents say: its title is on that page, and the page number is on the
    # contents' line that names it.
    contents_pages = parts[0].pages - 1  # the front is the cover and the contents
    contents = _plain("\n".join(texts[n - 1] for n in range(2, 2 + contents_pages)))
    start = parts[0].pages + 1
    for part in parts[1:]:
        # a chapter is known by its province's name; pypdf drops the zero-width non-joiner of «روش‌شناسی»
        name = _plain(part.province.name if part.province_id else part.title)
        assert name in _plain(texts[start - 1]), (part.title, start, texts[start - 1][:300])
        line = next(line for line in contents.splitlines() if name in line)
        assert start in numbers(line, from_pypdf=True), (part.title, start, line)
        start += part.pages
    assert start == total + 1

    # «صفحهٔ N از M» on every page but the cover, in Persian digits.
    with translation.override("fa"):
        page_word = pgettext("page footer: «page» 12 of 140", "page")
    assert page_word not in texts[0]
    for number, text in enumerate(texts[1:], start=2):
        assert {number, total} <= set(numbers(page_text(pdf_path, number))), (number, text[-200:])
        assert page_word in text and str(total) not in text

    summary_start = parts[0].pages + parts[1].pages + 1
    for page, name in ((1, "cover"), (2, "contents"), (summary_start, "chart-page")):
        png = _png(pdf_path, page, name)
        assert png.stat().st_size > 5_000


def test_a_failed_part_fails_the_run_with_its_reason_and_a_retry_succeeds(world, media):
    isfahan = world.center(name="مرکز نیکوکاری آزمایشی اصفهان")
    other = world.center(county=_other_province_county(), name="مرکز نیکوکاری آزمایشی شمال")
    failing_province = other.county.province
    admin = _national_admin(world)
    refuse = (f"CREATE FUNCTION test_refuse_part() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
              f"RAISE EXCEPTION 'no space left for this part'; END $$; "
              f"CREATE TRIGGER test_refuse_part BEFORE UPDATE ON reporting_yearbooksection FOR EACH ROW "
              f"WHEN (NEW.status = 'succeeded' AND NEW.province_id = {failing_province.pk}) "
              f"EXECUTE FUNCTION test_refuse_part()")
    with connection.cursor() as cursor:
        cursor.execute(refuse)
    try:
        with worker() as proc:
            run = run_request(admin, ReportRun.Kind.YEARBOOK, Scope.nation(), Period.current("year"))
            run = _finished(run, proc)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TRIGGER test_refuse_part ON reporting_yearbooksection; "
                           "DROP FUNCTION test_refuse_part()")
    assert run.status == ReportRun.Status.FAILED
    assert failing_province.name in run.error and "no space left for this part" in run.error
    assert run.file.name == "" and run.excel_file.name == ""
    failed = YearbookSection.objects.get(run=run, status="failed")
    assert failed.province_id == failing_province.pk
    assert not YearbookSection.objects.filter(run=run).exclude(file="").exists()
    parts_dir = f"reports/yearbook-parts/run{run.pk}"
    assert not default_storage.exists(parts_dir) or default_storage.listdir(parts_dir) == ([], [])

    with worker() as proc:
        retry = run_retry(admin, run)
        retry = _finished(retry, proc)
    assert retry.status == ReportRun.Status.SUCCEEDED, retry.error
    assert retry.retry_of_id == run.pk
    provinces = set(YearbookSection.objects.filter(run=retry, kind="province").values_list("province_id", flat=True))
    assert provinces == {isfahan.county.province_id, failing_province.pk}
    assert len(PdfReader(retry.file.path).pages) == sum(
        YearbookSection.objects.filter(run=retry).values_list("pages", flat=True))
