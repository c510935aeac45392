"""Admin of the stock area: supervisors read the in-kind stock of the centers in their region (items, lots
with their expiry dates, movements). Nothing is edited here, not even by a national administrator: stock
changes only through the services, which keep the lots, the movements and the ledger in step."""

from django.contrib import admin

from contributions.models import StockItem, StockLot, StockMovement
from core.admin_base import SupervisorModelAdmin


class ReadOnlyAdmin(SupervisorModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class LotInline(admin.TabularInline):
    model = StockLot
    extra = 0
    fields = ("received_on", "purpose", "quantity_received", "quantity_remaining", "unit_value",
              "value_remaining", "perishable", "expires_on")
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(StockItem)
class StockItemAdmin(ReadOnlyAdmin):
    list_display = ("description", "center", "category", "unit")
    list_filter = ("category",)
    list_select_related = ("center",)
    search_fields = ("description", "center__name")
    inlines = [LotInline]


@admin.register(StockLot)
class StockLotAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "center", "purpose", "quantity_remaining", "quantity_received", "value_remaining",
                    "perishable", "expires_on")
    list_filter = ("perishable", "purpose")
    list_select_related = ("center", "item", "purpose")
    search_fields = ("item__description", "center__name")
    date_hierarchy = "expires_on"
    ordering = ("expires_on",)


@admin.register(StockMovement)
class StockMovementAdmin(ReadOnlyAdmin):
    list_display = ("occurred_on", "center", "item", "kind", "cause", "quantity", "value", "purpose",
                    "ledger_transaction")
    list_filter = ("kind", "cause")
    list_select_related = ("center", "item", "purpose")
    search_fields = ("item__description", "center__name", "reason")
