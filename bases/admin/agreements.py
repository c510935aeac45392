"""Admin of yearly agreements for welfare supervisors: the agreements of their bases with commitments,
reports and the score; actions to approve (or not) the year's performance (the prevention deputy only),
adjust the next year's allocation with a reason, renew, and terminate early with notice. Each action goes
through the services; a refusal is shown as the service's message."""

import datetime

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_scopes import scope

from bases.models import ActivityReport, AllocationAdjustment, BaseAgreement, Commitment, SupervisorDuty
from bases.services import agreements as services
from bases.services import funding
from centers import access
from core.admin_base import SupervisorModelAdmin
from core.forms import JalaliDateField, LocalIntegerField

# The queue shows a pending performance decision from this many days before the agreement's end.
PERFORMANCE_REVIEW_DAYS = 30


class _ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return True


class CommitmentInline(_ReadOnlyInline):
    model = Commitment
    fields = ("activity", "description", "target", "unit")


class AdjustmentInline(_ReadOnlyInline):
    model = AllocationAdjustment
    fields = ("decided_at", "proposed", "amount", "score", "reason", "decided_by")


class PerformanceForm(forms.Form):
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), required=False,
                           help_text=_("Required when the performance is not approved."))


class AdjustForm(forms.Form):
    amount = LocalIntegerField(label=_("Next year's allocation (rials)"), min_value=0, max_value=10**15)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class TerminateForm(forms.Form):
    notice_given_on = JalaliDateField(label=_("Notice given on"))
    terminated_on = JalaliDateField(label=_("Last day in force"))
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class RenewForm(forms.Form):
    budget = LocalIntegerField(label=_("Budget (rials)"), min_value=0, max_value=10**15, required=False,
                               help_text=_("Empty: the allocation (adjusted, else proposed)."))


def _run(modeladmin, request, queryset, *, form_class, title, call, single=False):
    form = form_class(request.POST if "apply" in request.POST else None)
    if single and queryset.count() != 1:
        modeladmin.message_user(request, _("Choose exactly one agreement for this action."), messages.ERROR)
        return None
    if "apply" in request.POST and form.is_valid():
        for agreement in queryset:
            try:
                call(request, agreement, form.cleaned_data)
            except ValidationError as error:
                modeladmin.message_user(request, f"{agreement}: {' '.join(error.messages)}", messages.ERROR)
            except PermissionDenied:
                modeladmin.message_user(request, _("%(agreement)s: you may not do this.")
                                        % {"agreement": agreement}, messages.ERROR)
            else:
                modeladmin.message_user(request, f"{agreement}: {title}", messages.SUCCESS)
        return None
    return TemplateResponse(request, "bases/admin_action.html", {
        **modeladmin.admin_site.each_context(request), "title": title, "form": form, "objects": queryset,
        "breakdown": funding.score_breakdown(queryset.first()) if single else None,
        "action": request.POST.get("action", ""), "opts": modeladmin.model._meta,
        "cancel_url": reverse("admin:bases_baseagreement_changelist")})


@admin.action(description=_("Approve the year's performance"))
def approve_performance(modeladmin, request, queryset):
    return _run(modeladmin, request, queryset, form_class=PerformanceForm, title=_("Approve the year's performance"),
                call=lambda r, a, d: services.performance_decide(actor=r.actor, agreement=a, approve=True,
                                                                 note=d["note"]))


@admin.action(description=_("Do not approve the year's performance"))
def reject_performance(modeladmin, request, queryset):
    return _run(modeladmin, request, queryset, form_class=PerformanceForm,
                title=_("Do not approve the year's performance"),
                call=lambda r, a, d: services.performance_decide(actor=r.actor, agreement=a, approve=False,
                                                                 note=d["note"]))


@admin.action(description=_("Adjust next year's allocation"))
def adjust_allocation(modeladmin, request, queryset):
    return _run(modeladmin, request, queryset, form_class=AdjustForm, title=_("Adjust next year's allocation"),
                single=True, call=lambda r, a, d: funding.allocation_adjust(actor=r.actor, agreement=a,
                                                                            amount=d["amount"], reason=d["reason"]))


