"""Admin of payments: supervisors read the payments and merchant settings of the centers in their region;
nobody edits them here (payments change only through the callback and the re-verification; merchant ids are
never shown, only their last characters)."""

from django.contrib import admin

from core.admin_base import SupervisorModelAdmin

from .models import MerchantAccount, Payment


@admin.register(MerchantAccount)
class MerchantAccountAdmin(SupervisorModelAdmin):
    list_display = ("center", "gateway", "merchant_hint", "active", "updated_at")
    list_filter = ("gateway", "active")
    list_select_related = ("center",)
    search_fields = ("center__name",)
    fields = ("center", "gateway", "merchant_hint", "active", "accepted_purposes", "updated_at", "updated_by")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Payment)
class PaymentAdmin(SupervisorModelAdmin):
    list_display = ("public_id", "center", "gateway", "amount", "purpose", "status", "created_at", "ref_id")
    list_filter = ("status", "gateway")
    list_select_related = ("center", "purpose")
    search_fields = ("public_id", "authority", "ref_id", "center__name")
    date_hierarchy = "created_at"
    fields = ("center", "merchant", "gateway", "public_id", "amount", "purpose", "campaign", "donor_name",
              "status", "authority", "ref_id", "card_pan", "outcome_code", "outcome_message", "contribution",
              "callbacks", "verify_attempts", "created_at", "redirected_at", "returned_at", "finished_at")
    readonly_fields = fields
    ordering = ("-created_at",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
