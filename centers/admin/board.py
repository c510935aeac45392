"""Admin of the board area: supervisors decide board change requests here too (approve / reject with a reason)."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from centers.models import BoardChangeRequest, BoardChangeStep, PersonFile, Volunteer
from centers.services import board as services
from core.admin_base import SupervisorModelAdmin


class StepInline(admin.TabularInline):
    model = BoardChangeStep
    extra = 0
    fields = ("position", "kind", "role", "user", "target")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Reason for rejecting"), widget=forms.Textarea(attrs={"rows": 3}),
                             max_length=2000)


def _decide(modeladmin, request, queryset, decide) -> None:
    done = 0
    for change in queryset:
        try:
            decide(change)
        except (ValidationError, PermissionDenied) as error:
            text = " ".join(error.messages) if isinstance(error, ValidationError) else _("Not allowed.")
            modeladmin.message_user(request, f"{change}: {text}", messages.ERROR)
        else:
            done += 1
    if done:
        modeladmin.message_user(request, _("%(count)s request(s) decided.") % {"count": done}, messages.SUCCESS)


@admin.register(BoardChangeRequest)
class BoardChangeRequestAdmin(SupervisorModelAdmin):
    list_display = ("__str__", "center", "status", "requested_by", "submitted_at", "decided_at")
    list_filter = ("status",)
    list_select_related = ("center", "requested_by")
    readonly_fields = ("center", "requested_by", "status", "reason", "submitted_at", "decided_by", "decided_at",
                       "decision_note")
    inlines = [StepInline]
    actions = ["approve", "reject"]

    def get_actions(self, request):
        # Decisions belong to supervisors (the admin-base answers the module permission the same way).
        return super().get_actions(request) if self.has_module_permission(request) else {}

    @admin.action(description=_("Approve and apply the selected board changes"))
    def approve(self, request, queryset):
        _decide(self, request, queryset,
                lambda change: services.board_change_request_approve(actor=request.actor, change=change))

    @admin.action(description=_("Reject the selected board changes (with a reason)"))
    def reject(self, request, queryset):
        form = RejectForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            reason = form.cleaned_data["reason"]
            _decide(self, request, queryset, lambda change: services.board_change_request_reject(
                actor=request.actor, change=change, reason=reason))
            return None
        return TemplateResponse(request, "centers/board/admin_reject.html", {
            **self.admin_site.each_context(request), "title": _("Reject board changes"), "form": form,
            "queryset": queryset, "opts": self.model._meta,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        })


@admin.register(Volunteer)
class VolunteerAdmin(SupervisorModelAdmin):
    list_display = ("name", "center", "gender", "since", "active")
    list_filter = ("gender", "active")
    list_select_related = ("center",)
    search_fields = ("name",)


@admin.register(PersonFile)
class PersonFileAdmin(SupervisorModelAdmin):
    list_display = ("__str__", "center", "updated_at")
    list_select_related = ("center", "user", "volunteer")


def approval_items(actor) -> list[dict]:
    """Board change requests awaiting a decision by this supervisor (for the lead's approval queue)."""
    if not actor.supervised_center_ids:
        return []
    today = timezone.localdate()
    items = []
    for change in (BoardChangeRequest.objects.filter(status=BoardChangeRequest.Status.SUBMITTED,
                                                      center_id__in=sorted(actor.supervised_center_ids))
                   .select_related("center").order_by("submitted_at")):
        due = services.due_date(change)
        items.append({
            "kind": str(_("Board change")),
            "center": change.center,
            "title": str(change),
            "url": reverse("admin:centers_boardchangerequest_change", args=[change.pk]),
            "due": due,
            "overdue": due is not None and due < today,
        })
    return items
