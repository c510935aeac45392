"""The supervisors' admin pages of reports: the report runs of their region (list, ask for one, retry a failed
one, download a finished one), the centers' monthly reports waiting for their registration, and who has not
submitted. Access as everywhere: ``reporting.runs`` for runs, the tenant scope and ``reporting.monthly`` for
monthly reports."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.admin_base import SupervisorModelAdmin
from reporting import monthly, runs
from reporting.models import MonthlyReport, ReportRun
from reporting.periods import Period
from reporting.views.runs import download


class AdminRunRequestForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Report"), choices=ReportRun.Kind.choices)
    scope = forms.ChoiceField(label=gettext_lazy("Scope"), choices=())
    period = forms.CharField(label=gettext_lazy("Period"), max_length=10,
                             help_text=gettext_lazy("Jalali: a year (1404), a quarter (1404-Q2) or a month "
                                                    "(1404-07)."))

    def __init__(self, *args, scopes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scope"].choices = [(str(s), s.label()) for s in scopes]
        if not self.is_bound:
            self.initial.setdefault("period", str(Period.last_ended("quarter")))


@admin.register(ReportRun)
class ReportRunAdmin(SupervisorModelAdmin):
    list_display = ("kind", "scope_text", "period_text", "status", "progress", "requested_at", "finished_at",
                    "requested_by", "files")
    list_filter = ("kind", "status", "scope_level")
    search_fields = ("period",)
    ordering = ("-requested_at",)
    actions = ["retry_failed"]
    readonly_fields = [f.name for f in ReportRun._meta.fields]

    def get_queryset(self, request):
        return runs.visible_runs(request.actor).select_related("requested_by")

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False  # asked for through "request", which checks the scope, not the model form

    @admin.display(description=gettext_lazy("Scope"))
    def scope_text(self, run):
        return run.scope.label()

    @admin.display(description=gettext_lazy("Period"), ordering="period")
    def period_text(self, run):
        return run.period_label

    @admin.display(description=gettext_lazy("Files"))
    def files(self, run):
        if run.status != ReportRun.Status.SUCCEEDED:
            return run.error[:80] if run.status == ReportRun.Status.FAILED else ""
        pdf = reverse("admin:reporting_reportrun_pdf", args=[run.pk])
        if not run.excel_file:
            return format_html('<a href="{}">PDF</a>', pdf)
        return format_html('<a href="{}">PDF</a> · <a href="{}">Excel</a>', pdf,
                           reverse("admin:reporting_reportrun_xlsx", args=[run.pk]))

    @admin.action(description=gettext_lazy("Ask again for the selected failed reports"))
    def retry_failed(self, request, queryset):
        done = 0
        for run in queryset.filter(status=ReportRun.Status.FAILED):
            try:
                runs.run_retry(request.actor, run)
            except (ValidationError, PermissionDenied, Http404):
                continue
            done += 1
        messages.info(request, _("%(n)s report(s) asked for again.") % {"n": done})

    def get_urls(self):
        own = [
            path("request/", self.admin_site.admin_view(self.request_view), name="reporting_reportrun_request"),
            path("<int:run_id>/pdf/", self.admin_site.admin_view(self.pdf_view), name="reporting_reportrun_pdf"),
            path("<int:run_id>/xlsx/", self.admin_site.admin_view(self.xlsx_view),
                 name="reporting_reportrun_xlsx"),
        ]
        return own + super().get_urls()

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}),
                         "request_url": reverse("admin:reporting_reportrun_request")}
        return super().changelist_view(request, extra_context)

    def request_view(self, request):
        if not self.has_module_permission(request):
            raise PermissionDenied
        scopes = runs.requestable_scopes(request.actor)
        form = AdminRunRequestForm(request.POST or None, scopes=scopes)
        if request.method == "POST" and form.is_valid():
            try:
                run = runs.run_request(request.actor, form.cleaned_data["kind"], form.cleaned_data["scope"],
                                       form.cleaned_data["period"])
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("The report has been asked for; it is being prepared."))
                return redirect(reverse("admin:reporting_reportrun_change", args=[run.pk]))
        return TemplateResponse(request, "admin/reporting/run_request.html", {
            **self.admin_site.each_context(request), "title": _("Ask for a report"), "form": form,
            "opts": self.model._meta,
        })

    def pdf_view(self, request, run_id):
        return download(runs.run_for(request.actor, run_id), "file")

    def xlsx_view(self, request, run_id):
        return download(runs.run_for(request.actor, run_id), "excel_file")


@admin.register(MonthlyReport)
class MonthlyReportAdmin(SupervisorModelAdmin):
    list_display = ("center", "period_label", "status", "submitted_at", "county_registered_at",
                    "province_registered_at")
    list_filter = ("status", "year", "month")
    search_fields = ("center__name",)
    list_select_related = ("center",)
    actions = ["register"]
    readonly_fields = ("center", "year", "month", "status", "notes", "submitted_by", "submitted_at",
                       "county_registered_by", "county_registered_at", "province_registered_by",
                       "province_registered_at", "returned_reason", "figures")

    @admin.display(description=gettext_lazy("Month"), ordering="month")
    def period_label(self, report):
        return Period.month(report.year, report.month).label()

    @admin.action(description=gettext_lazy("Register the selected reports (county or province step)"))
    def register(self, request, queryset):
        done = 0
        for report in queryset.select_related("center__county"):
            if not monthly.may_register(request.actor, report):
                continue
            monthly.monthly_report_register(actor=request.actor, report=report)
            done += 1
        messages.info(request, _("%(n)s report(s) registered.") % {"n": done})

    def get_urls(self):
        own = [path("overdue/", self.admin_site.admin_view(self.overdue_view),
                    name="reporting_monthlyreport_overdue")]
        return own + super().get_urls()

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "overdue_url": reverse("admin:reporting_monthlyreport_overdue")}
        return super().changelist_view(request, extra_context)

    def overdue_view(self, request):
        """Who has not submitted: per region of the supervisor, the centers whose month is past its due date."""
        if not self.has_module_permission(request):
            raise PermissionDenied
        today = timezone.localdate()
        regions = [(s.label(), monthly.overdue_reports(s, today=today))
                   for s in runs.requestable_scopes(request.actor) if s.level != "center"]
        return TemplateResponse(request, "admin/reporting/monthly_overdue.html", {
            **self.admin_site.each_context(request), "title": _("Monthly reports not submitted"),
            "regions": regions, "waiting": monthly.reports_waiting_for(request.actor), "opts": self.model._meta,
        })
