"""Admin of memoranda, the supervisors' home for them: provincial and national supervisors record and edit
the memoranda of their region (parties, commitments, the joint calendar, monitoring), county supervisors
read them. Querysets come from ``memoranda.selectors`` (the center scope does not apply: memoranda belong
to a province or the nation); a memorandum outside the actor's region is a 404, never a redirect that would
say it exists. Dates are typed and shown in the Jalali calendar."""

from django import forms
from django.contrib import admin
from django.db import models
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from centers.models import Province
from core.admin_base import SupervisorModelAdmin
from core.forms import JalaliDateField, JalaliDateInput
from core.templatetags.fa import jdate
from memoranda import selectors
from memoranda.models import CalendarEvent, Commitment, Memorandum, MonitoringRecord, Party

JALALI_DATES = {models.DateField: {"form_class": JalaliDateField, "widget": JalaliDateInput}}
# A plain small textarea in the tabular inlines: the admin's own is 48em wide, which pushes a row of six
# columns far beyond the screen.
SMALL_TEXT = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 28})}}


def _actor(request):
    return request.actor


class _MemorandumPart(admin.TabularInline):
    """An inline whose foreign keys to parties and commitments offer only this memorandum's own."""

    extra = 0
    formfield_overrides = {**JALALI_DATES, **SMALL_TEXT}
    PARTY_FIELDS = ("owner", "lead", "party")

    def _memorandum_id(self, request):
        object_id = (request.resolver_match.kwargs or {}).get("object_id") if request.resolver_match else None
        try:
            return int(object_id)
        except (TypeError, ValueError):
            return None

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        memorandum_id = self._memorandum_id(request)
        if db_field.name in self.PARTY_FIELDS:
            kwargs["queryset"] = Party.objects.filter(memorandum_id=memorandum_id).select_related("organization")
        elif db_field.name == "commitment":
            kwargs["queryset"] = Commitment.objects.filter(memorandum_id=memorandum_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_queryset(self, request):
        # Django empties an inline's queryset when asked for permission without the parent object; the
        # parent admin has already decided who reaches the page (memoranda.selectors).
        return self.model._default_manager.all()

    def has_view_permission(self, request, obj=None):
        return True

    def has_add_permission(self, request, obj=None):
        return obj is not None and selectors.may_edit(_actor(request), obj)

    def has_change_permission(self, request, obj=None):
        return obj is not None and selectors.may_edit(_actor(request), obj)

    def has_delete_permission(self, request, obj=None):
        return False


class PartyInline(_MemorandumPart):
    model = Party
    extra = 2
    fields = ("organization", "name", "signatory", "monitors")

    def has_add_permission(self, request, obj=None):
        return obj is None and selectors.may_record(_actor(request)) or super().has_add_permission(request, obj)


class CommitmentInline(_MemorandumPart):
    model = Commitment
    fields = ("owner", "description", "due_on", "status", "done_on", "current", "note")
    readonly_fields = ("current",)

    @admin.display(description=_("current status"))
    def current(self, obj):
        return obj.current_status_label() if obj.pk else "—"


class CalendarInline(_MemorandumPart):
    model = CalendarEvent
    fields = ("kind", "title", "starts_on", "ends_on", "lead", "description")


class MonitoringInline(_MemorandumPart):
    model = MonitoringRecord
    fields = ("party", "kind", "recorded_on", "commitment", "findings")


@admin.register(Memorandum)
class MemorandumAdmin(SupervisorModelAdmin):
    list_display = ("subject", "region", "signed", "valid", "open_commitments", "overdue_commitments")
    list_filter = ("province",)
    search_fields = ("subject", "number", "parties__name")
    fields = ("province", "subject", "number", "signed_on", "valid_from", "valid_until", "summary", "coordination")
    inlines = [PartyInline, CommitmentInline, CalendarInline, MonitoringInline]
    formfield_overrides = JALALI_DATES

    def get_queryset(self, request):
        return selectors.memoranda_for(_actor(request)).prefetch_related("commitments")

    def has_add_permission(self, request):
        return selectors.may_record(_actor(request))

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return selectors.may_record(_actor(request))
        return selectors.may_edit(_actor(request), obj)

    def get_inline_instances(self, request, obj=None):
        # A new memorandum gets its parties first: the commitments, calendar and monitoring name them.
        inlines = super().get_inline_instances(request, obj)
        return inlines if obj is not None else [i for i in inlines if isinstance(i, PartyInline)]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "province":
            allowed = selectors.recordable_province_ids(_actor(request))
            kwargs["queryset"] = Province.objects.all() if allowed is None else Province.objects.filter(pk__in=allowed)
            formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
            formfield.required = allowed is not None  # only national supervisors record national memoranda
            return formfield
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def _check(self, request, object_id):
        selectors.memorandum_get(_actor(request), object_id)  # 404 outside the actor's region

    def change_view(self, request, object_id, form_url="", extra_context=None):
        self._check(request, object_id)
        return super().change_view(request, object_id, form_url, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        self._check(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        raise Http404

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for instance in instances:
            if isinstance(instance, MonitoringRecord) and instance.recorded_by_id is None:
                instance.recorded_by = request.user
            instance.save()
        formset.save_m2m()

    @admin.display(description=_("region"), ordering="province__name")
    def region(self, obj):
        return obj.region_label

    @admin.display(description=_("signed on"), ordering="signed_on")
    def signed(self, obj):
        return jdate(obj.signed_on)

    @admin.display(description=_("valid until"), ordering="valid_until")
    def valid(self, obj):
        return jdate(obj.valid_until)

    @admin.display(description=_("open commitments"))
    def open_commitments(self, obj):
        from core.templatetags.fa import number

        return number(sum(1 for c in obj.commitments.all() if c.status != Commitment.Status.DONE))

    @admin.display(description=_("overdue"))
    def overdue_commitments(self, obj):
        from core.templatetags.fa import number

        today = timezone.localdate()
        return number(sum(1 for c in obj.commitments.all() if c.current_status(today) == Commitment.OVERDUE))


@admin.register(Commitment)
class CommitmentAdmin(SupervisorModelAdmin):
    """Every commitment of the memoranda in the actor's region, to follow and update their status."""

    list_display = ("description_short", "memorandum", "owner", "due", "current")
    list_filter = ("status", "memorandum__province")
    list_select_related = ("memorandum", "owner__organization")
    fields = ("memorandum", "owner", "description", "due_on", "status", "done_on", "note")
    readonly_fields = ("memorandum", "owner", "description", "due_on")
    formfield_overrides = JALALI_DATES

    def get_queryset(self, request):
        return Commitment.objects.filter(memorandum__in=selectors.memoranda_for(_actor(request)).values("pk"))

    def has_add_permission(self, request):
        return False  # added on the memorandum's page, where the owner is chosen among its parties

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return selectors.may_record(_actor(request))
        return selectors.may_edit(_actor(request), obj.memorandum)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if not self.get_queryset(request).filter(pk=_int(object_id)).exists():
            raise Http404
        return super().change_view(request, object_id, form_url, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        if not self.get_queryset(request).filter(pk=_int(object_id)).exists():
            raise Http404
        return super().history_view(request, object_id, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        raise Http404

    @admin.display(description=_("commitment"))
    def description_short(self, obj):
        return obj.description[:90]

    @admin.display(description=_("due on"), ordering="due_on")
    def due(self, obj):
        return jdate(obj.due_on)

    @admin.display(description=_("current status"))
    def current(self, obj):
        return obj.current_status_label()


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0
