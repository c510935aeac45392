"""Admin of NGOs and base establishment for welfare supervisors: they record NGOs (the welfare organisation
licenses them), with their licenses, track record and staff, record an NGO's application with its documents,
and approve or reject it (approval founds and licenses the base). Everything stays inside their region."""

import datetime

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bases.models import ApplicationDocument, BaseApplication, BaseOperator, Ngo, NgoLicense, NgoStaff, NgoTrackRecord
from bases.services import establishment as services
from bases.services.ngos import supervises_county, welfare_region
from core.admin_base import SupervisorModelAdmin

# An application waiting longer than this is overdue in the approval queue.
APPLICATION_DECISION_DAYS = 30


class _WelfareAdmin(SupervisorModelAdmin):
    """Welfare supervisors of the region may record and change; the others only read what they see."""

    county_path = "county"

    def _region(self, request):
        actor = self._actor(request)
        return welfare_region(actor) if actor else None

    def has_module_permission(self, request):
        return super().has_module_permission(request) and self._region(request) is not None

    def get_queryset(self, request):
        region = self._region(request)
        queryset = super().get_queryset(request)
        if region is None:
            return queryset.none()
        return queryset.filter(_prefixed(region, self.county_path.removesuffix("county")))

    def has_add_permission(self, request):
        return self._region(request) is not None

    def has_change_permission(self, request, obj=None):
        if self._region(request) is None:
            return False
        return obj is None or supervises_county(request.actor, self._county(obj))

    def _county(self, obj):
        for part in self.county_path.split("__"):
            obj = getattr(obj, part)
        return obj


def _prefixed(q: Q, prefix: str) -> Q:
    """The same filter with every lookup under ``prefix`` (e.g. ``ngo__county__province_id``)."""
    children = [(_prefixed(c, prefix) if isinstance(c, Q) else (prefix + c[0], c[1])) for c in q.children]
    return Q(*children, _connector=q.connector, _negated=q.negated)


class NgoLicenseInline(admin.TabularInline):
    model = NgoLicense
    extra = 0
    fields = ("number", "issued_on", "valid_until")


class TrackRecordInline(admin.TabularInline):
    model = NgoTrackRecord
    extra = 0


class StaffInline(admin.TabularInline):
    model = NgoStaff
    extra = 0


@admin.register(Ngo)
class NgoAdmin(_WelfareAdmin):
    list_display = ("name", "legal_entity_id", "registration_number", "county", "license_valid")
    search_fields = ("name", "legal_entity_id", "registration_number")
    list_select_related = ("county",)
    raw_id_fields = ("county",)
    inlines = [NgoLicenseInline, TrackRecordInline, StaffInline]

    @admin.display(boolean=True, description=_("license valid today"))
    def license_valid(self, obj):
        return obj.current_license(timezone.localdate()) is not None

    def save_model(self, request, obj, form, change):
        if not supervises_county(request.actor, obj.county):
            raise PermissionDenied
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        for instance in formset.save(commit=False):
            if isinstance(instance, NgoLicense) and instance.recorded_by_id is None:
                instance.recorded_by = request.user
            instance.save()
        formset.save_m2m()


class DocumentInline(admin.TabularInline):
    model = ApplicationDocument
    extra = 3
    fields = ("kind", "title", "file", "uploaded_at")
    readonly_fields = ("uploaded_at",)
    can_delete = False


