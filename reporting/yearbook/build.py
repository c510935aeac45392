"""Rendering the statistical yearbook in parts and joining them (DESIGN §7: "long documents are rendered in
sections and merged, so memory stays bounded").

The flow of one yearbook run:

1. ``yearbook_start`` (the renderer registered for kind "yearbook" in ``reporting.runs``) makes one
   ``YearbookSection`` row per part (cover and contents, methodology, national summary, one chapter per
   province), queues a task per part except the front, and answers ``DEFERRED``: the run stays running.
2. ``section_render`` renders one part in whichever worker process takes it: HTML from the part's figures, PDF
   by WeasyPrint, page count, file into storage. The process never holds more than one province.
3. The part that finishes last (counted under a lock on the run's row, so two parts finishing together cannot
   both miss or both see "last") queues ``yearbook_merge``: it lays out the cover and contents with the
   parts' page counts (twice when the contents' own length moves the numbers), joins everything with pypdf,
   stamps «صفحهٔ N از M» footers, and hands the book to ``reporting.runs.finish_run``.

A part that fails fails the run with the part's name and reason; parts not yet started are cancelled, files
of finished ones are removed. A retry (``reporting.runs.run_retry``) is a new run that renders every part again.
"""

from __future__ import annotations

import logging
import resource
import shutil
import tempfile
import traceback
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_scopes import scope as tenant_scope

from core.digits import to_persian_digits
from reporting.models import ReportRun, YearbookSection
from reporting.runs import DEFERRED, fail_run, finish_run, register_renderer
from reporting.yearbook import content
from reporting.yearbook.pdf import Part, html_to_pdf, merge, page_count, stamp_footers

logger = logging.getLogger(__name__)

Kind = YearbookSection.Kind
Status = YearbookSection.Status
# Progress of a run: the parts take it from START to MERGE, the merge to 99, finish_run to 100.
START, MERGE = 3, 90


def _peak_rss_kb() -> int:
    """This process's peak resident memory so far (Linux reports ru_maxrss in KiB)."""
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def _current_queue() -> str | None:
    """The queue the running task came from, so a run's parts go where the run was sent (a test's private
    queue, or a queue of report workers); None outside a worker (the default queue)."""
    from celery import current_task

    request = getattr(current_task, "request", None)
    info = getattr(request, "delivery_info", None) or {}
    return info.get("routing_key") or None


def _send(task, arg: int, queue: str | None) -> None:
    transaction.on_commit(lambda: task.apply_async(args=(arg,), queue=queue) if queue else task.delay(arg))


# -- 1. the renderer: plan the parts -------------------------------------------------------------------------

def yearbook_start(run: ReportRun, progress) -> object:
    """Makes the run's parts and queues them; the run is finished by the last part's merge."""
    from reporting.tasks.yearbook import render_section_task

    with translation.override("fa"):
        chapters = content.provinces(run.scope)
        parts = [YearbookSection(run=run, position=0, kind=Kind.FRONT, title=_("Cover and contents")),
                 YearbookSection(run=run, position=1, kind=Kind.METHODOLOGY, title=_("Methodology")),
                 YearbookSection(run=run, position=2, kind=Kind.SUMMARY, title=_("National summary"))]
        parts += [YearbookSection(run=run, position=3 + i, kind=Kind.PROVINCE, province_id=chapter.province_id,
                                  title=_("Province of %(name)s") % {"name": chapter.name})
                  for i, chapter in enumerate(chapters)]
    with transaction.atomic():
        YearbookSection.objects.bulk_create(parts)
        progress(START, _("%(count)s parts queued") % {"count": to_persian_digits(len(parts) - 1)})
        queue = _current_queue()
        # The national summary is the longest part: it goes first so it does not finish last alone.
        for section in sorted(YearbookSection.objects.filter(run=run).exclude(kind=Kind.FRONT),
                              key=lambda s: (s.kind != Kind.SUMMARY, s.position)):
            _send(render_section_task, section.pk, queue)
    return DEFERRED


register_renderer(ReportRun.Kind.YEARBOOK, yearbook_start)


# -- 2. one part ---------------------------------------------------------------------------------------------

