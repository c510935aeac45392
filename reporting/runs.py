"""Report runs: requesting, executing, retrying and listing them (DESIGN §7; issue 7, point 3).

The services every entry point uses (trustee pages, the admin, the API, Celery beat):

- ``run_request(actor, kind, scope, period)`` asks for a document; access is checked here (a center's run needs
  REQUEST_REPORT at that center, a region's run a supervisor over that region), and a second request for a
  kind + scope + period already in the making returns the run in the making (the partial unique constraint).
- ``run_retry(actor, run)`` asks again for a failed run's document (a new run with ``retry_of``).
- ``register_renderer(kind, fn)``: ``fn(run, progress)`` writes the document's files into ``progress.workdir``
  and returns their paths (``.pdf`` becomes ``run.file``, ``.xlsx`` ``run.excel_file``); ``progress(percent,
  message)`` reports how far it is. A renderer that hands its work to other tasks (the yearbook's sections)
  returns ``DEFERRED`` and later calls ``finish_run(run_id, paths)`` or ``fail_run(run_id, error)``.
- ``execute_run(run_id)`` (the task's body): claims a queued run, opens the tenant scope of the run's centers,
  calls the renderer, and records the outcome: timings, the files, or the error.
- ``visible_runs(actor)`` / ``run_for(actor, run_id)``: the runs an actor may see, with the same 404 for a run
  that does not exist and one that is not theirs.

The ``actor`` arguments take a ``centers.access.Actor`` (what the request carries) or a ``User`` (tests and
the shell; its second factor then counts as the user's verified state, ``reporting.scope._as_actor``).

A run never exposes a half-written file: renderers write into a private work directory; the files are copied
into storage only after the renderer returned, and the row points at them only in the same update that marks
the run succeeded (a check constraint forbids files on any other status). A failed run keeps no file.
"""

from __future__ import annotations

import datetime
import logging
import shutil
import tempfile
import traceback
from collections.abc import Callable, Iterable
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django_scopes import scope as tenant_scope
from django_scopes import scopes_disabled

from centers.access import ROLE_ACTIONS, Action, Actor, may, require
from centers.models import Center, County
from reporting.models import ReportRun
from reporting.periods import Period
from reporting.scope import CENTER, COUNTY, NATION, PROVINCE, Scope, _as_actor, scopes_for_user

logger = logging.getLogger(__name__)

# The kind of Jalali period each kind of report covers.
PERIOD_KIND = {
    ReportRun.Kind.MONTHLY: "month",
    ReportRun.Kind.QUARTERLY: "quarter",
    ReportRun.Kind.ANNUAL: "year",
    ReportRun.Kind.YEARBOOK: "year",
}
# The yearbook is a national book (DESIGN §7): its chapters are the provinces.
KIND_LEVELS = {ReportRun.Kind.YEARBOOK: {NATION}}

MAX_ID = 2**31 - 1
DEFERRED = object()  # a renderer's answer when other tasks will finish the run (finish_run / fail_run)

RendererFn = Callable[[ReportRun, "Progress"], object]
_RENDERERS: dict[str, RendererFn] = {}


def register_renderer(kind: str, fn: RendererFn) -> RendererFn:
    """Registers the function that renders runs of ``kind`` (one per kind; a later registration replaces)."""
    if kind not in ReportRun.Kind.values:
        raise ValueError(f"unknown report kind {kind!r}; add it to ReportRun.Kind")
    _RENDERERS[kind] = fn
    return fn


def renderer_for(kind: str) -> RendererFn | None:
    _load_renderers()
    return _RENDERERS.get(kind)


def _load_renderers() -> None:
    """Renderers register themselves when their module is imported; the apps list theirs in
    ``REPORT_RENDERER_MODULES`` so a worker knows them without importing views."""
    import importlib

    for module in getattr(settings, "REPORT_RENDERER_MODULES", ()):
        importlib.import_module(module)


class RunFailed(Exception):
    """Raised by a renderer to fail its run with a message meant for the person who asked for it."""


