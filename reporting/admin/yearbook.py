"""The yearbook's parts on its run's admin page: which part is done, how many pages, how long it took, how much
memory its worker process used, and why a part failed. Read only; the run's page already checked access."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy

from core.digits import to_persian_digits
from reporting.admin.runs import ReportRunAdmin
from reporting.models import YearbookSection


class YearbookSectionInline(admin.TabularInline):
    model = YearbookSection
    extra = 0
    can_delete = False
    fields = ("position", "title", "status", "pages", "duration", "memory", "error")
    readonly_fields = fields
    ordering = ("position",)
    verbose_name_plural = gettext_lazy("Parts of the yearbook")

    def has_view_permission(self, request, obj=None):
        # ``obj`` is the run (None when Django asks about the parts' queryset): shown on yearbook runs only
        if obj is not None and obj.kind != obj.Kind.YEARBOOK:
            return False
        actor = getattr(request, "actor", None)
        return bool(actor and (actor.is_supervisor or request.user.is_superuser))

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=gettext_lazy("seconds"))
    def duration(self, section):
        return "" if section.seconds is None else to_persian_digits(f"{section.seconds:.1f}".replace(".", "٫"))

    @admin.display(description=gettext_lazy("peak memory (MB)"))
    def memory(self, section):
        return "" if section.peak_rss_kb is None else to_persian_digits(section.peak_rss_kb // 1024)


# The run's admin belongs to reporting/admin/runs.py; the parts exist only for yearbook runs, so they are shown
# there without that module knowing about the yearbook.
ReportRunAdmin.inlines = [*ReportRunAdmin.inlines, YearbookSectionInline]
