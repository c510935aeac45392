from django.contrib import admin

from centers.models import Center, County, Organization, Province, SupervisorAssignment, TrusteeAppointment
from core.admin_base import SupervisorModelAdmin


@admin.register(Province)
class ProvinceAdmin(SupervisorModelAdmin):
    list_display = ("name", "code")
    search_fields = ("name",)


@admin.register(County)
class CountyAdmin(SupervisorModelAdmin):
    list_display = ("name", "province", "code")
    list_filter = ("province",)
    search_fields = ("name",)
    list_select_related = ("province",)


@admin.register(Organization)
class OrganizationAdmin(SupervisorModelAdmin):
    list_display = ("code", "name")


class AppointmentInline(admin.TabularInline):
    model = TrusteeAppointment
    extra = 0
    fields = ("role", "user", "starts_on", "ends_on", "status")
    raw_id_fields = ("user",)

    def has_add_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return True

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Center)
class CenterAdmin(SupervisorModelAdmin):
    list_display = ("name", "kind", "organization", "county", "host_place", "status")
    list_filter = ("status", "kind", "organization", "county__province")
    search_fields = ("name", "slug")
    list_select_related = ("organization", "county")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("county",)
    inlines = [AppointmentInline]


@admin.register(TrusteeAppointment)
class TrusteeAppointmentAdmin(SupervisorModelAdmin):
    list_display = ("center", "role", "user", "starts_on", "status")
    list_filter = ("role", "status")
    list_select_related = ("center", "user")
    raw_id_fields = ("user", "center")


@admin.register(SupervisorAssignment)
class SupervisorAssignmentAdmin(SupervisorModelAdmin):
    list_display = ("user", "organization", "level", "province", "county", "active")
    list_filter = ("organization", "level", "active")
    list_select_related = ("user", "organization", "province", "county")
    raw_id_fields = ("user",)
    autocomplete_fields = ("county", "province")

    def get_queryset(self, request):
        # Not tenant-owned: a supervisor sees the assignments of their own organisations only.
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(organization__in=[a.organization_id for a in request.actor.assignments])