class Progress:
    """Given to a renderer: ``progress(percent, message)`` records how far it is; ``workdir`` is a private
    directory for its files, removed after the run."""

    def __init__(self, run: ReportRun, workdir: Path):
        self.run = run
        self.workdir = workdir
        self._last = -1

    def __call__(self, percent: int, message: str = "") -> None:
        percent = max(0, min(99, int(percent)))  # 100 only once the files are in place
        if percent == self._last and not message:
            return
        self._last = percent
        ReportRun.objects.filter(pk=self.run.pk, status=ReportRun.Status.RUNNING).update(
            progress=percent, progress_message=message[:200], updated_at=timezone.now())


# -- who may see and ask for what --------------------------------------------------------------------------


def _report_center_ids(actor: Actor) -> set[int]:
    """Centers whose own reports the actor sees: those they supervise and those where a role of theirs may
    VIEW_REPORTS."""
    ids = set(actor.supervised_center_ids)
    for center_id, roles in actor.trustee_roles.items():
        if any(Action.VIEW_REPORTS in ROLE_ACTIONS.get(role, frozenset()) for role in roles):
            ids.add(center_id)
    return ids


def _region_scopes(actor: Actor) -> list[Scope]:
    return [s for s in scopes_for_user(actor) if s.level != CENTER]


def _scope_geography(scope: Scope) -> dict:
    """The center, county and province a scope lies in (the run's denormalised columns)."""
    with scopes_disabled():  # reviewed: the geography of one center or county named by the scope
        if scope.level == CENTER:
            center = Center.objects.filter(pk=scope.id).select_related("county").first()
            if center is None:
                raise Http404
            return {"center_id": center.pk, "county_id": center.county_id,
                    "province_id": center.county.province_id}
    if scope.level == COUNTY:
        county = County.objects.filter(pk=scope.id).first()
        if county is None:
            raise Http404
        return {"center_id": None, "county_id": county.pk, "province_id": county.province_id}
    if scope.level == PROVINCE:
        return {"center_id": None, "county_id": None, "province_id": scope.id}
    return {"center_id": None, "county_id": None, "province_id": None}


def _region_contains(region: Scope, scope: Scope, geo: dict) -> bool:
    if region.organization_id is not None and region.organization_id != scope.organization_id:
        return False
    if region.level == NATION:
        return True
    if region.level == PROVINCE:
        return scope.level != NATION and geo["province_id"] == region.id
    return scope.level == COUNTY and geo["county_id"] == region.id


def may_see_scope(actor: Actor, scope: Scope) -> bool:
    """May the actor see reports of ``scope``? A center's: VIEW_REPORTS there. A region's: it lies inside
    one of the actor's supervised regions, narrowed to the same organisation (a welfare supervisor does not
    read the relief committee's province report). The same rule as ``visible_runs``."""
    actor = _as_actor(actor)
    if scope.level == CENTER:
        with scopes_disabled():  # reviewed: one center, to ask the access module
            center = Center.objects.filter(pk=scope.id).first()
        return center is not None and may(actor, Action.VIEW_REPORTS, center)
    geo = _scope_geography(scope)
    return any(_region_contains(r, scope, geo) for r in _region_scopes(actor))


def _require_request(actor: Actor, scope: Scope) -> None:
    if scope.level == CENTER:
        with scopes_disabled():  # reviewed: one center, to ask the access module (404 when not theirs)
            center = Center.objects.filter(pk=scope.id).first()
        require(actor, Action.REQUEST_REPORT, center)
    elif not may_see_scope(actor, scope):
        raise Http404


def visible_runs(actor) -> QuerySet[ReportRun]:
    """The runs the actor may see: their centers' runs and those of the regions they supervise."""
    actor = _as_actor(actor)
    center_ids = _report_center_ids(actor)
    visible = Q(scope_level=CENTER, center_id__in=sorted(center_ids))
    for region in _region_scopes(actor):
        if region.level == NATION and region.organization_id is None:
            return ReportRun.objects.all()  # a national administrator sees every run
        q = ~Q(scope_level=CENTER)
        if region.organization_id is not None:
            q &= Q(organization_id=region.organization_id)
        if region.level == PROVINCE:
            q &= Q(province_id=region.id)
        elif region.level == COUNTY:
            q &= Q(scope_level=COUNTY, county_id=region.id)
        visible |= q
    return ReportRun.objects.filter(visible)


