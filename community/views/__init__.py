"""Trustee pages of neighbourhood work under ``/centers/<center_slug>/community/``, one module per area;
``urlpatterns`` joins them. Every page looks its records up inside the center, so another center's record is
a 404 like a missing one; writing asks ``Action.MANAGE_COMMUNITY`` (403 for other roles)."""

from . import assessment, harms, planning

urlpatterns = [
    *assessment.urlpatterns,
    *harms.urlpatterns,
    *planning.urlpatterns,
]
