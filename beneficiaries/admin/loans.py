"""Admin of loans and plans, for supervisors: read-only like the households (everything is written through
the services, which post the money through the ledger)."""

from django.contrib import admin

from beneficiaries.models import (
    EmpowermentPlan,
    Loan,
    LoanGuarantor,
    LoanInstalment,
    LoanRepayment,
    PlanFunding,
    PlanMilestone,
)

from .households import _ReadOnly


class _ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class GuarantorInline(_ReadOnlyInline):
    model = LoanGuarantor
    fields = ("full_name", "note")


class InstalmentInline(_ReadOnlyInline):
    model = LoanInstalment
    fields = ("sequence", "due_on", "amount_due", "amount_paid", "status", "paid_on")


class RepaymentInline(_ReadOnlyInline):
    model = LoanRepayment
    fields = ("received_on", "amount", "channel", "reference", "allocation", "transaction", "recorded_by")


@admin.register(Loan)
class LoanAdmin(_ReadOnly):
    list_display = ("__str__", "center", "borrower", "purpose", "amount", "requested_on", "status")
    list_filter = ("status", "purpose")
    list_select_related = ("center", "borrower")
    fields = ("center", "household", "borrower", "amount", "purpose", "purpose_note", "instalment_count",
              "first_due_on", "status", "requested_on", "decided_on", "decided_by", "decision_note", "disbursed_on",
              "disbursement_transaction", "repaid_on", "written_off_on", "write_off_reference", "write_off_reason",
              "write_off_transaction", "created_by", "created_at")
    readonly_fields = fields
    inlines = [GuarantorInline, InstalmentInline, RepaymentInline]


class MilestoneInline(_ReadOnlyInline):
    model = PlanMilestone
    fields = ("title", "due_on", "status", "done_on", "evidence")


class FundingInline(_ReadOnlyInline):
    model = PlanFunding
    fields = ("kind", "loan", "description", "quantity", "unit", "amount", "reference")


@admin.register(EmpowermentPlan)
class EmpowermentPlanAdmin(_ReadOnly):
    list_display = ("title", "center", "household", "goal", "follow_up", "status", "outcome")
    list_filter = ("status", "goal", "follow_up", "outcome")
    list_select_related = ("center", "household")
    fields = ("center", "household", "member", "goal", "title", "description", "started_on", "target_on",
              "follow_up", "follow_up_note", "followed_up_on", "status", "outcome", "outcome_note", "closed_on",
              "created_by", "created_at")
    readonly_fields = fields
    inlines = [MilestoneInline, FundingInline]
