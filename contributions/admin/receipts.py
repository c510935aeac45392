"""Admin of the receipts area: supervisors read the receipts of the centers in their region. Nobody edits or
deletes a receipt here (receipts are issued by confirming a contribution; the database refuses changing
their facts or deleting them)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from contributions.models import Receipt
from core.admin_base import SupervisorModelAdmin


@admin.register(Receipt)
class ReceiptAdmin(SupervisorModelAdmin):
    list_display = ("display_number", "center", "amount", "issued_at", "void", "print_count")
    list_filter = ("jalali_year",)
    list_select_related = ("center", "contribution")
    search_fields = ("verification_code", "center__name")
    fields = ("center", "contribution", "jalali_year", "number", "verification_code", "issued_at", "issued_by",
              "print_count", "last_printed_at", "last_printed_by")
    readonly_fields = fields
    ordering = ("-issued_at",)

    @admin.display(description=_("amount or value (rials)"))
    def amount(self, obj):
        return obj.contribution.amount

    @admin.display(description=_("void"), boolean=True)
    def void(self, obj):
        return obj.is_void

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
