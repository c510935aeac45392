"""Trustee and supervisor pages of the beneficiaries app, one module per area; ``urlpatterns`` joins them."""

from . import distributions, households, importing, loans, plans, socialwork, sponsorships

urlpatterns = [
    *households.urlpatterns,
    *socialwork.urlpatterns,
    *distributions.urlpatterns,
    *sponsorships.urlpatterns,
    *importing.urlpatterns,
    *loans.urlpatterns,
    *plans.urlpatterns,
]
