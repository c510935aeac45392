from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from community import selectors
from community.maps import harm_map_svg
from community.models import HarmSite

from .common import ReadOnlyAdmin


@admin.register(HarmSite)
class HarmSiteAdmin(ReadOnlyAdmin):
    list_display = ("title", "center", "category", "severity", "observed_on", "active")
    list_filter = ("category", "severity", "active")
    list_select_related = ("center",)
    fields = readonly_fields = ("center", "title", "category", "severity", "map", "geometry", "observed_on", "source",
                                "notes", "active", "created_by", "created_at")

    @admin.display(description=_("map"))
    def map(self, obj):
        """The site over its center's activity area (the other sites of the center are left out)."""
        return harm_map_svg(area=obj.center.activity_area, marks=selectors.harm_marks([obj]), width=640,
                            height=400)
