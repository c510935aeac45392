"""Admin of aid distribution and dowry cases, for supervisors: read-only like the household admin. Distributions
are written only through the services (they move money, goods and service capacity in the same transaction),
so nobody adds or changes them here, the national administrator included."""

from django.contrib import admin

from beneficiaries.models import AidDistribution, AidGoodsLine, DowryCase, DowryItem, ServiceCapacityUse

from .households import _ReadOnly


class _ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class GoodsInline(_ReadOnlyInline):
    model = AidGoodsLine
    fields = ("item", "quantity", "value", "stock_batch", "ledger_transaction")
    readonly_fields = fields


class ServiceUseInline(_ReadOnlyInline):
    model = ServiceCapacityUse
    fk_name = "distribution"
    fields = ("service", "quantity", "value", "reverses", "created_at")
    readonly_fields = fields


@admin.register(AidDistribution)
class AidDistributionAdmin(_ReadOnly):
    list_display = ("__str__", "center", "household", "kind", "purpose", "value", "occurred_on", "status")
    list_filter = ("kind", "status", "purpose")
    list_select_related = ("center", "household", "purpose")
    date_hierarchy = "occurred_on"
    fields = ("center", "household", "member", "kind", "purpose", "source_purpose", "approval_reference", "value",
              "occurred_on", "note", "ledger_transaction", "service_type", "service_measure", "service_quantity",
              "dowry_case", "status", "reversal_transaction", "reversal_reason", "reversed_at", "reversed_by",
              "recorded_by", "recorded_at")
    readonly_fields = fields
    inlines = [GoodsInline, ServiceUseInline]


class DowryItemInline(_ReadOnlyInline):
    model = DowryItem
    fields = ("description", "estimated_value")
    readonly_fields = fields


@admin.register(DowryCase)
class DowryCaseAdmin(_ReadOnly):
    list_display = ("__str__", "center", "household", "wedding_on", "status", "approved_at")
    list_filter = ("status",)
    list_select_related = ("center", "household")
    fields = ("center", "household", "member", "wedding_on", "spouse_name", "note", "status", "approval_reference",
              "approved_by", "approved_at", "closed_at", "closed_reason", "requested_by", "created_at")
    readonly_fields = fields
    inlines = [DowryItemInline]
