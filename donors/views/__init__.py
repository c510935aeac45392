"""Trustee pages of the donors app: donors (``pages``) and the Excel import and export (``transfer``)."""

from . import pages, transfer

urlpatterns = [*pages.urlpatterns, *transfer.urlpatterns]
