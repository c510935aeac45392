"""Report runs: who may ask for which, one run in the making per key, outcomes, retries and beat."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django_scopes import scopes_disabled

from centers.access import actor_for
from centers.models import BoardRole, County
from reporting import runs
from reporting.models import ReportRun
from reporting.periods import Period
from reporting.scope import Scope
from reporting.tests.run_renderers import HALF, flaky

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]

LAST_QUARTER = str(Period.last_ended("quarter"))
LAST_YEAR = str(Period.last_ended("year"))


@pytest.fixture
def place(world):
    county = world.county()
    with scopes_disabled():
        far_county = County.objects.exclude(province=county.province).first()
    mine = world.center(county=county)
    return {"world": world, "county": county, "mine": mine, "far": world.center(county=far_county),
            "welfare": world.center(county=county, organization=world.welfare),
            "chair": world.trustee(mine, BoardRole.CHAIR)}


def _content(field) -> bytes:
    with field.open("rb") as fh:
        return fh.read()


def _actor(user):
    return actor_for(user, second_factor_passed=True)


def test_a_second_request_joins_the_run_in_the_making(place, django_capture_on_commit_callbacks):
    chair, mine = place["chair"], place["mine"]
    with django_capture_on_commit_callbacks() as queued:
        first = runs.run_request(chair, "quarterly", Scope.center(mine.pk), LAST_QUARTER)
        again = runs.run_request(chair, "quarterly", f"center:{mine.pk}", LAST_QUARTER)
    assert again.pk == first.pk and first.status == "queued" and first.requested_by == chair
    assert first.center_id == mine.pk and first.province_id == mine.county.province_id
    assert len(queued) == 1  # one task for one run
    # The database itself refuses a second active run of the same key.
    with pytest.raises(IntegrityError), transaction.atomic():
        ReportRun.objects.create(kind="quarterly", scope_level="center", scope_id=mine.pk, center=mine,
                                 period=LAST_QUARTER)
    # ...but not once the first has finished.
    ReportRun.objects.filter(pk=first.pk).update(status="failed", error="x")
    second = runs.run_request(chair, "quarterly", Scope.center(mine.pk), LAST_QUARTER)
    assert second.pk != first.pk


def test_outsider_gets_404_and_a_role_that_may_not_request_gets_403(place):
    world = place["world"]
    with pytest.raises(Http404):
        runs.run_request(place["chair"], "quarterly", Scope.center(place["far"].pk), LAST_QUARTER)
    with pytest.raises(Http404):  # a trustee asks for nothing above their center
        runs.run_request(place["chair"], "quarterly", Scope("county", place["county"].pk), LAST_QUARTER)
    officer = world.trustee(place["mine"], BoardRole.DONOR_RELATIONS_MEN)
    with pytest.raises(PermissionDenied):
        runs.run_request(officer, "quarterly", Scope.center(place["mine"].pk), LAST_QUARTER)
    assert not ReportRun.objects.exists()


@pytest.mark.parametrize(("kind", "period", "scope"), [
    ("quarterly", "1404", None), ("annual", "1404-Q1", None), ("monthly", "1404-Q2", None),
    ("quarterly", "1404-Q9", None), ("quarterly", "not a period", None), ("nosuch", "1404", None),
    ("yearbook", "1403", "center"),  # the yearbook is national only
])
def test_wrong_kind_period_or_scope_is_refused(place, kind, period, scope):
    with pytest.raises(ValidationError):
        runs.run_request(place["chair"], kind, Scope.center(place["mine"].pk), period)


def test_a_future_period_is_refused(place):
    future = str(Period.current("year").next())
    with pytest.raises(ValidationError):
        runs.run_request(place["chair"], "annual", Scope.center(place["mine"].pk), future)


def test_supervisor_sees_and_asks_for_their_own_organisations_region_only(place):
    world, county = place["world"], place["county"]
    sup = _actor(world.supervisor(level="province"))
    province = county.province_id
    mine_region = runs.run_request(sup, "annual", Scope("province", province, world.relief.pk), LAST_YEAR)
    county_run = runs.run_request(sup, "annual", Scope("county", county.pk, world.relief.pk), LAST_YEAR)
    center_run = runs.run_request(place["chair"], "annual", Scope.center(place["mine"].pk), LAST_YEAR)
    for refused in (Scope("province", province, world.welfare.pk), Scope("province", province),
                    Scope.nation(world.relief.pk), Scope("province", place["far"].county.province_id,
                                                         world.relief.pk)):
        with pytest.raises(Http404):
            runs.run_request(sup, "annual", refused, LAST_YEAR)
    # Runs asked for by others in regions that are not theirs.
    national = _actor(world.user(is_superuser=True, is_staff=True))
    whole = runs.run_request(national, "annual", Scope.nation(), LAST_YEAR)
    welfare = runs.run_request(national, "annual", Scope("province", province, world.welfare.pk), LAST_YEAR)
    far = runs.run_request(national, "annual", Scope.center(place["far"].pk), LAST_YEAR)

    assert set(runs.visible_runs(sup)) == {mine_region, county_run, center_run}
    assert set(runs.visible_runs(place["chair"])) == {center_run}
    assert set(runs.visible_runs(national)) == {mine_region, county_run, center_run, whole, welfare, far}
    for hidden in (whole, welfare, far):
        with pytest.raises(Http404):
            runs.run_for(sup, hidden.pk)
    with pytest.raises(Http404):
        runs.run_for(sup, "not-a-number")
    assert runs.run_for(sup, center_run.pk) == center_run


def test_a_run_that_succeeds_has_its_files_timings_and_full_progress(place, renderers, media):
    seen = []

    def renderer(run, progress):
        progress(40, "halfway")
        seen.append(ReportRun.objects.get(pk=run.pk).progress)
        (progress.workdir / "r.pdf").write_bytes(b"%PDF-1.7 whole")
        (progress.workdir / "r.xlsx").write_bytes(b"PK whole")
        return [progress.workdir / "r.pdf", progress.workdir / "r.xlsx"]

    renderers("quarterly", renderer)
    run = runs.run_request(place["chair"], "quarterly", Scope.center(place["mine"].pk), LAST_QUARTER)
    assert runs.execute_run(run.pk) == "succeeded"
    run.refresh_from_db()
    assert seen == [40]
    assert run.progress == 100 and run.started_at <= run.finished_at and not run.error
    assert _content(run.file) == b"%PDF-1.7 whole" and _content(run.excel_file) == b"PK whole"
    assert runs.execute_run(run.pk) == "succeeded"  # delivered twice: rendered once, nothing changes


def test_a_run_that_fails_halfway_keeps_its_reason_and_no_file_and_its_retry_succeeds(place, renderers, media):
    renderers("annual", flaky)
    run = runs.run_request(place["chair"], "annual", Scope.center(place["mine"].pk), LAST_YEAR)
    assert runs.execute_run(run.pk) == "failed"
    run.refresh_from_db()
    assert run.error == "the test printer jammed halfway"
    assert not run.file and not run.excel_file and run.finished_at
    assert not [p for p in media.rglob("*") if p.is_file()]
    retry = runs.run_retry(place["chair"], run)
    assert retry.status == "queued" and retry.retry_of == run
    with pytest.raises(ValidationError):  # only a failed run is retried
        runs.run_retry(place["chair"], retry)
    assert runs.execute_run(retry.pk) == "succeeded"
    retry.refresh_from_db()
    content = _content(retry.file)
    assert content.startswith(HALF) and content.endswith(b"%%EOF\n")


def test_an_exception_in_a_renderer_is_recorded(place, renderers):
    def broken(run, progress):
        return {}["missing"]

    renderers("quarterly", broken)
    run = runs.run_request(place["chair"], "quarterly", Scope.center(place["mine"].pk), LAST_QUARTER)
    runs.execute_run(run.pk)
    run.refresh_from_db()
    assert run.status == "failed" and "KeyError" in run.error and "missing" in run.error


def test_a_renderer_that_writes_no_pdf_fails_its_run(place, renderers, media):
    def only_excel(run, progress):
        (progress.workdir / "r.xlsx").write_bytes(b"PK")
        return [progress.workdir / "r.xlsx"]

    renderers("quarterly", only_excel)
    run = runs.run_request(place["chair"], "quarterly", Scope.center(place["mine"].pk), LAST_QUARTER)
    assert runs.execute_run(run.pk) == "failed"
    assert not [p for p in media.rglob("*") if p.is_file()]  # the workbook stored first was removed again


def test_a_stale_run_is_failed_so_it_can_be_asked_again(place):
    run = runs.run_request(place["chair"], "quarterly", Scope.center(place["mine"].pk), LAST_QUARTER)
    ReportRun.objects.filter(pk=run.pk).update(status="running", updated_at=timezone.now()
                                               - datetime.timedelta(hours=3))
    fresh = runs.run_request(place["chair"], "monthly", Scope.center(place["mine"].pk),
                             str(Period.last_ended("month")))
    ReportRun.objects.filter(pk=fresh.pk).update(status="running", updated_at=timezone.now())
    assert runs.reap_stale_runs() == 1
    run.refresh_from_db()
    assert run.status == "failed" and run.error
    assert runs.run_request(place["chair"], "quarterly", Scope.center(place["mine"].pk), LAST_QUARTER).pk != run.pk


def test_beat_asks_once_for_each_ended_period_and_scope(place, renderers, settings,
                                                        django_capture_on_commit_callbacks):
    world = place["world"]
    renderers("monthly", flaky)
    renderers("quarterly", flaky)
    settings.REPORT_RUNS_PERIODIC_LEVELS = ["center", "province", "nation"]
    today = datetime.date(2025, 7, 2)  # 11 Tir 1404: Khordad, spring (Q1) and the year 1403 have ended
    with django_capture_on_commit_callbacks() as queued:
        created = runs.request_periodic_runs(today=today)
    assert len(queued) == len(created)
    made = ReportRun.objects.filter(pk__in=created)
    assert {r.period for r in made.filter(kind="monthly")} == {"1404-03"}
    assert {r.period for r in made.filter(kind="quarterly")} == {"1404-Q1"}
    assert not made.filter(kind="annual").exclude(period="1403").exists()
    mine = place["mine"]
    assert made.filter(kind="quarterly", scope_level="center", center=mine).count() == 1
    province = mine.county.province_id
    assert made.filter(kind="quarterly", scope_level="province", scope_id=province, organization=None).exists()
    assert made.filter(kind="quarterly", scope_level="province", scope_id=province,
                       organization=world.relief).exists()
    assert made.filter(kind="quarterly", scope_level="nation", organization=None).exists()
    assert not made.filter(scope_level="county").exists()  # not among the configured levels
    assert all(r.requested_by is None for r in made)
    # A failed one is not asked again by beat (people retry it); nothing new the next day.
    made.filter(kind="monthly").update(status="failed", error="x")
    assert runs.request_periodic_runs(today=today + datetime.timedelta(days=1)) == []


def test_the_beat_entries_are_installed():
    from config.celery import app, install_periodic_tasks

    install_periodic_tasks(sender=app)
    tasks = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert {"reporting.tasks.runs.request_periodic_runs_task", "reporting.tasks.runs.reap_stale_runs_task"} <= tasks
