"""The center's monthly participation reports (seed 001): the months, one month's figures and notes, submitting
it to the county, and where it stands (registered by the county, by the province)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from centers import access
from centers.access import Action
from centers.views.tenancy import staff_page
from reporting import monthly
from reporting.models import MonthlyReport
from reporting.performance import section_rows
from reporting.periods import Period

MONTHS_LISTED = 12


class MonthlyNotesForm(forms.ModelForm):
    class Meta:
        model = MonthlyReport
        fields = ["notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 6})}
        labels = {"notes": gettext_lazy("Notes for the participation office")}


@require_GET
@staff_page
def monthly_list(request, center_slug):
    center = access.center_by_slug(request.actor, center_slug)
    access.require(request.actor, Action.VIEW_REPORTS, center)
    today = timezone.localdate()
    period = Period.current("month", today)
    stored = {(r.year, r.month): r for r in MonthlyReport.objects.filter(center=center)}
    months = []
    for _i in range(MONTHS_LISTED):
        report = stored.get((period.year, period.number))
        due = monthly.due_date(period.year, period.number)
        months.append({"period": period, "label": period.label(), "report": report, "due": due,
                       "ended": period.end < today,
                       "overdue": due < today and (report is None or report.status == MonthlyReport.Status.DRAFT)})
        period = period.previous()
    return render(request, "reporting/monthly_list.html", {"center": center, "months": months})


@require_http_methods(["GET", "POST"])
@staff_page
def monthly_detail(request, center_slug, year, month):
    actor = request.actor
    center = access.center_by_slug(actor, center_slug)
    access.require(actor, Action.VIEW_REPORTS, center)
    report = monthly.monthly_report_for(center, year, month)
    period = Period.month(report.year, report.month)
    may_submit = access.may(actor, Action.SUBMIT_MONTHLY_REPORT, center)
    form = MonthlyNotesForm(request.POST or None, instance=report)
    if request.method == "POST":
        access.require(actor, Action.SUBMIT_MONTHLY_REPORT, center)
        if form.is_valid():
            try:
                monthly.monthly_report_save(actor=actor, center=center, year=period.year, month=period.number,
                                            notes=form.cleaned_data["notes"], submit="submit" in request.POST)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("The report has been submitted to the county.")
                                 if "submit" in request.POST else _("The notes have been saved."))
                return redirect("reporting:monthly-detail", center_slug=center.slug, year=period.year,
                                month=period.number)
    figures = report.figures if report.status != MonthlyReport.Status.DRAFT else None
    if figures is None and period.start <= timezone.localdate():
        figures = monthly.month_figures(center, period.year, period.number)
    sections = [{"title": s["title"], "columns": s["columns"], "rows": section_rows(s)}
                for s in (figures or {}).get("sections", []) if s["rows"]]
    today = timezone.localdate()
    return render(request, "reporting/monthly_detail.html", {
        "center": center, "report": report, "period": period, "sections": sections, "form": form,
        "figures": figures,
        "may_edit": may_submit and report.status == MonthlyReport.Status.DRAFT and period.start <= today,
        "may_submit": may_submit and report.status == MonthlyReport.Status.DRAFT and period.end < today,
        "due": monthly.due_date(period.year, period.number),
    })


urlpatterns = [
    path("centers/<slug:center_slug>/reports/monthly/", monthly_list, name="monthly-list"),
    path("centers/<slug:center_slug>/reports/monthly/<int:year>/<int:month>/", monthly_detail,
         name="monthly-detail"),
]
