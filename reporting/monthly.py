"""The monthly participation report (seed 001): services and selectors.

Seed 001: every unit sends its monthly report to the participation office; the reports are registered at the
county, then the province (and headquarters read them there). Here: the chair or the finance officer
(SUBMIT_MONTHLY_REPORT) submits the center's month once it has ended, with the month's figures taken from the
rollups (``reporting.figures.performance``) and their notes; a county supervisor of the center's organisation
registers it, then a province (or national) supervisor. Either may send it back with a reason (a draft
again). A month not submitted ``MONTHLY_REPORT_DUE_DAYS`` days into the next month is overdue.

Reads run inside the caller's tenant scope (the request's, or the task's): nothing here disables it.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from centers.access import Action, Actor, require
from centers.models import Center, SupervisorAssignment
from reporting.models import MonthlyReport
from reporting.periods import Period
from reporting.scope import Scope

Status = MonthlyReport.Status


def _period(year, month) -> Period:
    try:
        return Period.month(int(year), int(month))
    except (TypeError, ValueError):
        raise Http404 from None


def monthly_report_for(center: Center, year: int, month: int) -> MonthlyReport:
    """The center's report of the month: the stored one, or an unsaved draft (nothing written by reading)."""
    period = _period(year, month)
    report = MonthlyReport.objects.filter(center=center, year=period.year, month=period.number).first()
    return report or MonthlyReport(center=center, year=period.year, month=period.number)


def month_figures(center: Center, year: int, month: int) -> dict:
    """The month's figures of the center, from the rollups (the performance report's sections)."""
    from reporting import figures

    return figures.performance(Scope.center(center.pk), Period.month(year, month))


def _locked(center: Center, year: int, month: int) -> MonthlyReport:
    report, _created = MonthlyReport.objects.get_or_create(center=center, year=year, month=month)
    return MonthlyReport.objects.select_for_update().get(pk=report.pk)


@transaction.atomic
def monthly_report_save(*, actor: Actor, center: Center, year: int, month: int, notes: str,
                        submit: bool = False) -> MonthlyReport:
    """Saves the month's notes, and with ``submit`` sends the report to the county with the month's figures.
    Only a draft changes; a month is submitted only once it has ended."""
    require(actor, Action.SUBMIT_MONTHLY_REPORT, center)
    period = _period(year, month)
    if period.start > timezone.localdate():
        raise ValidationError(_("This month has not begun yet."), code="future")
    report = _locked(center, period.year, period.number)
    if report.status != Status.DRAFT:
        raise ValidationError(_("This month's report has been submitted already."), code="not_draft")
    report.notes = notes.strip()
    fields = ["notes"]
    if submit:
        if period.end >= timezone.localdate():
            raise ValidationError(_("A month's report is submitted once the month has ended."), code="not_ended")
        report.figures = month_figures(center, period.year, period.number)
        report.status = Status.SUBMITTED
        report.submitted_by, report.submitted_at = actor.user, timezone.now()
        report.returned_reason = ""
        fields += ["figures", "status", "submitted_by", "submitted_at", "returned_reason"]
    report.full_clean(exclude=["center", "submitted_by", "county_registered_by", "province_registered_by"])
    report.save(update_fields=fields)
    return report


def _assignment_levels(actor: Actor, center: Center) -> set[str]:
    """The supervisor levels at which the actor oversees this center (their organisation's, in their region)."""
    if center.pk not in actor.supervised_center_ids:
        return set()
    levels = set()
    if getattr(actor.user, "is_superuser", False):
        levels |= {SupervisorAssignment.Level.COUNTY, SupervisorAssignment.Level.PROVINCE}
    for a in actor.assignments:
        if a.organization_id != center.organization_id:
            continue
        if a.level == SupervisorAssignment.Level.COUNTY and a.county_id == center.county_id:
            levels.add(SupervisorAssignment.Level.COUNTY)
        elif a.level == SupervisorAssignment.Level.PROVINCE and a.province_id == center.county.province_id:
            levels.add(SupervisorAssignment.Level.PROVINCE)
        elif a.level == SupervisorAssignment.Level.NATIONAL:
            levels.add(SupervisorAssignment.Level.PROVINCE)  # headquarters may register for a province
    return levels


# The step each status waits for: (the supervisor level that takes it, the status it leads to).
NEXT_STEP = {
    Status.SUBMITTED: (SupervisorAssignment.Level.COUNTY, Status.COUNTY_REGISTERED),
    Status.COUNTY_REGISTERED: (SupervisorAssignment.Level.PROVINCE, Status.PROVINCE_REGISTERED),
}


