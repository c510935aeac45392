from django.contrib import admin

from community.models import Informant, LocalAsset, LocalProblem, NeedsAssessment

from .common import ReadOnlyAdmin, ReadOnlyInline


class ProblemInline(ReadOnlyInline):
    model = LocalProblem
    fields = readonly_fields = ("priority_rank", "problem", "category", "notes")


class InformantInline(ReadOnlyInline):
    model = Informant
    fields = readonly_fields = ("name", "role")


@admin.register(NeedsAssessment)
class NeedsAssessmentAdmin(ReadOnlyAdmin):
    list_display = ("title", "center", "neighbourhood", "assessed_on")
    list_select_related = ("center",)
    search_fields = ("title", "neighbourhood")
    fields = readonly_fields = ("center", "title", "neighbourhood", "assessed_on", "method", "summary", "created_by",
                                "created_at")
    inlines = [ProblemInline, InformantInline]


@admin.register(LocalAsset)
class LocalAssetAdmin(ReadOnlyAdmin):
    list_display = ("name", "center", "kind", "contact", "recorded_on", "active")
    list_filter = ("kind", "active")
    list_select_related = ("center",)
    fields = readonly_fields = ("center", "kind", "name", "description", "contact", "recorded_on", "active",
                                "created_by")
