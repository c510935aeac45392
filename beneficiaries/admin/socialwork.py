"""Admin of the social-work area, for the supervisors over a center (seed 002: the committee has access to all
the center's information): case notes and referrals, read-only. Notes and referrals are written only through
the services (by the center's social-work roles), so nobody adds, changes or deletes them here."""

from django.contrib import admin

from beneficiaries import rls
from beneficiaries.models import CaseNote, Referral, ReferralStatusChange
from core.admin_base import SupervisorModelAdmin


class _ReadOnly(SupervisorModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        rls.apply_scope()  # the supervisor's region, for the row-level-security policies
        return super().get_queryset(request)


@admin.register(CaseNote)
class CaseNoteAdmin(_ReadOnly):
    list_display = ("noted_on", "kind", "household", "center", "author", "follow_up_on")
    list_filter = ("kind",)
    list_select_related = ("household", "center", "author")
    date_hierarchy = "noted_on"
    fields = ("center", "household", "kind", "noted_on", "text", "follow_up_on", "corrects", "author", "created_at")
    readonly_fields = fields


class ReferralStatusChangeInline(admin.TabularInline):
    model = ReferralStatusChange
    extra = 0
    fields = ("changed_on", "from_status", "to_status", "note", "changed_by")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Referral)
class ReferralAdmin(_ReadOnly):
    list_display = ("referred_on", "body", "body_name", "household", "center", "status", "status_changed_on")
    list_filter = ("status", "body")
    list_select_related = ("household", "center")
    date_hierarchy = "referred_on"
    fields = ("center", "household", "body", "body_name", "reason", "referred_on", "status", "status_changed_on",
              "outcome", "created_by", "created_at")
    readonly_fields = fields
    inlines = [ReferralStatusChangeInline]