def section_html(section: YearbookSection) -> str:
    """The HTML of a part other than the front (which needs the others' page counts, see ``front_html``)."""
    run = section.run
    scope, period = run.scope, run.period_value
    with translation.override("fa"), tenant_scope(center=scope.center_ids()):
        context = {"book": content.book(scope, period)}
        if section.kind == Kind.METHODOLOGY:
            return render_to_string("reporting/yearbook/methodology.html", context)
        if section.kind == Kind.SUMMARY:
            context["chapter"] = content.summary(scope, period)
        else:
            number = section.position - 2  # chapters are numbered from 1 after the summary
            context["chapter"] = content.province_chapter(scope, section.province_id, period, number)
        return render_to_string("reporting/yearbook/chapter.html", context)


def section_render(section_id: int) -> str:
    """Renders one part into storage and, when it is the last, queues the merge. Returns the part's status."""
    with transaction.atomic():
        section = YearbookSection.objects.select_for_update().select_related("run").filter(pk=section_id).first()
        if section is None or section.status != Status.QUEUED:
            return section.status if section else "missing"
        if section.run.status != ReportRun.Status.RUNNING:
            section.status = Status.CANCELLED
            section.save(update_fields=["status"])
            return section.status
        section.status, section.started_at = Status.RUNNING, timezone.now()
        section.worker_pid = _pid()
        section.save(update_fields=["status", "started_at", "worker_pid"])
    name = ""
    try:
        pdf = html_to_pdf(section_html(section))
        pages = page_count(pdf)
        name = default_storage.save(f"reports/yearbook-parts/run{section.run_id}/{section.position:03d}.pdf",
                                    ContentFile(pdf))
        del pdf
        return _part_done(section, pages=pages, name=name)
    except Exception as exc:  # noqa: BLE001 - any failure of a part fails the run, with its reason
        logger.exception("yearbook part %s failed", section_id)
        if name:
            default_storage.delete(name)
        _part_failed(section, exc)
        return Status.FAILED


def _pid() -> int:
    import os

    return os.getpid()


def _part_done(section: YearbookSection, *, pages: int, name: str) -> str:
    from reporting.tasks.yearbook import merge_task

    with transaction.atomic():
        run = ReportRun.objects.select_for_update().get(pk=section.run_id)
        if run.status != ReportRun.Status.RUNNING:  # failed meanwhile: nothing of it is kept
            default_storage.delete(name)
            YearbookSection.objects.filter(pk=section.pk).update(status=Status.CANCELLED, finished_at=timezone.now())
            return Status.CANCELLED
        YearbookSection.objects.filter(pk=section.pk).update(
            status=Status.SUCCEEDED, pages=pages, file=name, finished_at=timezone.now(), peak_rss_kb=_peak_rss_kb())
        parts = YearbookSection.objects.filter(run=run).exclude(kind=Kind.FRONT)
        total = parts.count()
        done = parts.filter(status=Status.SUCCEEDED).count()
        with translation.override("fa"):
            message = _("%(done)s of %(total)s parts ready") % {"done": to_persian_digits(done),
                                                                 "total": to_persian_digits(total)}
        ReportRun.objects.filter(pk=run.pk).update(progress=START + (MERGE - START) * done // total,
                                                   progress_message=message, updated_at=timezone.now())
        if done == total:
            _send(merge_task, run.pk, _current_queue())
    return Status.SUCCEEDED


def _error_text(exc: BaseException) -> str:
    return "".join(traceback.format_exception_only(type(exc), exc)).strip()[:1500]


def _part_failed(section: YearbookSection, exc: BaseException) -> None:
    with transaction.atomic():
        ReportRun.objects.select_for_update().filter(pk=section.run_id).first()
        YearbookSection.objects.filter(pk=section.pk).update(
            status=Status.FAILED, error=_error_text(exc), finished_at=timezone.now(), peak_rss_kb=_peak_rss_kb())
        with translation.override("fa"):
            reason = _("The yearbook's part «%(part)s» failed: %(error)s") % {"part": section.title,
                                                                             "error": _error_text(exc)}
        fail_run(section.run_id, reason)
        _discard_parts(section.run_id)


