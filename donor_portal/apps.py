from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DonorPortalConfig(AppConfig):
    name = "donor_portal"
    verbose_name = _("Donors' own pages")
