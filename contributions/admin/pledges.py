"""Admin of the pledges area: supervisors read the pledges of their region with their schedules, payments and
reminders. Nothing is edited here directly (the services are the only writers); cancelling goes through
``pledge_cancel`` with a reason, like every supervisor decision."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from centers import access
from centers.admin.supervision import _with_reason
from contributions.models import Pledge, PledgeInstalment, PledgePayment, PledgeReminder
from contributions.services import pledges as services
from core.admin_base import SupervisorModelAdmin


class _ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class PledgeInstalmentInline(_ReadOnlyInline):
    model = PledgeInstalment
    fields = ("sequence", "due_on", "amount_due", "amount_paid", "status", "waived_reason")
    readonly_fields = fields


class PledgePaymentInline(_ReadOnlyInline):
    model = PledgePayment
    fields = ("instalment", "contribution", "amount", "matched_at", "matched_by", "unmatched_at")
    readonly_fields = fields


class _ReadOnlyAdmin(SupervisorModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Pledge)
class PledgeAdmin(_ReadOnlyAdmin):
    list_display = ("__str__", "center", "donor", "kind", "form", "target", "purpose", "amount", "status",
                    "created_at")
    list_filter = ("status", "kind", "form", "target")
    list_select_related = ("center", "donor", "purpose")
    search_fields = ("center__name", "donor__last_name", "donor__legal_name", "note")
    inlines = [PledgeInstalmentInline, PledgePaymentInline]
    actions = ["cancel"]

    @admin.action(description=_("Cancel the pledge (its history is kept)"))
    def cancel(self, request, queryset):
        def apply(pledge, reason):
            if not access.may(request.actor, access.Action.RECORD_CONTRIBUTION, pledge):
                raise PermissionDenied
            services.pledge_cancel(pledge=pledge, reason=reason, user=request.user)

        return _with_reason(self, request, queryset, title=_("Cancel the pledge"), apply=apply)


@admin.register(PledgeReminder)
class PledgeReminderAdmin(_ReadOnlyAdmin):
    list_display = ("instalment", "center", "pledge", "outcome", "sent_to", "created_at")
    list_filter = ("outcome",)
    list_select_related = ("center", "pledge", "instalment")