def _discard_parts(run_id: int) -> None:
    """After a failure: queued parts are cancelled, finished parts' files removed."""
    parts = YearbookSection.objects.filter(run_id=run_id)
    parts.filter(status=Status.QUEUED).update(status=Status.CANCELLED)
    for part in parts.exclude(file=""):
        default_storage.delete(part.file.name)
    parts.exclude(file="").update(file="")


# -- 3. the merge --------------------------------------------------------------------------------------------

PLACEHOLDER = 888  # as wide as any page number the contents will show, for the first layout of the front


def front_pdf(run: ReportRun, parts: list[YearbookSection]) -> tuple[bytes, list[int]]:
    """Lays out the cover and contents until the page numbers it prints agree with its own length; returns the
    front's PDF and the first page of each part in ``parts``."""
    scope, period = run.scope, run.period_value
    with translation.override("fa"):
        book = content.book(scope, period)
        front_pages, numbers = 0, None
        for _attempt in range(4):
            starts, page = [], front_pages + 1
            for part in parts:
                starts.append(page)
                page += part.pages
            entries = []
            for part, start in zip(parts, starts, strict=True):
                shown = start if numbers is not None else PLACEHOLDER
                if part.kind == Kind.PROVINCE:
                    if not any(e[0] == _("Province chapters") for e in entries):
                        entries.append((_("Province chapters"), shown, 1))
                    entries.append((f"{content.chapter_label(part.position - 2)}: {part.title}", shown, 2))
                else:
                    entries.append((part.title, shown, 1))
            html = render_to_string("reporting/yearbook/front.html",
                                    {"book": book, "contents": content.contents(entries)})
            pdf = html_to_pdf(html)
            pages = page_count(pdf)
            if numbers is not None and pages == front_pages:
                return pdf, starts
            numbers, front_pages = starts, pages
    raise RuntimeError("the contents' length did not settle")


def yearbook_merge(run_id: int) -> str:
    """Joins a run's finished parts into the book and finishes the run (once, however often it is queued)."""
    with transaction.atomic():
        run = ReportRun.objects.select_for_update().get(pk=run_id)
        if run.status != ReportRun.Status.RUNNING or run.state.get("merging"):
            return run.status
        run.state = {**run.state, "merging": True}
        run.save(update_fields=["state"])
    workdir = Path(tempfile.mkdtemp(prefix=f"yearbook-{run_id}-"))
    try:
        parts = list(YearbookSection.objects.filter(run=run).exclude(kind=Kind.FRONT).order_by("position"))
        if any(p.status != Status.SUCCEEDED for p in parts):
            raise RuntimeError("merge asked for before every part succeeded")
        ReportRun.objects.filter(pk=run_id).update(progress=MERGE, progress_message=_("Joining the parts"),
                                                   updated_at=timezone.now())
        front = YearbookSection.objects.get(run=run, kind=Kind.FRONT)
        front.started_at = timezone.now()
        pdf, starts = front_pdf(run, parts)
        front.pages, front.status, front.finished_at = page_count(pdf), Status.SUCCEEDED, timezone.now()
        front.worker_pid, front.peak_rss_kb = _pid(), _peak_rss_kb()
        front.save()
        book_parts = [Part(pdf, front.title)]
        for part in parts:
            with part.file.open("rb") as fh:
                book_parts.append(Part(fh.read(), part.title))
        book, actual = merge(book_parts)
        if actual[1:] != starts:
            raise RuntimeError(f"parts start on pages {actual[1:]}, the contents says {starts}")
        with translation.override("fa"):
            title = f"{content.book(run.scope, run.period_value)['title']} — {run.period_value.label()}"
        book = stamp_footers(book, title=title, skip=1)
        path = workdir / "yearbook.pdf"
        path.write_bytes(book)
        finish_run(run_id, [path])
    except Exception as exc:  # noqa: BLE001 - recorded on the run
        logger.exception("yearbook merge of run %s failed", run_id)
        with translation.override("fa"):
            fail_run(run_id, _("Joining the yearbook's parts failed: %(error)s") % {"error": _error_text(exc)})
        return ReportRun.Status.FAILED
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    _discard_parts(run_id)
    return ReportRun.Status.SUCCEEDED