@admin.action(description=_("Renew for the next year"))
def renew(modeladmin, request, queryset):
    return _run(modeladmin, request, queryset, form_class=RenewForm, title=_("Renew for the next year"),
                call=lambda r, a, d: services.agreement_renew(actor=r.actor, agreement=a, budget=d["budget"]))


@admin.action(description=_("Terminate early"))
def terminate(modeladmin, request, queryset):
    return _run(modeladmin, request, queryset, form_class=TerminateForm, title=_("Terminate early"),
                call=lambda r, a, d: services.agreement_terminate(actor=r.actor, agreement=a, **d))


@admin.register(BaseAgreement)
class BaseAgreementAdmin(SupervisorModelAdmin):
    list_display = ("center", "jalali_year", "budget", "status", "performance", "score", "next_allocation")
    list_filter = ("jalali_year", "status", "performance")
    search_fields = ("center__name", "ngo__name")
    list_select_related = ("center", "ngo")
    raw_id_fields = ("center", "ngo", "renewal_of")
    inlines = [CommitmentInline, AdjustmentInline]
    actions = [approve_performance, reject_performance, adjust_allocation, renew, terminate]
    readonly_fields = ("score_breakdown",)

    @admin.display(description=_("score"))
    def score(self, obj):
        return funding.score_breakdown(obj).score

    @admin.display(description=_("next year's allocation"))
    def next_allocation(self, obj):
        return funding.next_allocation(obj)

    @admin.display(description=_("score breakdown"))
    def score_breakdown(self, obj):
        b = funding.score_breakdown(obj)
        lines = [f"{r.activity_label}: {r.achieved}/{r.target} {r.unit} ({r.percent}%, ×{r.weight})" for r in b.rows]
        lines.append(str(_("Score %(score)s; proposed allocation %(amount)s rials.")
                         % {"score": b.score, "amount": b.proposed_allocation}))
        return " — ".join(lines)


@admin.register(ActivityReport)
class ActivityReportAdmin(SupervisorModelAdmin):
    list_display = ("center", "commitment", "reported_on", "achieved", "people_reached")
    list_select_related = ("center", "commitment")
    raw_id_fields = ("center", "commitment", "recorded_by")


@admin.register(SupervisorDuty)
class SupervisorDutyAdmin(SupervisorModelAdmin):
    """Only national administrators name the prevention deputy (the default: superusers change)."""

    list_display = ("assignment", "duty")
    raw_id_fields = ("assignment",)


def approval_items(actor) -> list[dict]:
    """Agreements near or past their end whose year's performance waits for this prevention deputy, and
    approved agreements near their end still waiting for renewal."""
    ids = sorted(actor.supervised_center_ids) if actor is not None else []
    if not ids:
        return []
    today = timezone.localdate()
    soon = today + datetime.timedelta(days=PERFORMANCE_REVIEW_DAYS)
    items = []
    with scope(center=ids):
        agreements = (BaseAgreement.objects.filter(center_id__in=ids, status=BaseAgreement.Status.ACTIVE,
                                                   ends_on__lte=soon)
                      .exclude(performance=BaseAgreement.Performance.REJECTED)
                      .select_related("center__county", "center__organization"))
        renewed = set(BaseAgreement.objects.filter(center_id__in=ids, renewal_of__isnull=False)
                      .values_list("renewal_of_id", flat=True))
        for agreement in agreements:
            url = reverse("admin:bases_baseagreement_change", args=[agreement.pk])
            if agreement.performance == BaseAgreement.Performance.PENDING:
                if not services.is_prevention_deputy(actor, agreement.center):
                    continue
                kind, title = _("Yearly performance of a base"), _("Approve the %(year)s performance of %(base)s")
            elif agreement.pk not in renewed and access.may(actor, access.Action.SUPERVISE, agreement):
                kind, title = _("Agreement renewal"), _("Renew the %(year)s agreement of %(base)s")
            else:
                continue
            items.append({"kind": kind, "center": agreement.center,
                          "title": str(title % {"year": agreement.jalali_year, "base": agreement.center.name}),
                          "url": url, "due": agreement.ends_on, "overdue": today > agreement.ends_on})
    return items
