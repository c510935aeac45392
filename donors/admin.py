"""Admin of the donors app, for supervisors: the donors of the centers in their region (the tenant scope
narrows the list through the donors' links), their links and the trace of every merge. Read-only like the
rest of the supervisors' admin; merging two selected donors is an action that asks for a reason and calls
``donors.services.donor_merge``."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from core.admin_base import SupervisorModelAdmin
from core.digits import to_latin_digits

from . import services
from .models import Donor, DonorLink, DonorMerge, ImportRun


class DonorLinkInline(admin.TabularInline):
    model = DonorLink
    extra = 0
    fields = ("center", "source", "since")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        # Only the links to centers in the supervisor's scope (DonorLink.objects is scoped).
        return DonorLink.objects.select_related("center")


class MergeChoiceForm(forms.Form):
    survivor = forms.TypedChoiceField(label=_("Donor to keep"), coerce=int)
    reason = forms.CharField(label=_("Reason"), max_length=255)


@admin.register(Donor)
class DonorAdmin(SupervisorModelAdmin):
    list_display = ("display_name", "kind", "organization", "masked_identity", "mobile", "merged_into",
                    "created_at")
    list_filter = ("kind", "organization")
    list_select_related = ("organization", "merged_into")
    search_fields = ("first_name", "last_name", "legal_name", "national_code", "legal_entity_id", "mobile")
    readonly_fields = ("organization", "merged_into", "created_at", "created_by", "consent_at", "user")
    inlines = [DonorLinkInline]
    actions = ["merge_selected"]

    def get_search_results(self, request, queryset, search_term):
        # National codes and mobiles are stored with Latin digits; supervisors may type Persian ones.
        return super().get_search_results(request, queryset, to_latin_digits(search_term or ""))

    @admin.display(description=_("national code or ID"))
    def masked_identity(self, obj):
        return services.mask_national_code(obj.national_code or obj.legal_entity_id)

    @admin.action(description=_("Merge the two selected donors"))
    def merge_selected(self, request, queryset):
        donors = list(queryset[:3])
        if len(donors) != 2:
            self.message_user(request, _("Select exactly two donors to merge."), messages.ERROR)
            return None
        form = MergeChoiceForm(request.POST if "apply" in request.POST else None)
        form.fields["survivor"].choices = [(d.pk, f"{d.display_name} (#{d.pk})") for d in donors]
        if "apply" in request.POST and form.is_valid():
            survivor = next(d for d in donors if d.pk == form.cleaned_data["survivor"])
            merged = next(d for d in donors if d.pk != survivor.pk)
            try:
                services.donor_merge(survivor=survivor, merged=merged, user=request.user,
                                     reason=form.cleaned_data["reason"])
            except ValidationError as exc:
                self.message_user(request, "; ".join(exc.messages), messages.ERROR)
            else:
                self.message_user(request, _("%(merged)s was merged into %(kept)s.")
                                  % {"merged": merged.display_name, "kept": survivor.display_name}, messages.SUCCESS)
            return None
        return TemplateResponse(request, "centers/supervision/admin_reason.html", {
            **self.admin_site.each_context(request), "title": _("Merge two donors"), "form": form,
            "queryset": donors, "action": request.POST.get("action"), "opts": self.model._meta,
            "selected": request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME),
        })

    def has_change_permission(self, request, obj=None):
        return False  # donors are edited by their centers; supervisors read them and merge duplicates


@admin.register(DonorMerge)
class DonorMergeAdmin(SupervisorModelAdmin):
    list_display = ("merged", "survivor", "merged_by", "merged_at", "reason")
    list_select_related = ("merged", "survivor", "merged_by")
    readonly_fields = ("organization", "survivor", "merged", "moved", "merged_at", "merged_by", "reason")

    def get_queryset(self, request):
        # A merge is shown when its kept donor is visible in the supervisor's scope.
        visible = Donor.objects.values("pk")
        return super().get_queryset(request).filter(survivor__in=visible)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ImportRun)
class ImportRunAdmin(SupervisorModelAdmin):
    """Imports of the centers in the supervisor's region: what was uploaded, when, and what became of it."""

    list_display = ("__str__", "center", "filename", "row_count", "status", "requested_by", "created_at")
    list_filter = ("kind", "status")
    list_select_related = ("center", "requested_by")
    fields = ("center", "kind", "status", "filename", "row_count", "counts", "bad_rows", "message",
              "requested_by", "created_at", "finished_at")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).defer("upload", "error_file")

    def has_change_permission(self, request, obj=None):
        return False
