"""Admin of the gifts area.

- Campaigns: a supervisor creates campaigns (occasions) for their own organisation and chooses the
  participating centers among those of their region; a campaign another organisation runs is not theirs to
  see. The centers' field lists only the centers in the supervisor's scope, and saving keeps the
  participating centers outside it (the many-to-many manager, like every center query, is scoped), so a
  county supervisor adding their centers to a national campaign leaves the rest of the country alone.
- Contributions: read-only for everyone, superusers included. Money is never edited here: recording,
  confirming and reversing go through the services, from the center's pages or the API.
"""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from centers.models import Center, Organization
from contributions.models import Campaign, ConstructionDetail, Contribution, InKindLine, Purpose, ServiceDetail
from core.admin_base import SupervisorModelAdmin
from core.forms import JalaliDateField


def _organization_ids(request) -> set[int] | None:
    """The organisations whose campaigns this user manages; ``None`` for a national administrator (all)."""
    if request.user.is_superuser:
        return None
    actor = getattr(request, "actor", None)
    return {a.organization_id for a in getattr(actor, "assignments", ())}


class CampaignForm(forms.ModelForm):
    # Declared, with their querysets set per request: generated fields would query the scoped manager at
    # import time, and a supervisor picks only among their own organisation and region.
    organization = forms.ModelChoiceField(label=_("organisation"), queryset=Organization.objects.none())
    centers = forms.ModelMultipleChoiceField(label=_("participating centers"), queryset=Center.objects.none(),
                                             required=False, widget=admin.widgets.FilteredSelectMultiple(
                                                 _("centers"), is_stacked=False))
    starts_on = JalaliDateField(label=_("starts on"))
    ends_on = JalaliDateField(label=_("ends on"))

    class Meta:
        model = Campaign
        fields = ["organization", "occasion", "name", "starts_on", "ends_on", "goal_amount", "centers"]

    def __init__(self, *args, organization_ids=None, **kwargs):
        super().__init__(*args, **kwargs)
        organizations = Organization.objects.all()
        if organization_ids is not None:
            organizations = organizations.filter(pk__in=organization_ids)
        self.fields["organization"].queryset = organizations
        # Center.objects is narrowed by the request's scope: the centers of the supervisor's region.
        self.fields["centers"].queryset = (Center.objects.filter(organization__in=organizations)
                                           .select_related("county").order_by("county__name", "name"))

    def clean(self):
        data = super().clean()
        organization = data.get("organization")
        foreign = [c for c in data.get("centers") or [] if organization and c.organization_id != organization.pk]
        if foreign:
            self.add_error("centers", _("Only centers of the campaign's organisation may take part."))
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("The campaign cannot end before it starts."))
        return data


@admin.register(Campaign)
class CampaignAdmin(SupervisorModelAdmin):
    form = CampaignForm
    list_display = ("name", "occasion", "organization", "starts_on", "ends_on", "goal_amount")
    list_filter = ("occasion", "organization")
    search_fields = ("name",)
    date_hierarchy = None

    def get_queryset(self, request):
        queryset = super().get_queryset(request).select_related("organization")
        ids = _organization_ids(request)
        return queryset if ids is None else queryset.filter(organization_id__in=ids)

    def has_add_permission(self, request):
        return self.has_module_permission(request)

    def has_change_permission(self, request, obj=None):
        if not self.has_module_permission(request):
            return False
        ids = _organization_ids(request)
        return obj is None or ids is None or obj.organization_id in ids

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        organization_ids = _organization_ids(request)

        class ActorForm(form):
            def __init__(self, *args, **inner):
                super().__init__(*args, organization_ids=organization_ids, **inner)

        return ActorForm


# --- Contributions: read-only ------------------------------------------------------------------------------

class _ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class InKindLineInline(_ReadOnlyInline):
    model = InKindLine
    fields = ("category", "description", "unit", "quantity", "unit_value", "perishable", "expires_on")


class ServiceDetailInline(_ReadOnlyInline):
    model = ServiceDetail
    fields = ("service_type", "measure", "quantity", "description")


class ConstructionDetailInline(_ReadOnlyInline):
    model = ConstructionDetail
    fields = ("form", "facility_type", "facility_name", "address", "area_m2", "completed_on")


@admin.register(Contribution)
class ContributionAdmin(SupervisorModelAdmin):
    """Gifts at the centers of the supervisor's region, to read and filter. No one edits money here."""

    list_display = ("__str__", "center", "received_on", "kind", "purpose", "channel", "amount", "status", "donor")
    list_filter = ("status", "kind", "channel", "purpose", ("campaign", admin.RelatedOnlyFieldListFilter),
                   "received_on")
    list_select_related = ("center", "purpose", "donor")
    search_fields = ("center__name", "external_reference", "note")
    inlines = [InKindLineInline, ServiceDetailInline, ConstructionDetailInline]
    exclude = ("ledger_transaction",)

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields if f.name != "ledger_transaction"]

    def get_inlines(self, request, obj):
        if obj is None:
            return []
        return {Contribution.Kind.IN_KIND: [InKindLineInline], Contribution.Kind.SERVICE: [ServiceDetailInline],
                Contribution.Kind.CONSTRUCTION: [ConstructionDetailInline]}.get(obj.kind, [])

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Purpose)
class PurposeAdmin(SupervisorModelAdmin):
    """The national list of purposes: the national administrator adds purposes and renames them; supervisors
    read it. A purpose's code and whether it is restricted never change once it exists: money already
    given under the old rule must keep being spent under it."""

    list_display = ("name", "code", "restricted")
    list_filter = ("restricted",)
    search_fields = ("name", "code")

    def get_readonly_fields(self, request, obj=None):
        return ("code", "restricted") if obj is not None else ()