class ApplicationForm(forms.ModelForm):
    class Meta:
        model = BaseApplication
        fields = ("ngo", "county", "base_name", "host_place", "host_place_name", "address", "representative")

    def __init__(self, *args, actor=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor

    def clean(self):
        data = super().clean()
        county = data.get("county")
        if county is not None and self.actor is not None and not supervises_county(self.actor, county):
            raise ValidationError(_("You do not supervise this county for the welfare organisation."))
        return data


class DecisionForm(forms.Form):
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


def _decide(modeladmin, request, queryset, *, approve):
    form = DecisionForm(request.POST if "apply" in request.POST else None)
    title = _("Approve the establishment") if approve else _("Reject the application")
    if "apply" in request.POST and form.is_valid():
        for application in queryset:
            try:
                if approve:
                    center = services.application_approve(actor=request.actor, application=application,
                                                          note=form.cleaned_data["note"])
                    modeladmin.message_user(request, _("%(base)s was founded and licensed.") % {"base": center},
                                            messages.SUCCESS)
                else:
                    services.application_reject(actor=request.actor, application=application,
                                                note=form.cleaned_data["note"])
                    modeladmin.message_user(request, _("%(application)s was rejected.")
                                            % {"application": application}, messages.SUCCESS)
            except ValidationError as error:
                modeladmin.message_user(request, f"{application}: {' '.join(error.messages)}", messages.ERROR)
            except PermissionDenied:
                modeladmin.message_user(request, _("%(application)s: you do not supervise this county.")
                                        % {"application": application}, messages.ERROR)
        return None
    return TemplateResponse(request, "bases/admin_action.html", {
        **modeladmin.admin_site.each_context(request), "title": title, "form": form, "objects": queryset,
        "action": request.POST.get("action", ""), "opts": modeladmin.model._meta,
        "cancel_url": reverse("admin:bases_baseapplication_changelist")})


@admin.action(description=_("Approve the establishment"))
def approve_establishment(modeladmin, request, queryset):
    return _decide(modeladmin, request, queryset, approve=True)


@admin.action(description=_("Reject the application"))
def reject_application(modeladmin, request, queryset):
    return _decide(modeladmin, request, queryset, approve=False)


@admin.register(BaseApplication)
class BaseApplicationAdmin(_WelfareAdmin):
    form = ApplicationForm
    list_display = ("base_name", "ngo", "county", "status", "submitted_at", "missing")
    list_filter = ("status",)
    search_fields = ("base_name", "ngo__name")
    list_select_related = ("ngo", "county")
    raw_id_fields = ("ngo", "county", "representative")
    inlines = [DocumentInline]
    actions = [approve_establishment, reject_application]
    readonly_fields = ("status", "decided_by", "decided_at", "note", "center")

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        actor = request.actor

        class Form(form):
            def __init__(self, *args, **kw):
                super().__init__(*args, actor=actor, **kw)

        return Form

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.status != BaseApplication.Status.SUBMITTED:
            return False
        return super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        from centers.models import Organization

        obj.organization = Organization.objects.get(code=Organization.Code.WELFARE)
        super().save_model(request, obj, form, change)

    @admin.display(description=_("what is missing"))
    def missing(self, obj):
        if obj.status != BaseApplication.Status.SUBMITTED:
            return "—"
        return "؛ ".join(services.application_problems(obj)) or _("nothing")


@admin.register(BaseOperator)
class BaseOperatorAdmin(SupervisorModelAdmin):
    list_display = ("center", "ngo", "since")
    list_select_related = ("center", "ngo")


def approval_items(actor) -> list[dict]:
    """Establishment applications waiting for a decision in the actor's welfare region."""
    region = welfare_region(actor) if actor is not None else None
    if region is None:
        return []
    today = timezone.localdate()
    items = []
    for application in (BaseApplication.objects.filter(status=BaseApplication.Status.SUBMITTED)
                        .filter(_prefixed(region, "")).select_related("ngo", "county")):
        due = timezone.localtime(application.submitted_at).date() + datetime.timedelta(days=APPLICATION_DECISION_DAYS)
        items.append({
            "kind": _("Base establishment"),
            "center": application.base_name,
            "title": str(_("Application of %(ngo)s to found %(base)s") % {"ngo": application.ngo,
                                                                          "base": application.base_name}),
            "url": reverse("admin:bases_baseapplication_change", args=[application.pk]),
            "due": due,
            "overdue": today > due,
        })
    return items