def run_for(actor, run_id) -> ReportRun:
    """The run with this id if the actor may see it, else 404 (the same for a run that does not exist)."""
    try:
        run_id = int(run_id)
    except (TypeError, ValueError):
        raise Http404 from None
    run = visible_runs(actor).filter(pk=run_id).first()
    if run is None:
        raise Http404
    return run


def requestable_scopes(actor) -> list[Scope]:
    """The scopes the actor may ask reports for directly: their regions, then their centers where they may
    REQUEST_REPORT."""
    actor = _as_actor(actor)
    scopes = _region_scopes(actor)
    with scopes_disabled():  # reviewed: the actor's own centers, to ask the access module about each
        centers = list(Center.objects.filter(pk__in=sorted(actor.trustee_roles)).order_by("name"))
    scopes += [Scope.center(c.pk) for c in centers if may(actor, Action.REQUEST_REPORT, c)]
    return scopes


# -- requesting ----------------------------------------------------------------------------------------------


def _check(kind: str, scope: Scope, period: Period, *, today: datetime.date | None = None) -> None:
    if kind not in ReportRun.Kind.values:
        raise ValidationError(_("Unknown kind of report."), code="kind")
    if period.kind != PERIOD_KIND[kind]:
        raise ValidationError(_("This report covers a different kind of period."), code="period_kind")
    levels = KIND_LEVELS.get(kind)
    if levels is not None and scope.level not in levels:
        raise ValidationError(_("This report is not made for this scope."), code="scope_level")
    if period.start > (today or timezone.localdate()):
        raise ValidationError(_("This period has not begun yet."), code="future_period")


def _active_run(kind: str, scope: Scope, period: Period) -> ReportRun | None:
    return ReportRun.objects.filter(kind=kind, scope_level=scope.level, scope_id=scope.id,
                                    organization_id=scope.organization_id, period=str(period),
                                    status__in=ReportRun.ACTIVE).first()


def _create_run(kind: str, scope: Scope, period: Period, *, user=None, retry_of=None) -> tuple[ReportRun, bool]:
    """Creates a queued run and queues its task after commit, or returns the run of the same key already in
    the making (the partial unique constraint decides, so two requests at once still make one run)."""
    existing = _active_run(kind, scope, period)
    if existing is not None:
        return existing, False
    geo = _scope_geography(scope)
    try:
        with transaction.atomic():
            run = ReportRun.objects.create(
                kind=kind, scope_level=scope.level, scope_id=scope.id, organization_id=scope.organization_id,
                period=str(period), requested_by=user, retry_of=retry_of, **geo)
    except IntegrityError:
        existing = _active_run(kind, scope, period)
        if existing is None:
            raise
        return existing, False
    _enqueue(run.pk)
    return run, True


def _enqueue(run_id: int) -> None:
    from reporting.tasks.runs import execute_run_task

    transaction.on_commit(lambda: execute_run_task.delay(run_id))


def _parse(scope, period) -> tuple[Scope, Period]:
    try:
        scope = scope if isinstance(scope, Scope) else Scope.parse(str(scope))
    except ValueError:
        raise ValidationError(_("Unknown scope."), code="scope") from None
    if any(n is not None and n > MAX_ID for n in (scope.id, scope.organization_id)):
        raise ValidationError(_("Unknown scope."), code="scope")  # beyond any key: never a database error
    try:
        period = period if isinstance(period, Period) else Period.parse(str(period))
    except ValueError:
        raise ValidationError(_("Enter a Jalali period such as 1404, 1404-Q2 or 1404-07."), code="period") from None
    return scope, period


