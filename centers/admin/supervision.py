"""Admin of the supervision area: supervisors record inspections, decide destruction requests and answer
complaints here (every decision through the services, with a reason); ``approval_items`` lists what waits
for the actor's decision, for the approval queue."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from centers import access
from centers.models import (
    ArchivedDocument,
    Center,
    Complaint,
    ComplaintEvent,
    Decision,
    DocumentDestructionRequest,
    FollowUpAction,
    Inspection,
    Meeting,
)
from centers.models.supervision import CHECKLIST, Answer, checklist_score
from centers.services import supervision as services
from core.admin_base import SupervisorModelAdmin


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 4}))


def _with_reason(modeladmin, request, queryset, *, title, apply, reason_required=True):
    """An admin action that first asks for a reason (a page of its own), then calls ``apply(obj, reason)``
    — one service call — for each selected object, reporting refusals instead of failing."""
    form = ReasonForm(request.POST if "apply" in request.POST else None)
    if not reason_required:
        form.fields["reason"].required = False
    if "apply" in request.POST and form.is_valid():
        done = 0
        for obj in queryset:
            try:
                apply(obj, form.cleaned_data["reason"])
                done += 1
            except (ValidationError, PermissionDenied, Http404) as exc:
                text = "; ".join(exc.messages) if isinstance(exc, ValidationError) else _("Not allowed.")
                modeladmin.message_user(request, f"{obj}: {text}", messages.ERROR)
        if done:
            modeladmin.message_user(request, _("Done for %(n)d item(s).") % {"n": done}, messages.SUCCESS)
        return None
    return TemplateResponse(request, "centers/supervision/admin_reason.html", {
        **modeladmin.admin_site.each_context(request), "title": title, "form": form, "queryset": queryset,
        "action": request.POST.get("action"), "opts": modeladmin.model._meta,
        "selected": request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME),
    })


# --- Meetings and documents (read-only for supervisors) ---------------------------------------------------

class DecisionInline(admin.TabularInline):
    model = Decision
    extra = 0
    fields = ("number", "text", "amount")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Meeting)
class MeetingAdmin(SupervisorModelAdmin):
    list_display = ("__str__", "center", "held_on", "kind", "place")
    list_filter = ("kind",)
    list_select_related = ("center",)
    search_fields = ("center__name", "minutes")
    inlines = [DecisionInline]
    exclude = ("attendees",)


@admin.register(ArchivedDocument)
class ArchivedDocumentAdmin(SupervisorModelAdmin):
    list_display = ("title", "center", "kind", "document_date", "destroyed_at")
    list_filter = ("kind",)
    list_select_related = ("center",)
    search_fields = ("title", "center__name")


@admin.register(DocumentDestructionRequest)
class DocumentDestructionRequestAdmin(SupervisorModelAdmin):
    list_display = ("document", "center", "requested_by", "requested_at", "status", "decided_by")
    list_filter = ("status",)
    list_select_related = ("document", "center", "requested_by", "decided_by")
    actions = ["approve", "reject"]

    @admin.action(description=_("Approve the destruction (the file is deleted, its record kept)"))
    def approve(self, request, queryset):
        return _with_reason(self, request, queryset, title=_("Approve the destruction"), reason_required=False,
                            apply=lambda obj, reason: services.destruction_request_approve(
                                actor=request.actor, request=obj, note=reason))

    @admin.action(description=_("Reject the destruction"))
    def reject(self, request, queryset):
        return _with_reason(self, request, queryset, title=_("Reject the destruction"),
                            apply=lambda obj, reason: services.destruction_request_reject(
                                actor=request.actor, request=obj, note=reason))


# --- Inspections -------------------------------------------------------------------------------------------

class _InspectionForm(forms.ModelForm):
    """The inspection with one question per checklist item (stored as ``answers``)."""

    # Declared, with its queryset set per request: a generated field would query the scoped manager at import.
    center = forms.ModelChoiceField(label=_("center"), queryset=None)

    class Meta:
        model = Inspection
        fields = ["center", "inspected_on", "findings"]

    def __init__(self, *args, actor=None, **kwargs):
        super().__init__(*args, **kwargs)
        ids = sorted(actor.supervised_center_ids) if actor is not None else []
        self.fields["center"].queryset = Center.objects.filter(pk__in=ids)
        if self.instance.pk:
            for item in CHECKLIST:
                self.initial[f"item_{item.code}"] = self.instance.answers.get(item.code, Answer.NO)

    def answers(self) -> dict[str, str]:
        return {item.code: self.cleaned_data[f"item_{item.code}"] for item in CHECKLIST}


# One declared question per checklist item (declared, so the admin's fieldsets may name them).
InspectionForm = type("InspectionForm", (_InspectionForm,), {
    f"item_{item.code}": forms.ChoiceField(label=item.label, choices=Answer.choices, widget=forms.RadioSelect)
    for item in CHECKLIST})


class FollowUpInline(admin.TabularInline):
    model = FollowUpAction
    extra = 2
    fields = ("text", "due_on", "status", "done_note")
    readonly_fields = ("status", "done_note")

    def _may(self, request, obj):
        actor = getattr(request, "actor", None)
        return actor is not None and (obj is None or access.may(actor, access.Action.SUPERVISE, obj))

    def has_add_permission(self, request, obj=None):
        return self._may(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._may(request, obj)

    def has_view_permission(self, request, obj=None):
        return True

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Inspection)
class InspectionAdmin(SupervisorModelAdmin):
    """Supervisors record inspections of the centers they oversee (not only national administrators)."""

    form = InspectionForm
    list_display = ("center", "inspected_on", "inspector", "score")
    list_select_related = ("center", "inspector")
    readonly_fields = ("inspector", "score")
    inlines = [FollowUpInline]

    def has_add_permission(self, request):
        actor = self._actor(request)
        return bool(actor and actor.supervised_center_ids)

    def has_change_permission(self, request, obj=None):
        actor = self._actor(request)
        if obj is None:
            return bool(actor and actor.supervised_center_ids)
        return bool(actor and access.may(actor, access.Action.SUPERVISE, obj))

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        actor = self._actor(request)

        class ActorForm(form):
            def __init__(self, *args, **inner):
                super().__init__(*args, actor=actor, **inner)

        return ActorForm

    def get_fieldsets(self, request, obj=None):
        items = [f"item_{item.code}" for item in CHECKLIST]
        return [(None, {"fields": ["center", "inspected_on", "inspector", "score"]}),
                (_("Checklist"), {"fields": items}), (_("Findings"), {"fields": ["findings"]})]

    def save_model(self, request, obj, form, change):
        access.require(request.actor, access.Action.SUPERVISE, obj.center)
        if not change:
            obj.inspector = request.user
        obj.answers = form.answers()
        obj.score = checklist_score(obj.answers)  # the documented rule, never typed by hand
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        for follow_up in formset.save(commit=False):
            follow_up.center_id = form.instance.center_id
            follow_up.save()


# --- Complaints --------------------------------------------------------------------------------------------

class ComplaintEventInline(admin.TabularInline):
    model = ComplaintEvent
    extra = 0
    fields = ("at", "kind", "level", "actor", "text", "public")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Complaint)
class ComplaintAdmin(SupervisorModelAdmin):
    list_display = ("tracking_code", "center", "level", "status", "deadline", "overdue_flagged_at")
    list_filter = ("status", "level")
    list_select_related = ("center",)
    search_fields = ("tracking_code", "center__name")
    inlines = [ComplaintEventInline]
    actions = ["respond", "resolve"]

    @admin.action(description=_("Answer the complainant"))
    def respond(self, request, queryset):
        return _with_reason(self, request, queryset, title=_("Answer the complainant"),
                            apply=lambda obj, text: services.complaint_respond(
                                actor=request.actor, complaint=obj, text=text))

    @admin.action(description=_("Resolve the complaint"))
    def resolve(self, request, queryset):
        return _with_reason(self, request, queryset, title=_("Resolve the complaint"),
                            apply=lambda obj, text: services.complaint_resolve(
                                actor=request.actor, complaint=obj, text=text))


def approval_items(actor) -> list[dict]:
    """What waits for this supervisor in the supervision area: destruction requests pending at their
    centers, and complaints awaiting an answer at a level they handle (overdue first, then by deadline)."""
    ids = sorted(actor.supervised_center_ids)
    now = timezone.now()
    items: list[dict] = []
    for complaint in services.complaints_awaiting(actor):
        if complaint.level not in services.complaint_levels_for(actor, complaint.center):
            continue
        items.append({"kind": str(_("Complaint")), "center": complaint.center,
                      "title": f"{complaint.tracking_code} — {complaint.get_level_display()}",
                      "url": reverse("admin:centers_complaint_change", args=[complaint.pk]),
                      "due": timezone.localtime(complaint.deadline).date(), "overdue": complaint.deadline < now})
    for request in (DocumentDestructionRequest.objects.filter(center_id__in=ids,
                                                              status=DocumentDestructionRequest.Status.PENDING)
                    .select_related("center", "document").order_by("requested_at")):
        items.append({"kind": str(_("Document destruction")), "center": request.center,
                      "title": request.document.title,
                      "url": reverse("admin:centers_documentdestructionrequest_change", args=[request.pk]),
                      "due": None, "overdue": False})
    items.sort(key=lambda i: (not i["overdue"], i["due"] is None, i["due"] or now.date()))
    return items
