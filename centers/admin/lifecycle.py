"""Admin of the lifecycle area: licenses and status history for supervisors, and their status-change actions
on the center list (license, renew, suspend, reinstate, revoke, dissolve, return), each with a reason."""

import datetime

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_scopes import scope

from centers import access
from centers.models import Center, CenterTransition, License, ServedArea
from centers.services import lifecycle as services
from core.admin_base import SupervisorModelAdmin
from core.forms import JalaliDateField

from .tenancy import CenterAdmin

# A license application waiting longer than this is overdue in the supervisors' approval queue.
APPLICATION_REVIEW_DAYS = 14


class TransitionForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    years = forms.IntegerField(label=_("Validity (Jalali years)"), min_value=1,
                               max_value=services.LICENSE_MAX_YEARS, initial=1, required=False)
    valid_from = JalaliDateField(label=_("Valid from"), required=False,
                                 help_text=_("Empty: today, or the day after the current license ends."))
    assets = forms.CharField(label=_("What became of the assets"), widget=forms.Textarea(attrs={"rows": 3}),
                             required=False)


def _run_transition(modeladmin, request, queryset, name):
    transition = services.TRANSITIONS[name]
    form = TransitionForm(request.POST if "apply" in request.POST else None)
    if "apply" in request.POST and form.is_valid():
        done = 0
        for center in queryset:
            if not access.may(request.actor, access.Action.SUPERVISE, center):
                modeladmin.message_user(request, _("%(center)s: you do not supervise this center.")
                                        % {"center": center}, messages.ERROR)
                continue
            try:
                services.center_transition(center=center, name=name, actor=request.actor,
                                           reason=form.cleaned_data["reason"], years=form.cleaned_data["years"],
                                           valid_from=form.cleaned_data["valid_from"],
                                           assets=form.cleaned_data["assets"])
            except ValidationError as error:
                modeladmin.message_user(request, f"{center}: {' '.join(error.messages)}", messages.ERROR)
            except PermissionDenied:
                modeladmin.message_user(request, _("%(center)s: you do not supervise this center.")
                                        % {"center": center}, messages.ERROR)
            else:
                done += 1
        if done:
            modeladmin.message_user(request, _("“%(transition)s” done for %(count)s center(s).")
                                    % {"transition": transition.label, "count": done}, messages.SUCCESS)
        return None
    return TemplateResponse(request, "centers/lifecycle/admin_transition.html", {
        **modeladmin.admin_site.each_context(request),
        "title": transition.label,
        "transition": transition,
        "form": form,
        "centers": queryset,
        "action": request.POST.get("action", ""),
        "opts": modeladmin.model._meta,
    })


def _make_action(name):
    def action(modeladmin, request, queryset):
        return _run_transition(modeladmin, request, queryset, name)

    action.__name__ = f"lifecycle_{name}"
    action.short_description = services.TRANSITIONS[name].label
    return action


LIFECYCLE_ACTIONS = [_make_action(n) for n in ("license", "renew", "suspend", "reinstate", "revoke", "dissolve",
                                               "return")]
# The center list belongs to the tenancy area; each area adds its own actions to it.
CenterAdmin.actions = [*(CenterAdmin.actions or []), *LIFECYCLE_ACTIONS]


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return True


class LicenseInline(ReadOnlyInline):
    model = License
    fields = ("activity_code", "kind", "valid_from", "valid_until", "issued_by", "reminder_sent_at")


class TransitionInline(ReadOnlyInline):
    model = CenterTransition
    fields = ("at", "name", "from_status", "to_status", "actor", "reason", "data")


CenterAdmin.inlines = [*CenterAdmin.inlines, LicenseInline, TransitionInline]


@admin.register(License)
class LicenseAdmin(SupervisorModelAdmin):
    list_display = ("activity_code", "center", "kind", "valid_from", "valid_until", "near_expiry",
                    "reminder_sent_at")
    list_filter = ("kind",)
    search_fields = ("activity_code", "center__name")
    list_select_related = ("center",)
    raw_id_fields = ("center", "issued_by")

    @admin.display(boolean=True, description=_("ends soon"))
    def near_expiry(self, obj):
        return obj.center.status == Center.Status.LICENSED and services.license_is_near_expiry(obj)


@admin.register(CenterTransition)
class CenterTransitionAdmin(SupervisorModelAdmin):
    list_display = ("at", "center", "name", "from_status", "to_status", "actor")
    list_filter = ("name", "to_status")
    list_select_related = ("center", "actor")
    search_fields = ("center__name", "reason")


@admin.register(ServedArea)
class ServedAreaAdmin(SupervisorModelAdmin):
    list_display = ("center", "description")
    list_select_related = ("center",)
    raw_id_fields = ("center",)


def approval_items(actor) -> list[dict]:
    """License applications waiting for this supervisor's decision (centers under review in their region)."""
    ids = sorted(actor.supervised_center_ids)
    if not ids:
        return []
    today = timezone.localdate()
    items = []
    with scope(center=ids):  # the actor's own supervised centers, whatever scope the caller has open
        for center in Center.objects.filter(pk__in=ids, status=Center.Status.REVIEW).select_related("county"):
            submitted = (CenterTransition.objects.filter(center=center, to_status=Center.Status.REVIEW)
                         .order_by("-at").values_list("at", flat=True).first())
            due = (timezone.localtime(submitted).date() + datetime.timedelta(days=APPLICATION_REVIEW_DAYS)
                   if submitted else None)
            items.append({
                "kind": _("License application"),
                "center": center,
                "title": str(_("License application of %(center)s") % {"center": center.name}),
                "url": reverse("admin:centers_center_change", args=[center.pk]),
                "due": due,
                "overdue": due is not None and today > due,
            })
    return items