def run_request(actor, kind: str, scope: Scope | str, period: Period | str) -> ReportRun:
    """Asks for a report; returns the run (a new one, or the one already in the making for the same key).
    Raises 404 for a scope the actor may not see, 403 for their own center when their role may not request
    reports, ``ValidationError`` for a wrong kind, period or scope."""
    actor = _as_actor(actor)
    scope, period = _parse(scope, period)
    _require_request(actor, scope)
    _check(kind, scope, period)
    run, _created = _create_run(kind, scope, period, user=actor.user)
    return run


def run_retry(actor, run: ReportRun) -> ReportRun:
    """Asks again for a failed run's document: a new run pointing back at the failed one."""
    actor = _as_actor(actor)
    run = run_for(actor, run.pk)
    _require_request(actor, run.scope)
    if run.status != ReportRun.Status.FAILED:
        raise ValidationError(_("Only a failed report can be retried."), code="not_failed")
    new, _created = _create_run(run.kind, run.scope, run.period_value, user=actor.user, retry_of=run)
    return new


# -- executing -----------------------------------------------------------------------------------------------


def execute_run(run_id: int) -> str:
    """Runs a queued run's renderer and records the outcome; returns the final (or current) status.

    Claims the run first (queued → running in one conditional update), so a task delivered twice renders it
    once. The renderer runs inside the tenant scope of the run's centers."""
    now = timezone.now()
    claimed = ReportRun.objects.filter(pk=run_id, status=ReportRun.Status.QUEUED).update(
        status=ReportRun.Status.RUNNING, started_at=now, updated_at=now, progress=0,
        progress_message=_("Started"))
    run = ReportRun.objects.filter(pk=run_id).first()
    if run is None or not claimed:
        return run.status if run else "missing"
    fn = renderer_for(run.kind)
    workdir = Path(tempfile.mkdtemp(prefix=f"report-run-{run.pk}-"))
    try:
        if fn is None:
            raise RunFailed(_("No renderer is installed for this kind of report."))
        with tenant_scope(center=run.scope.center_ids()):
            result = fn(run, Progress(run, workdir))
        if result is DEFERRED:
            return ReportRun.Status.RUNNING
        finish_run(run.pk, result)
    except Exception as exc:  # noqa: BLE001 - every failure is recorded on the run, whatever its kind
        logger.exception("report run %s failed", run_id)
        fail_run(run.pk, _error_text(exc))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return ReportRun.objects.values_list("status", flat=True).get(pk=run_id)


def _error_text(exc: BaseException) -> str:
    if isinstance(exc, RunFailed):
        return str(exc)
    tail = "".join(traceback.format_exception_only(type(exc), exc)).strip()
    return tail[:2000]


def _storage_name(run: ReportRun, suffix: str) -> str:
    scope = run.scope_key.replace(":", "-").replace("@", "-org")
    return f"reports/{run.period[:4]}/{run.kind}-{scope}-{run.period}-run{run.pk}{suffix}"


def finish_run(run_id: int, paths: Iterable[str | Path]) -> None:
    """Stores a run's finished files and marks it succeeded, in that order: until the final update the row
    points at no file, so nobody downloads a part of one. Files already stored are removed when storing a later
    one fails (the run then fails)."""
    fields: dict[str, str] = {}
    try:
        for path in (Path(p) for p in paths or ()):
            field = {".pdf": "file", ".xlsx": "excel_file"}.get(path.suffix.lower())
            if field is None or field in fields:
                raise RunFailed(_("The renderer produced an unexpected file."))
            run = ReportRun.objects.get(pk=run_id)
            with path.open("rb") as fh:
                fields[field] = default_storage.save(_storage_name(run, path.suffix.lower()), File(fh))
        if "file" not in fields:
            raise RunFailed(_("The renderer produced no document."))
        done = ReportRun.objects.filter(pk=run_id, status=ReportRun.Status.RUNNING).update(
            status=ReportRun.Status.SUCCEEDED, progress=100, progress_message="", finished_at=timezone.now(),
            updated_at=timezone.now(), error="", **fields)
        if not done:  # failed or reaped meanwhile: its files must not linger
            raise RunFailed(_("The report stopped before its files were stored."))
    except Exception:
        for name in fields.values():
            default_storage.delete(name)
        raise


