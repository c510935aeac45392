"""Admin of the province's central account: a supervisor over a province records allocations from its central
account to the centers (through ``services.central.central_allocate``; nothing is edited or deleted), and the
list page shows the province's pool per purpose."""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from centers.models import Center, SupervisorAssignment
from contributions.models import CentralAllocation, Purpose
from contributions.services.central import central_allocate, central_pool
from core.admin_base import SupervisorModelAdmin
from core.templatetags.fa import rial


class CentralAllocationForm(forms.ModelForm):
    """Allocation through the service: the form's own validation is the service's (refusals become form
    errors), so the admin never writes a row the ledger has not posted."""

    # Declared, with their querysets set per request: a generated field would query the scoped manager at import.
    center = forms.ModelChoiceField(label=_("receiving center"), queryset=None)
    source_center = forms.ModelChoiceField(
        queryset=None, required=False, label=_("center whose share is drawn"),
        help_text=_("Leave empty to allocate the receiving center's own share back to it."))

    class Meta:
        model = CentralAllocation
        fields = ["center", "source_center", "purpose", "amount", "occurred_on", "decision_reference"]

    def __init__(self, *args, actor=None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        centers = Center.objects.filter(pk__in=sorted(actor.supervised_center_ids if actor else []))
        self.fields["center"].queryset = centers
        self.fields["source_center"].queryset = centers
        self.fields["purpose"].queryset = Purpose.objects.all()
        self.fields["occurred_on"].initial = timezone.localdate
        self.allocation = None

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            self.allocation = central_allocate(
                center=data["center"], source_center=data.get("source_center"), purpose=data["purpose"],
                amount=data["amount"], decision_reference=data["decision_reference"],
                occurred_on=data["occurred_on"], user=self.user)
        except ValidationError as error:
            raise forms.ValidationError(error.messages) from None
        except PermissionDenied:
            raise forms.ValidationError(
                _("Only a supervisor over the province may allocate from its central account.")) from None
        return data

    def _post_clean(self):
        if self.allocation is not None:
            self.instance = self.allocation  # written by the service; the model's own checks are its


@admin.register(CentralAllocation)
class CentralAllocationAdmin(SupervisorModelAdmin):
    form = CentralAllocationForm
    list_display = ("occurred_on", "center", "source_center", "purpose", "amount_in_rials", "decision_reference",
                    "approved_by")
    list_filter = ("purpose",)
    list_select_related = ("center", "source_center", "purpose", "approved_by")
    search_fields = ("center__name", "decision_reference")
    date_hierarchy = "occurred_on"
    change_list_template = "admin/contributions/centralallocation/change_list.html"

    @admin.display(description=_("amount (rials)"), ordering="amount")
    def amount_in_rials(self, obj):
        return rial(obj.amount)

    def _province_assignments(self, request):
        actor = self._actor(request)
        if not actor:
            return []
        return [a for a in actor.assignments if a.level in (SupervisorAssignment.Level.PROVINCE,
                                                            SupervisorAssignment.Level.NATIONAL)]

    def has_add_permission(self, request):
        return bool(request.user.is_superuser or self._province_assignments(request))

    def has_change_permission(self, request, obj=None):
        return False  # an allocation is corrected by a reversal in the ledger, never edited

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:
            return [*CentralAllocationForm.Meta.fields, "approved_by", "province", "transaction",
                    "source_transaction"]
        return []

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is not None:  # view only: every field read-only, a plain form without the service
            return super().get_form(request, obj, change=change, **{**kwargs, "form": forms.ModelForm})
        form = super().get_form(request, obj, change=change, **kwargs)
        actor, user = self._actor(request), request.user

        class ActorForm(form):
            def __init__(self, *args, **inner):
                super().__init__(*args, actor=actor, user=user, **inner)

        return ActorForm

    def save_model(self, request, obj, form, change):
        pass  # the service wrote it while the form was validated

    def changelist_view(self, request, extra_context=None):
        pools = []
        for assignment in self._province_assignments(request):
            if assignment.province_id is None:
                continue
            pools.append({"province": assignment.province, "organization": assignment.organization,
                          "rows": central_pool(province=assignment.province, organization=assignment.organization)})
        return super().changelist_view(request, extra_context={**(extra_context or {}), "pools": pools})
