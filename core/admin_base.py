from django.contrib import admin


class SupervisorModelAdmin(admin.ModelAdmin):
    """Admin pages for supervisors: permissions come from the actor (their assignments), not from groups.

    Supervisors read everything in their region (the tenant scope narrows every queryset); changing data
    goes through the services and approval flows, so only national administrators edit here directly.
    """

    def _actor(self, request):
        return getattr(request, "actor", None)

    def has_module_permission(self, request):
        actor = self._actor(request)
        return bool(actor and (actor.is_supervisor or request.user.is_superuser))

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return False
