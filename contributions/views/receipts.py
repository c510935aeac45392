"""Pages of the receipts area: the center's receipts, printing one (the first print is the original, later
prints are marked as duplicates), a donor's annual statement, and the public receipt verification page.

Trustee pages take the center's slug and look every object up inside that center, so another center's
receipt or donor is a 404 like a missing one. The public pages show only what ``public_facts`` gives.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from centers import access
from centers.access import Action
from centers.views.tenancy import staff_page
from contributions.models import Contribution, Receipt
from contributions.services import receipts as services
from core.digits import to_latin_digits
from core.jalali import to_jalali
from donors.models import Donor, DonorLink


def _pdf_response(filename: str, content_type: str, content: bytes) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _year_param(request) -> int | None:
    value = to_latin_digits(request.GET.get("year", "").strip())
    return int(value) if value.isdigit() and len(value) == 4 else None


# --- trustee pages -----------------------------------------------------------------------------------------

@require_GET
@staff_page
def receipt_list(request, center_slug):
    center = access.center_by_slug(request.actor, center_slug)
    receipts = (Receipt.objects.filter(center=center)
                .select_related("contribution__purpose", "contribution__donor").order_by("-jalali_year", "-number"))
    years = list(Receipt.objects.filter(center=center).order_by("-jalali_year")
                 .values_list("jalali_year", flat=True).distinct())
    year = _year_param(request)
    if year is not None:
        receipts = receipts.filter(jalali_year=year)
    page = Paginator(receipts, 50).get_page(request.GET.get("page"))
    return render(request, "contributions/receipts/receipt_list.html", {
        "center": center, "page": page, "years": years, "year": year,
        "can_print": access.may(request.actor, Action.RECORD_CONTRIBUTION, center),
    })


@require_GET
@staff_page
def receipt_download(request, center_slug, receipt_id):
    """The receipt as a PDF; every download is a print, and every print after the first says "duplicate"."""
    center = access.center_by_slug(request.actor, center_slug)
    receipt = get_object_or_404(Receipt, center=center, pk=receipt_id)
    access.require(request.actor, Action.RECORD_CONTRIBUTION, receipt)
    return _pdf_response(*services.receipt_print(receipt=receipt, user=request.user,
                                                 base_url=request.build_absolute_uri("/")))


class StatementForm(forms.Form):
    year = forms.IntegerField(label=_("Jalali year"), min_value=services.MIN_STATEMENT_YEAR,
                              max_value=services.MAX_STATEMENT_YEAR)


@require_GET
@staff_page
def donor_statement(request, center_slug, donor_id):
    """A donor's annual statement of their gifts at this center: with ``?year=`` the PDF, else a page to
    choose the year. Any trustee of the center, and its supervisors, may print it."""
    center = access.center_by_slug(request.actor, center_slug)
    if not DonorLink.objects.filter(center=center, donor_id=donor_id).exists():
        raise Http404
    donor = get_object_or_404(Donor, pk=donor_id)
    form = StatementForm({"year": to_latin_digits(request.GET["year"])} if "year" in request.GET else None)
    if form.is_bound and form.is_valid():
        try:
            return _pdf_response(*services.donor_statement_pdf(donor, form.cleaned_data["year"], [center]))
        except ValidationError as exc:
            form.add_error("year", exc.messages)
    dates = (Contribution.objects.filter(center=center, donor=donor, status=Contribution.Status.CONFIRMED)
             .values_list("received_on", flat=True))
    years = sorted({to_jalali(d).year for d in dates}, reverse=True)
    return render(request, "contributions/receipts/statement_form.html",
                  {"center": center, "donor": donor, "form": form, "years": years})


# --- public pages ------------------------------------------------------------------------------------------

@require_GET
def receipt_verify_lookup(request):
    """A small form where anyone types the code printed on a receipt."""
    code = request.GET.get("code", "").strip()
    if code:
        normalised = services.normalise_code(code)
        if normalised is None:
            return render(request, "contributions/receipts/verify.html", {"facts": None, "typed": code[:40]},
                          status=404)
        return redirect(reverse("contributions:receipt-verify-code", kwargs={"receipt_code": normalised}))
    return render(request, "contributions/receipts/verify_lookup.html")


@require_GET
def receipt_verify(request, receipt_code):
    """Says whether a receipt is genuine: the center, amount, dates and purpose, and the donor's name only
    when the donor allowed it. A forged or altered code gets a clear "not valid" (and a 404 status)."""
    receipt = services.receipt_verify(receipt_code)
    if receipt is None:
        return render(request, "contributions/receipts/verify.html", {"facts": None, "typed": receipt_code[:40]},
                      status=404)
    return render(request, "contributions/receipts/verify.html", {"facts": services.public_facts(receipt)})


urlpatterns = [
    path("centers/<slug:center_slug>/receipts/", receipt_list, name="receipt-list"),
    path("centers/<slug:center_slug>/receipts/<int:receipt_id>/pdf/", receipt_download, name="receipt-pdf"),
    path("centers/<slug:center_slug>/receipts/statements/<int:donor_id>/", donor_statement,
         name="donor-statement"),
    path("receipts/verify/", receipt_verify_lookup, name="receipt-verify"),
    path("receipts/verify/<str:receipt_code>/", receipt_verify, name="receipt-verify-code"),
]
