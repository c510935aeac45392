"""Import and export pages: donors and cash contributions from and to Excel (issue 4.8).

Kept here, apart from the gifts area's pages, though two of the URLs live under ``contributions/``. An
upload is checked for its shape at once (size, Excel, headers, rows) and then imported by a background task
(``donors.tasks.run_import``); the import's own page follows it (it refreshes itself while it runs) and, when
the file was rejected, lists the bad rows with their reasons and offers them as an error workbook.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from centers import access
from centers.access import Action
from centers.views.tenancy import staff_page
from contributions.services import importing as contribution_importing
from core.jalali import format_jalali
from donors import importing
from donors.models import ImportRun

# Who may import (and see the import) of each kind: donors' lists need MANAGE_DONORS, money MANAGE_FINANCE.
KIND_ACTION = {ImportRun.Kind.DONORS: Action.MANAGE_DONORS, ImportRun.Kind.CONTRIBUTIONS: Action.MANAGE_FINANCE}


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Excel file (.xlsx, up to 5 MB and 5,000 rows)"))


def _center(request, center_slug, action):
    center = access.center_by_slug(request.actor, center_slug)
    access.require(request.actor, action, center)
    return center


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=importing.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _import_page(request, center_slug, kind):
    center = _center(request, center_slug, KIND_ACTION[kind])
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            run = importing.import_request(center=center, kind=kind, upload=form.cleaned_data["file"],
                                           user=request.user)
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error("file", message)
        else:
            messages.info(request, _("The file was received; its rows are being checked."))
            return redirect("donors:import-detail", center_slug=center.slug, import_id=run.pk)
    template_name = "donors:donor-import-template" if kind == ImportRun.Kind.DONORS else \
        "donors:contribution-import-template"
    return render(request, "donors/import.html", {
        "center": center, "form": form, "what": kind, "template_name": template_name,
        "max_rows": importing.MAX_ROWS,
        "runs": ImportRun.objects.filter(center=center, kind=kind).defer("upload", "error_file")[:10],
    })


@require_http_methods(["GET", "POST"])
@staff_page
def donor_import(request, center_slug):
    return _import_page(request, center_slug, ImportRun.Kind.DONORS)


@require_http_methods(["GET", "POST"])
@staff_page
def contribution_import(request, center_slug):
    return _import_page(request, center_slug, ImportRun.Kind.CONTRIBUTIONS)


def _run(request, center_slug, import_id) -> ImportRun:
    center = access.center_by_slug(request.actor, center_slug)
    run = get_object_or_404(ImportRun.objects.defer("upload").select_related("center"), center=center,
                            pk=import_id)
    access.require(request.actor, KIND_ACTION[run.kind], run)
    return run


@require_GET
@staff_page
def import_detail(request, center_slug, import_id):
    run = _run(request, center_slug, import_id)
    response = render(request, "donors/import_detail.html", {"center": run.center, "run": run})
    if not run.finished:
        response["Refresh"] = "3"  # follows the task without JavaScript
    return response


@require_GET
@staff_page
def import_errors(request, center_slug, import_id):
    """The error workbook of a rejected import: its bad rows with their row numbers and reasons."""
    run = _run(request, center_slug, import_id)
    if not run.error_file:
        raise Http404
    return xlsx_response(bytes(run.error_file), f"rejected-rows-{run.pk}.xlsx")


def _stamp() -> str:
    return format_jalali(timezone.localdate(), persian_digits=False).replace("/", "-")


@require_GET
@staff_page
def donor_import_template(request, center_slug):
    _center(request, center_slug, Action.MANAGE_DONORS)
    return xlsx_response(importing.donor_template(), "donors-template.xlsx")


@require_GET
@staff_page
def contribution_import_template(request, center_slug):
    _center(request, center_slug, Action.MANAGE_FINANCE)
    return xlsx_response(contribution_importing.contributions_template(), "contributions-template.xlsx")


@require_GET
@staff_page
def donor_export(request, center_slug):
    center = _center(request, center_slug, Action.MANAGE_DONORS)
    return xlsx_response(importing.donors_export(center=center), f"donors-{center.slug}-{_stamp()}.xlsx")


@require_GET
@staff_page
def contribution_export(request, center_slug):
    center = _center(request, center_slug, Action.MANAGE_FINANCE)
    return xlsx_response(contribution_importing.contributions_export(center=center),
                         f"contributions-{center.slug}-{_stamp()}.xlsx")


urlpatterns = [
    path("centers/<slug:center_slug>/donors/import/", donor_import, name="donor-import"),
    path("centers/<slug:center_slug>/donors/import/template.xlsx", donor_import_template,
         name="donor-import-template"),
    path("centers/<slug:center_slug>/donors/imports/<int:import_id>/", import_detail, name="import-detail"),
    path("centers/<slug:center_slug>/donors/imports/<int:import_id>/errors.xlsx", import_errors,
         name="import-errors"),
    path("centers/<slug:center_slug>/donors/export.xlsx", donor_export, name="donor-export"),
    path("centers/<slug:center_slug>/contributions/import/", contribution_import, name="contribution-import"),
    path("centers/<slug:center_slug>/contributions/import/template.xlsx", contribution_import_template,
         name="contribution-import-template"),
    path("centers/<slug:center_slug>/contributions/export.xlsx", contribution_export, name="contribution-export"),
]
