"""Admin of the sponsorships area and of the household register imports, for supervisors: read-only (written
through the services and the trustees' pages only)."""

from django.contrib import admin

from beneficiaries.admin.households import _ReadOnly
from beneficiaries.models import HouseholdImport, ProgressNote, Sponsorship


class ProgressNoteInline(admin.TabularInline):
    model = ProgressNote
    extra = 0
    fields = ("written_on", "text", "author", "is_published")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Sponsorship)
class SponsorshipAdmin(_ReadOnly):
    list_display = ("__str__", "center", "kind", "pledge", "household", "starts_on", "status")
    list_filter = ("kind", "status")
    list_select_related = ("center", "pledge", "household")
    fields = ("center", "kind", "pledge", "household", "member", "starts_on", "ends_on", "status", "end_reason",
              "created_by", "created_at")
    readonly_fields = fields
    inlines = [ProgressNoteInline]


@admin.register(HouseholdImport)
class HouseholdImportAdmin(_ReadOnly):
    list_display = ("__str__", "center", "filename", "row_count", "status", "created_at", "finished_at")
    list_filter = ("status",)
    list_select_related = ("center",)
    fields = ("center", "filename", "row_count", "status", "counts", "bad_rows", "already_registered", "message",
              "requested_by", "created_at", "finished_at")
    readonly_fields = fields
