"""What a center tells the public about itself beyond its registered profile (issue 6)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager


class PublicProfile(models.Model):
    """The center's story on its public page, written by its board. Tenant-owned (one per center)."""

    center = models.OneToOneField("centers.Center", on_delete=models.CASCADE, related_name="public_profile",
                                  verbose_name=_("center"))
    story = models.TextField(_("our story"), blank=True, max_length=4000,
                             help_text=_("A few paragraphs for donors: who you are, whom you serve and how."))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ScopedManager(center="center")

    class Meta:
        verbose_name = _("public profile")
        verbose_name_plural = _("public profiles")

    def __str__(self):
        return str(self.center_id)
