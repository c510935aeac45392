from urllib.parse import urlencode

from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_otp.admin import OTPAdminSite


class PortalAdminSite(OTPAdminSite):
    """Supervisors' admin: only for staff who passed the second factor (django-otp), in Persian.

    There is one login for the whole portal: the admin's own login page sends people to it.
    """

    site_header = _("Charity centers supervision")
    site_title = _("Charity centers supervision")
    index_title = _("Supervision dashboard")

    def get_urls(self):
        from django.urls import path

        return [path("approvals/", self.admin_view(self.approvals_view), name="approvals"),
                path("reports/dashboard/", self.admin_view(self.reports_dashboard_view), name="reports-dashboard"),
                *super().get_urls()]

    def reports_dashboard_view(self, request):
        """The supervisor's reports dashboard for their region (reporting/views/dashboard.py)."""
        from reporting.views.dashboard import admin_dashboard

        return admin_dashboard(request, self)

    def approvals_view(self, request):
        """The supervisor's approval queue: every pending decision of their region, overdue first."""
        from django.template.response import TemplateResponse

        from centers.admin import approval_items

        items = approval_items(request.actor)
        context = {**self.each_context(request), "title": _("Approval queue"), "items": items,
                   "overdue_count": sum(1 for item in items if item["overdue"])}
        return TemplateResponse(request, "admin/approvals.html", context)

    def login(self, request, extra_context=None):
        target = request.GET.get("next") or reverse("admin:index")
        return redirect(f"{reverse('accounts:login')}?{urlencode({'next': target})}")
