"""Report runs through a real Celery worker process: a run that fails halfway is failed with its reason and
keeps no file; its retry succeeds (issue 7, "What it must show")."""


import pytest
from django.db import transaction

from centers.models import BoardRole
from reporting import runs
from reporting.models import ReportRun
from reporting.periods import Period
from reporting.scope import Scope
from reporting.tests.run_renderers import HALF
from tests.celery_worker import celery_worker, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def report_worker(tmp_path, settings):
    """A worker on its own queue whose annual reports use the flaky test renderer, storing into tmp media."""
    media = tmp_path / "media"
    settings.MEDIA_ROOT = media
    with celery_worker(env={"MEDIA_ROOT": str(media),
                            "REPORT_EXTRA_RENDERER_MODULES": "reporting.tests.worker_renderers"}) as proc:
        yield proc, media


def _finished(run_id):
    return lambda: ReportRun.objects.get(pk=run_id).finished


def test_a_run_failing_halfway_in_the_worker_is_failed_without_a_file_and_its_retry_succeeds(world, report_worker):
    proc, media = report_worker
    center = world.center()
    chair = world.trustee(center, BoardRole.CHAIR)
    period = str(Period.last_ended("year"))
    with transaction.atomic():
        run = runs.run_request(chair, "annual", Scope.center(center.pk), period)
    assert wait_for(_finished(run.pk), timeout=90), proc.stdout.read() if proc.poll() is not None else "timeout"
    run.refresh_from_db()
    assert run.status == "failed" and run.error == "the test printer jammed halfway"
    assert run.progress == 50 and run.started_at and run.finished_at  # it got halfway
    assert not run.file and not run.excel_file
    assert not [p for p in media.rglob("*") if p.is_file()]  # the half-written PDF went nowhere

    with transaction.atomic():
        retry = runs.run_retry(chair, run)
    assert wait_for(_finished(retry.pk), timeout=90)
    retry.refresh_from_db()
    assert retry.status == "succeeded" and retry.progress == 100 and retry.retry_of_id == run.pk
    with retry.file.open("rb") as fh:
        content = fh.read()
    assert content.startswith(HALF) and content.endswith(b"%%EOF\n")
    stored = [p for p in media.rglob("*") if p.is_file()]
    assert sorted(p.suffix for p in stored) == [".pdf", ".xlsx"]
    assert all(f"run{retry.pk}" in p.name for p in stored)