def may_register(actor: Actor, report: MonthlyReport) -> bool:
    step = NEXT_STEP.get(report.status)
    return step is not None and step[0] in _assignment_levels(actor, report.center)


def _require_step(actor: Actor, report: MonthlyReport) -> None:
    require(actor, Action.VIEW_REPORTS, report.center)
    if report.status not in NEXT_STEP:
        raise ValidationError(_("This report is not waiting to be registered."), code="not_waiting")
    if not may_register(actor, report):
        raise PermissionDenied


@transaction.atomic
def monthly_report_register(*, actor: Actor, report: MonthlyReport) -> MonthlyReport:
    """Registers a submitted report at the county, or a county-registered one at the province."""
    report = MonthlyReport.objects.select_for_update().select_related("center__county").get(pk=report.pk)
    _require_step(actor, report)
    level, new_status = NEXT_STEP[report.status]
    now = timezone.now()
    if level == SupervisorAssignment.Level.COUNTY:
        report.county_registered_by, report.county_registered_at = actor.user, now
        fields = ["county_registered_by", "county_registered_at"]
    else:
        report.province_registered_by, report.province_registered_at = actor.user, now
        fields = ["province_registered_by", "province_registered_at"]
    report.status = new_status
    report.save(update_fields=[*fields, "status"])
    return report


@transaction.atomic
def monthly_report_return(*, actor: Actor, report: MonthlyReport, reason: str) -> MonthlyReport:
    """Sends a report waiting at the county or province back to the center, with the reason; it is a draft
    again (its notes kept, its figures taken afresh when it is submitted again)."""
    report = MonthlyReport.objects.select_for_update().select_related("center__county").get(pk=report.pk)
    _require_step(actor, report)
    if not reason.strip():
        raise ValidationError({"returned_reason": _("Say why the report is sent back.")})
    report.status = Status.DRAFT
    report.returned_reason = reason.strip()
    report.submitted_at = report.county_registered_at = None
    report.submitted_by = report.county_registered_by = None
    report.save(update_fields=["status", "returned_reason", "submitted_at", "submitted_by",
                               "county_registered_at", "county_registered_by"])
    return report


def due_date(year: int, month: int) -> datetime.date:
    """The last day to submit the month's report: ``MONTHLY_REPORT_DUE_DAYS`` days into the next month."""
    return Period.month(year, month).end + datetime.timedelta(days=settings.MONTHLY_REPORT_DUE_DAYS)


def overdue_reports(scope: Scope, *, today: datetime.date | None = None, months: int = 3) -> list[dict]:
    """The licensed centers of ``scope`` whose report of one of the last ``months`` ended months is past its due
    date and not submitted (missing or still a draft), latest month first, then the most overdue.

    Each item: ``{"center_id", "name", "slug", "county", "period" ("1404-07"), "period_label", "year", "month",
    "due" (date), "days_late" (int), "status" ("missing" | "draft")}``. Reads in the caller's scope."""
    today = today or timezone.localdate()
    periods = []
    period = Period.last_ended("month", today)
    for _i in range(months):
        if due_date(period.year, period.number) < today:
            periods.append(period)
        period = period.previous()
    if not periods:
        return []
    centers = list(Center.objects.filter(pk__in=scope.center_ids(), status=Center.Status.LICENSED)
                   .select_related("county").order_by("name"))
    sent = set(MonthlyReport.objects.filter(center__in=centers, year__in={p.year for p in periods})
               .exclude(status=Status.DRAFT).values_list("center_id", "year", "month"))
    drafts = set(MonthlyReport.objects.filter(center__in=centers, year__in={p.year for p in periods},
                                              status=Status.DRAFT).values_list("center_id", "year", "month"))
    items = []
    for p in periods:
        due = due_date(p.year, p.number)
        for c in centers:
            key = (c.pk, p.year, p.number)
            if key in sent:
                continue
            items.append({"center_id": c.pk, "name": c.name, "slug": c.slug, "county": c.county.name,
                          "period": str(p), "period_label": p.label(), "year": p.year, "month": p.number,
                          "due": due, "days_late": (today - due).days,
                          "status": "draft" if key in drafts else "missing"})
    return items


def reports_waiting_for(actor: Actor):
    """Reports waiting for this supervisor's registration (county or province step), oldest month first."""
    reports = (MonthlyReport.objects.filter(status__in=list(NEXT_STEP))
               .select_related("center__county").order_by("year", "month", "center__name"))
    return [r for r in reports if may_register(actor, r)]
