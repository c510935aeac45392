"""Admin of the beneficiaries area, for supervisors: read-only, identifiers masked. Households are written
only through the services (which encrypt identifiers and keep the priority score), so nobody adds or
changes them here, the national administrator included; the reveal log is read-only like everything else."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from beneficiaries import rls
from beneficiaries.models import Assessment, Household, IdentifierReveal, Member
from core.admin_base import SupervisorModelAdmin


class _ReadOnly(SupervisorModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        rls.apply_scope()  # the supervisor's region, for the row-level-security policies
        return super().get_queryset(request)


class MemberInline(admin.TabularInline):
    model = Member
    extra = 0
    fields = ("first_name", "last_name", "relation", "national_code", "gender", "birth_date", "has_disability",
              "is_orphan")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("national code"))
    def national_code(self, obj):
        return obj.masked_national_code


class AssessmentInline(admin.TabularInline):
    model = Assessment
    extra = 0
    fields = ("category", "severity", "evidence", "assessed_on", "next_due_on", "is_current")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Household)
class HouseholdAdmin(_ReadOnly):
    list_display = ("__str__", "head_name", "head_national_code", "center", "county", "area", "priority_score",
                    "status")
    list_filter = ("status", "area", "housing", "insurance")
    list_select_related = ("center", "county", "head")
    fields = ("center", "head_name", "head_national_code", "mobile", "address", "county", "village", "area",
              "housing", "monthly_income", "insurance", "supporting_organizations", "consent_on", "status",
              "closed_on", "closed_reason", "priority_score", "next_reassessment_on", "created_by", "created_at")
    readonly_fields = fields
    inlines = [MemberInline, AssessmentInline]

    @admin.display(description=_("head of household"))
    def head_name(self, obj):
        return obj.head.full_name if obj.head else "—"

    @admin.display(description=_("national code"))
    def head_national_code(self, obj):
        return obj.head.masked_national_code if obj.head else "—"

    @admin.display(description=_("mobile"))
    def mobile(self, obj):
        return obj.masked_mobile or "—"


@admin.register(Assessment)
class AssessmentAdmin(_ReadOnly):
    list_display = ("household", "center", "category", "severity", "assessed_on", "next_due_on", "is_current")
    list_filter = ("category", "severity", "is_current")
    list_select_related = ("household", "center")
    fields = ("center", "household", "category", "severity", "evidence", "assessed_on", "next_due_on",
              "is_current", "assessed_by", "created_at")
    readonly_fields = fields


@admin.register(IdentifierReveal)
class IdentifierRevealAdmin(_ReadOnly):
    list_display = ("revealed_at", "center", "household", "field", "revealed_by", "reason")
    list_filter = ("field",)
    list_select_related = ("center", "household", "revealed_by")
    fields = ("center", "household", "member", "field", "reason", "revealed_by", "revealed_at")
    readonly_fields = fields
