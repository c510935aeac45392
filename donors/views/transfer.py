"""Import and export pages: donors and cash contributions from and to Excel (issue 4.8).

Kept here, apart from the gifts area's pages, though two of the URLs live under ``contributions/``. An
import that rejects its file shows the bad rows with their reasons and offers them as an error workbook,
kept for an hour in the cache under a random token tied to the center and the user.
"""

import secrets

from django import forms
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
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

ERROR_FILE_SECONDS = 3600


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


def _error_key(center, user, token) -> str:
    return f"donors:import-errors:{center.pk}:{user.pk}:{token}"


def _import_page(request, center, *, what, run, template_url, template):
    form = UploadForm(request.POST or None, request.FILES or None)
    result = error_url = None
    if request.method == "POST" and form.is_valid():
        try:
            result = run(form.cleaned_data["file"])
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error("file", message)
        if result is not None and result.ok:
            return result
        if result is not None:
            token = secrets.token_urlsafe(16)
            cache.set(_error_key(center, request.user, token), result.error_workbook(), ERROR_FILE_SECONDS)
            error_url = reverse("donors:import-errors", kwargs={"center_slug": center.slug, "error_token": token})
    return render(request, template, {
        "center": center, "form": form, "result": result, "error_url": error_url, "what": what,
        "template_url": template_url, "bad_rows": result.bad_rows[:200] if result else [],
        "max_rows": importing.MAX_ROWS,
    })


@require_http_methods(["GET", "POST"])
@staff_page
def donor_import(request, center_slug):
    center = _center(request, center_slug, Action.MANAGE_DONORS)
    outcome = _import_page(
        request, center, what="donors", template="donors/import.html",
        template_url=reverse("donors:donor-import-template", kwargs={"center_slug": center.slug}),
        run=lambda upload: importing.donors_import(center=center, upload=upload, user=request.user))
    if isinstance(outcome, importing.ImportResult):
        messages.success(request, _("The file was imported: %(created)d new donor(s), %(linked)d linked from "
                                    "the organisation, %(unchanged)d already registered here.") % outcome.counts)
        return redirect("donors:donor-list", center_slug=center.slug)
    return outcome


@require_http_methods(["GET", "POST"])
@staff_page
def contribution_import(request, center_slug):
    center = _center(request, center_slug, Action.MANAGE_FINANCE)
    outcome = _import_page(
        request, center, what="contributions", template="donors/import.html",
        template_url=reverse("donors:contribution-import-template", kwargs={"center_slug": center.slug}),
        run=lambda upload: contribution_importing.contributions_import(center=center, upload=upload,
                                                                       user=request.user))
    if isinstance(outcome, importing.ImportResult):
        messages.success(request, _("The file was imported: %(stored)d cash contribution(s) recorded and "
                                    "confirmed.") % outcome.counts)
        return redirect("donors:contribution-import", center_slug=center.slug)
    return outcome


@require_GET
@staff_page
def import_errors(request, center_slug, error_token):
    """The error workbook of the caller's last rejected import at this center (kept for an hour)."""
    center = access.center_by_slug(request.actor, center_slug)
    valid = error_token.isascii() and len(error_token) < 64
    content = cache.get(_error_key(center, request.user, error_token)) if valid else None
    if content is None:
        raise Http404
    return xlsx_response(content, "rejected-rows.xlsx")


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
    path("centers/<slug:center_slug>/donors/import/errors/<str:error_token>.xlsx", import_errors, name="import-errors"),
    path("centers/<slug:center_slug>/donors/export.xlsx", donor_export, name="donor-export"),
    path("centers/<slug:center_slug>/contributions/import/", contribution_import, name="contribution-import"),
    path("centers/<slug:center_slug>/contributions/import/template.xlsx", contribution_import_template,
         name="contribution-import-template"),
    path("centers/<slug:center_slug>/contributions/export.xlsx", contribution_export, name="contribution-export"),
]
