from django.contrib import admin

from community.models import CollectiveAction, ParticipatoryPlan, Partnership, PlanAction, Stakeholder

from .common import ReadOnlyAdmin, ReadOnlyInline


class StakeholderInline(ReadOnlyInline):
    model = Stakeholder
    fields = readonly_fields = ("name", "kind", "role")


class PlanActionInline(ReadOnlyInline):
    model = PlanAction
    fields = readonly_fields = ("title", "responsible", "due_on", "status")


@admin.register(ParticipatoryPlan)
class ParticipatoryPlanAdmin(ReadOnlyAdmin):
    list_display = ("title", "center", "starts_on", "ends_on", "status")
    list_filter = ("status",)
    list_select_related = ("center",)
    fields = readonly_fields = ("center", "title", "starts_on", "ends_on", "goals", "status", "created_by")
    inlines = [StakeholderInline, PlanActionInline]


@admin.register(CollectiveAction)
class CollectiveActionAdmin(ReadOnlyAdmin):
    list_display = ("title", "center", "held_on", "reach", "participants", "category")
    list_filter = ("category",)
    list_select_related = ("center",)
    fields = readonly_fields = ("center", "plan", "title", "category", "held_on", "reach", "participants",
                                "participants_description", "description", "created_by")


@admin.register(Partnership)
class PartnershipAdmin(ReadOnlyAdmin):
    list_display = ("body", "center", "kind", "started_on", "ends_on")
    list_filter = ("kind",)
    list_select_related = ("center",)
    fields = readonly_fields = ("center", "body", "kind", "subject", "started_on", "ends_on", "contact", "created_by")
