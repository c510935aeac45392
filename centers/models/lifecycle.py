"""Models of the lifecycle area: a center's licenses, the history of its status changes and the areas it serves.

The transitions themselves (which status may become which, by whom) are one table in
``centers.services.lifecycle.TRANSITIONS``; these models only keep what happened.
"""

import pghistory
import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from .tenancy import Center

__all__ = ["CenterTransition", "License", "ServedArea"]


class CenterTransition(models.Model):
    """One change of a center's status, kept for ever: the database refuses to update or delete it."""

    center = models.ForeignKey(Center, on_delete=models.PROTECT, related_name="transitions",
                               verbose_name=_("center"))
    name = models.CharField(_("transition"), max_length=32)
    from_status = models.CharField(_("from status"), max_length=16, choices=Center.Status.choices)
    to_status = models.CharField(_("to status"), max_length=16, choices=Center.Status.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+", verbose_name=_("by"))
    at = models.DateTimeField(_("at"), auto_now_add=True)
    reason = models.TextField(_("reason"), blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    objects = ScopedManager(center="center")

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["center", "-at"])]
        triggers = [
            pgtrigger.Protect(name="center_transition_append_only", operation=pgtrigger.Update | pgtrigger.Delete),
        ]

    def __str__(self):
        return f"{self.center_id}: {self.from_status} → {self.to_status}"

    @property
    def label(self):
        from centers.services.lifecycle import TRANSITIONS

        transition = TRANSITIONS.get(self.name)
        return transition.label if transition else self.name


@pghistory.track()
class License(models.Model):
    """One validity period of a center's activity license (مجوز فعالیت): the first issue or a renewal.

    The activity code (کد فعالیت) belongs to the center (``Center.activity_code``, unique) and is repeated on
    each period so a printed license can be checked against it.
    """

    class Kind(models.TextChoices):
        ISSUE = "issue", _("Issue")
        RENEWAL = "renewal", _("Renewal")

    center = models.ForeignKey(Center, on_delete=models.PROTECT, related_name="licenses", verbose_name=_("center"))
    activity_code = models.CharField(_("activity code"), max_length=32)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.ISSUE)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name=_("issued by"))
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    reminder_sent_at = models.DateTimeField(_("expiry reminder sent at"), null=True, blank=True)

    objects = ScopedManager(center="center")

    class Meta:
        verbose_name = _("license")
        verbose_name_plural = _("licenses")
        ordering = ["-valid_until", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["center", "valid_from"], name="one_license_period_per_start"),
            models.CheckConstraint(condition=Q(valid_until__gt=F("valid_from")), name="license_ends_after_start"),
        ]
        indexes = [models.Index(fields=["valid_until"])]

    def __str__(self):
        return f"{self.activity_code} ({self.valid_from} – {self.valid_until})"


class ServedArea(models.Model):
    """A less-privileged area a center in a well-off neighbourhood also serves (seed 002, note 2)."""

    center = models.ForeignKey(Center, on_delete=models.CASCADE, related_name="served_areas",
                               verbose_name=_("center"))
    description = models.CharField(_("description"), max_length=300)
    area = models.JSONField(_("area"), null=True, blank=True, help_text=_("A GeoJSON Polygon (longitude, latitude)."))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ScopedManager(center="center")

    class Meta:
        verbose_name = _("served area")
        verbose_name_plural = _("served areas")
        ordering = ["center", "pk"]

    def __str__(self):
        return self.description
