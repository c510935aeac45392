"""Trustee pages of the bases app, one module per area; ``urlpatterns`` joins them."""

from . import agreements

urlpatterns = [
    *agreements.urlpatterns,
]
