from django.contrib import admin

from core.admin_base import SupervisorModelAdmin


class ReadOnlyAdmin(SupervisorModelAdmin):
    """Supervisors read a base's neighbourhood work in their region (the tenant scope narrows every list);
    the records are written by the base through the services, so nobody adds or changes them here."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False
