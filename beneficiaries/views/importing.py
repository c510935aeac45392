"""Pages of the household register import (issue 5.9): the template workbook, the upload (checked for its
shape at once, then imported by ``beneficiaries.tasks.run_household_import``), the import's own page (it
refreshes itself while the task runs and then lists the rejected rows with their reasons and the rows already
registered) and the workbook of rejected rows. For the roles that register households
(``Action.MANAGE_BENEFICIARIES``); outsiders get 404."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from beneficiaries import importing
from beneficiaries.models import HouseholdImport
from centers import access
from centers.access import Action
from centers.views.tenancy import staff_page
from donors.importing import MAX_ROWS
from donors.views.transfer import xlsx_response


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Excel file (.xlsx, up to 5 MB and 5,000 rows)"))


def _center(request, center_slug):
    center = access.center_by_slug(request.actor, center_slug)
    access.require(request.actor, Action.MANAGE_BENEFICIARIES, center)
    return center


def _run(request, center_slug, household_import_id) -> HouseholdImport:
    center = _center(request, center_slug)
    return get_object_or_404(HouseholdImport.objects.defer("upload").select_related("center"), center=center,
                             pk=household_import_id)


@require_http_methods(["GET", "POST"])
@staff_page
def household_import(request, center_slug):
    center = _center(request, center_slug)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            run = importing.household_import_request(actor=request.actor, center=center,
                                                     upload=form.cleaned_data["file"])
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error("file", message)
        else:
            messages.info(request, _("The file was received; its rows are being checked."))
            return redirect("beneficiaries:household-import-detail", center_slug=center.slug,
                            household_import_id=run.pk)
    return render(request, "beneficiaries/import.html", {
        "center": center, "form": form, "max_rows": MAX_ROWS, "columns": importing.COLUMNS,
        "runs": HouseholdImport.objects.filter(center=center).defer("upload", "error_file")[:10],
    }, status=400 if request.method == "POST" else 200)


@require_GET
@staff_page
def household_import_template(request, center_slug):
    _center(request, center_slug)
    return xlsx_response(importing.households_template(), "households-template.xlsx")


@require_GET
@staff_page
def household_import_detail(request, center_slug, household_import_id):
    run = _run(request, center_slug, household_import_id)
    response = render(request, "beneficiaries/import_detail.html", {"center": run.center, "run": run})
    if not run.finished:
        response["Refresh"] = "3"  # follows the task without JavaScript
    return response


@require_GET
@staff_page
def household_import_errors(request, center_slug, household_import_id):
    run = _run(request, center_slug, household_import_id)
    if not run.error_file:
        raise Http404
    return xlsx_response(bytes(run.error_file), f"rejected-households-{run.pk}.xlsx")


urlpatterns = [
    path("centers/<slug:center_slug>/households/import/", household_import, name="household-import"),
    path("centers/<slug:center_slug>/households/import/template/", household_import_template,
         name="household-import-template"),
    path("centers/<slug:center_slug>/households/import/<int:household_import_id>/", household_import_detail,
         name="household-import-detail"),
    path("centers/<slug:center_slug>/households/import/<int:household_import_id>/errors/", household_import_errors,
         name="household-import-errors"),
]
