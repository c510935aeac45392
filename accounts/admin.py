from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (*BaseUserAdmin.fieldsets, (_("Contact"), {"fields": ("mobile",)}))
    list_display = ("username", "first_name", "last_name", "mobile", "is_staff", "is_active")

    def has_module_permission(self, request):
        # Accounts are managed nationally; provincial supervisors manage roles, not logins.
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser
