"""The center's reports page: its report runs, asking for one, following its progress, downloading its files.

A run's page shows a progress bar that ``static/reporting/run-progress.js`` keeps current from the run's JSON
status (no inline script: CSP); without JavaScript the page refreshes itself (a ``<noscript>`` refresh) while
the run is in the making.
Files are downloaded through these views (never from a public media URL), and only from a succeeded run.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from centers import access
from centers.access import Action
from centers.views.tenancy import staff_page
from reporting import runs
from reporting.models import ReportRun
from reporting.periods import Period
from reporting.scope import Scope

# What a center asks for from its own page (the yearbook is national).
CENTER_KINDS = (ReportRun.Kind.QUARTERLY, ReportRun.Kind.ANNUAL, ReportRun.Kind.MONTHLY)


class RunRequestForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Report"), choices=())
    period = forms.CharField(label=gettext_lazy("Period"), max_length=10,
                             help_text=gettext_lazy("Jalali: a year (1404), a quarter (1404-Q2) or a month "
                                                    "(1404-07)."))

    def __init__(self, *args, kinds=CENTER_KINDS, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k, ReportRun.Kind(k).label) for k in kinds]
        if not self.is_bound:
            self.initial.setdefault("period", str(Period.last_ended("quarter")))

    def clean_period(self):
        try:
            return Period.parse(self.cleaned_data["period"])
        except ValueError:
            raise ValidationError(_("Enter a Jalali period such as 1404, 1404-Q2 or 1404-07.")) from None


def _center_run(request, center_slug, run_id):
    """The center's own run (a run of another scope or center is a 404 here, even for a supervisor)."""
    center = access.center_by_slug(request.actor, center_slug)
    access.require(request.actor, Action.VIEW_REPORTS, center)
    run = runs.run_for(request.actor, run_id)
    if run.scope_level != ReportRun.Level.CENTER or run.center_id != center.pk:
        raise Http404
    return center, run


@require_http_methods(["GET", "POST"])
@staff_page
def center_reports(request, center_slug):
    actor = request.actor
    center = access.center_by_slug(actor, center_slug)
    access.require(actor, Action.VIEW_REPORTS, center)
    may_request = access.may(actor, Action.REQUEST_REPORT, center)
    form = RunRequestForm(request.POST or None)
    if request.method == "POST":
        access.require(actor, Action.REQUEST_REPORT, center)
        if form.is_valid():
            try:
                run = runs.run_request(actor, form.cleaned_data["kind"], Scope.center(center.pk),
                                       form.cleaned_data["period"])
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("The report has been asked for; it is being prepared."))
                return redirect("reporting:run-detail", center_slug=center.slug, run_id=run.pk)
    center_runs = (runs.visible_runs(actor).filter(scope_level=ReportRun.Level.CENTER, center=center)
                   .select_related("requested_by")[:50])
    return render(request, "reporting/center_reports.html", {
        "center": center, "runs": center_runs, "form": form, "may_request": may_request,
    })


@require_GET
@staff_page
def run_detail(request, center_slug, run_id):
    center, run = _center_run(request, center_slug, run_id)
    return render(request, "reporting/run_detail.html", {
        "center": center, "run": run, "may_request": access.may(request.actor, Action.REQUEST_REPORT, center),
        "status_url": reverse("reporting:run-status", kwargs={"center_slug": center.slug, "run_id": run.pk}),
    })


def run_status_payload(run: ReportRun, *, links: dict[str, str]) -> dict:
    return {"id": run.pk, "status": run.status, "status_label": str(run.get_status_display()),
            "progress": run.progress, "message": run.progress_message, "finished": run.finished,
            "error": run.error if run.status == ReportRun.Status.FAILED else "",
            "links": links if run.status == ReportRun.Status.SUCCEEDED else {}}


@require_GET
@staff_page
def run_status(request, center_slug, run_id):
    center, run = _center_run(request, center_slug, run_id)
    links = {"pdf": reverse("reporting:run-pdf", kwargs={"center_slug": center.slug, "run_id": run.pk})}
    if run.excel_file:
        links["xlsx"] = reverse("reporting:run-xlsx", kwargs={"center_slug": center.slug, "run_id": run.pk})
    response = JsonResponse(run_status_payload(run, links=links))
    response["Cache-Control"] = "no-store"
    return response


def download(run: ReportRun, field: str) -> FileResponse:
    """A succeeded run's file as an attachment; anything else is a 404 (there is no file to give)."""
    file = getattr(run, field)
    if run.status != ReportRun.Status.SUCCEEDED or not file:
        raise Http404
    suffix = ".pdf" if field == "file" else ".xlsx"
    name = f"{run.kind}-{run.scope_key.replace(':', '-').replace('@', '-')}-{run.period}{suffix}"
    return FileResponse(file.open("rb"), as_attachment=True, filename=name)


@require_GET
@staff_page
def run_pdf(request, center_slug, run_id):
    _center, run = _center_run(request, center_slug, run_id)
    return download(run, "file")


@require_GET
@staff_page
def run_xlsx(request, center_slug, run_id):
    _center, run = _center_run(request, center_slug, run_id)
    return download(run, "excel_file")


@staff_page
@require_POST
def run_retry(request, center_slug, run_id):
    center, run = _center_run(request, center_slug, run_id)
    access.require(request.actor, Action.REQUEST_REPORT, center)
    try:
        new = runs.run_retry(request.actor, run)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("reporting:run-detail", center_slug=center.slug, run_id=run.pk)
    messages.success(request, _("The report has been asked for again."))
    return redirect("reporting:run-detail", center_slug=center.slug, run_id=new.pk)


urlpatterns = [
    path("centers/<slug:center_slug>/reports/", center_reports, name="center-reports"),
    path("centers/<slug:center_slug>/reports/runs/<int:run_id>/", run_detail, name="run-detail"),
    path("centers/<slug:center_slug>/reports/runs/<int:run_id>/status/", run_status, name="run-status"),
    path("centers/<slug:center_slug>/reports/runs/<int:run_id>/pdf/", run_pdf, name="run-pdf"),
    path("centers/<slug:center_slug>/reports/runs/<int:run_id>/xlsx/", run_xlsx, name="run-xlsx"),
    path("centers/<slug:center_slug>/reports/runs/<int:run_id>/retry/", run_retry, name="run-retry"),
]