def fail_run(run_id: int, error: str) -> None:
    """Marks a run failed with its reason; a failed run has no file."""
    ReportRun.objects.filter(pk=run_id).exclude(status=ReportRun.Status.SUCCEEDED).update(
        status=ReportRun.Status.FAILED, finished_at=timezone.now(), updated_at=timezone.now(),
        error=error or _("The report failed."), file="", excel_file="")


def reap_stale_runs(*, now: datetime.datetime | None = None) -> int:
    """Fails runs that have made no progress for ``REPORT_RUN_STALE_MINUTES`` (a worker that died mid-run):
    otherwise the unique constraint would keep anyone from asking for that report again."""
    minutes = getattr(settings, "REPORT_RUN_STALE_MINUTES", 60)
    cutoff = (now or timezone.now()) - datetime.timedelta(minutes=minutes)
    stale = ReportRun.objects.filter(status=ReportRun.Status.RUNNING, updated_at__lt=cutoff)
    return stale.update(status=ReportRun.Status.FAILED, finished_at=timezone.now(),
                        error=_("The report stopped without finishing (no progress for %(minutes)s minutes).")
                        % {"minutes": minutes})


# -- periodic runs (Celery beat) -----------------------------------------------------------------------------

# Which reports beat asks for when a period of each kind ends.
PERIODIC_KINDS = {"month": (ReportRun.Kind.MONTHLY,), "quarter": (ReportRun.Kind.QUARTERLY,),
                  "year": (ReportRun.Kind.ANNUAL, ReportRun.Kind.YEARBOOK)}


def periodic_scopes(levels: Iterable[str]) -> list[Scope]:
    """Every scope a periodic report is made for: each licensed center, and each county, province and the
    nation once per organisation with centers there (what each supervisor sees) and once for all (the
    national administrators')."""
    levels = set(levels)
    scopes: list[Scope] = []
    with scopes_disabled():  # reviewed: the centers' ids, counties and organisations, to list the scopes
        rows = list(Center.objects.filter(status=Center.Status.LICENSED)
                    .values_list("pk", "county_id", "county__province_id", "organization_id"))
    if CENTER in levels:
        scopes += [Scope.center(pk) for pk, *_rest in rows]
    for level, index in ((COUNTY, 1), (PROVINCE, 2)):
        if level in levels:
            ids = sorted({row[index] for row in rows})
            scopes += [Scope(level, i) for i in ids]
            scopes += [Scope(level, i, o) for i, o in sorted({(row[index], row[3]) for row in rows})]
    if NATION in levels:
        scopes += [Scope.nation()] + [Scope.nation(o) for o in sorted({row[3] for row in rows})]
    return scopes


def request_periodic_runs(*, today: datetime.date | None = None) -> list[int]:
    """Asks for the reports of every period that has ended (the last month, quarter and year before
    ``today``), for each kind with a renderer, at the levels of ``REPORT_RUNS_PERIODIC_LEVELS``. Runs once a day:
    a key already asked for (whatever became of it) is skipped and the partial unique constraint
    stops doubles, so the day after a period ends asks for nothing new. Returns the new runs' ids."""
    levels = getattr(settings, "REPORT_RUNS_PERIODIC_LEVELS", (CENTER, COUNTY, PROVINCE, NATION))
    scopes = periodic_scopes(levels)
    created: list[int] = []
    for period_kind, kinds in PERIODIC_KINDS.items():
        period = Period.last_ended(period_kind, today)
        for kind in kinds:
            if renderer_for(kind) is None:
                continue
            # Any run of the key counts, a failed one too: people retry those (run_retry), beat does not loop.
            done = set(ReportRun.objects.filter(kind=kind, period=str(period))
                       .values_list("scope_level", "scope_id", "organization_id"))
            for scope in scopes:
                if (KIND_LEVELS.get(kind) and scope.level not in KIND_LEVELS[kind]) or \
                        (scope.level, scope.id, scope.organization_id) in done:
                    continue
                with transaction.atomic():
                    run, new = _create_run(kind, scope, period)
                if new:
                    created.append(run.pk)
    return created
