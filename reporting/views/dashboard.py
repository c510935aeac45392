"""The dashboards: the supervisors' in the admin (``/admin/reports/dashboard/``, their region) and each center's
for its board (``/centers/<slug>/dashboard/``, VIEW_REPORTS). Both render ``reporting.dashboard.dashboard``."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from centers import access
from centers.views.tenancy import staff_page
from reporting import dashboard as selectors
from reporting.periods import Period
from reporting.scope import CENTER, Scope, scope_allowed, scopes_for_user


def _period(request) -> Period:
    """``?period=1404-07`` (or ``1404-Q2``, ``1404``); the last ended month by default. A malformed or future
    period is a 404, like any address that names nothing."""
    text = request.GET.get("period")
    if not text:
        return Period.last_ended("month")
    try:
        period = Period.parse(text)
    except ValueError as exc:
        raise Http404 from exc
    if period.start > Period.current("month").end:
        raise Http404
    return period


def _context(request, scope: Scope, period: Period, *, in_admin: bool) -> dict:
    return {
        **selectors.dashboard(scope, period),
        "period_choices": selectors.period_choices(),
        "in_admin": in_admin,
    }


@require_GET
@staff_page
def center_dashboard(request, center_slug):
    center = access.center_by_slug(request.actor, center_slug)
    access.require(request.actor, access.Action.VIEW_REPORTS, center)
    context = _context(request, Scope.center(center.pk), _period(request), in_admin=False)
    return render(request, "reporting/dashboard/center.html", {**context, "center": center})


def _admin_context(request, site) -> dict:
    """``site.each_context`` without the application list: the dashboard page has no navigation sidebar, and
    building the list (every model, every permission, ~90 URL reversals) was a third of the page's Python time."""
    script_name = request.META["SCRIPT_NAME"]
    return {
        "site_title": site.site_title,
        "site_header": site.site_header,
        "site_url": script_name if site.site_url == "/" and script_name else site.site_url,
        "has_permission": site.has_permission(request),
        "available_apps": [],
        "is_popup": False,
        "is_nav_sidebar_enabled": False,
    }


def admin_dashboard(request, site):
    """The supervisor's region (their assignment's scope; ``?scope=`` one of theirs or a county or center
    inside it)."""
    mine = [s for s in scopes_for_user(request.actor) if s.level != CENTER]
    if not mine:
        raise Http404
    text = request.GET.get("scope")
    if text:
        try:
            scope = Scope.parse(text)
        except ValueError as exc:
            raise Http404 from exc
        if scope not in mine and not scope_allowed(request.actor, scope):
            raise Http404
    else:
        scope = mine[0]
    context = {
        **_admin_context(request, site),
        **_context(request, scope, _period(request), in_admin=True),
        "title": _("Reports dashboard"),
        "scope_query": f"scope={scope}",
        "monthly_reports_url": reverse("admin:reporting_monthlyreport_overdue"),
        "scope_choices": [(s, s.label()) for s in mine] if len(mine) > 1 else [],
    }
    return TemplateResponse(request, "reporting/dashboard/admin.html", context)


urlpatterns = [
    path("centers/<slug:center_slug>/dashboard/", center_dashboard, name="center-dashboard"),
]
