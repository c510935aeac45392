"""The map of social harms of a neighbourhood (seed 004, commitment 3: «ترسیم نقشه آسیب های اجتماعی در سطح
محله»): places, never people. A site is a GeoJSON Point or Polygon (longitude, latitude) inside Iran, with the
kind of harm and its severity; the map draws them over the center's activity area (``community.maps``)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from .assessment import ProblemCategory

__all__ = ["HarmSite"]


class HarmSite(models.Model):
    center = models.ForeignKey("centers.Center", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("center"))
    title = models.CharField(_("title"), max_length=200,
                             help_text=_("A street, block or place; never a person or a household."))
    category = models.CharField(_("kind of harm"), max_length=20, choices=ProblemCategory.choices)
    severity = models.PositiveSmallIntegerField(_("severity (1-5)"))
    geometry = models.JSONField(_("place (GeoJSON Point or Polygon)"))
    observed_on = models.DateField(_("observed on"))
    source = models.CharField(_("source"), max_length=200, blank=True,
                              help_text=_("Who or what reported it: informants, a walk, the police station…"))
    notes = models.TextField(_("notes"), blank=True)
    active = models.BooleanField(_("still present"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("recorded by"))
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = ScopedManager(center="center")

    class Meta:
        verbose_name = _("social-harm site")
        verbose_name_plural = _("social-harm sites")
        ordering = ["-severity", "category", "pk"]
        indexes = [models.Index(fields=["center", "active"], name="community_harm_center_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(severity__gte=1, severity__lte=5), name="community_harm_severity_1_5"),
        ]

    def __str__(self):
        return self.title

    @property
    def geometry_type(self) -> str:
        return (self.geometry or {}).get("type", "")
