"""The monthly participation report (seed 001): every unit reports its month to the participation office; the
county registers it, then the province. One row per center and Jalali month."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

__all__ = ["MonthlyReport"]


class MonthlyReport(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted to the county")
        COUNTY_REGISTERED = "county_registered", _("Registered by the county")
        PROVINCE_REGISTERED = "province_registered", _("Registered by the province")

    center = models.ForeignKey("centers.Center", on_delete=models.CASCADE, related_name="monthly_reports",
                               verbose_name=_("center"))
    year = models.PositiveSmallIntegerField(_("Jalali year"))
    month = models.PositiveSmallIntegerField(_("Jalali month"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    # The month's figures as submitted (reporting.figures.performance for the center and month): what the county
    # registers stays what the center sent, even if a late correction changes the rollups afterwards.
    figures = models.JSONField(_("figures"), default=dict, blank=True)
    notes = models.TextField(_("notes"), blank=True, max_length=4000,
                             help_text=_("Activities, problems and requests of the month for the participation "
                                         "office."))
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("submitted by"))
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    county_registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                             blank=True, related_name="+", verbose_name=_("registered by (county)"))
    county_registered_at = models.DateTimeField(_("registered at (county)"), null=True, blank=True)
    province_registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                               blank=True, related_name="+",
                                               verbose_name=_("registered by (province)"))
    province_registered_at = models.DateTimeField(_("registered at (province)"), null=True, blank=True)
    # Why the county or province sent it back to the center (it is a draft again).
    returned_reason = models.TextField(_("reason for return"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ScopedManager(center="center")

    class Meta:
        verbose_name = _("monthly report")
        verbose_name_plural = _("monthly reports")
        ordering = ("-year", "-month", "center_id")
        constraints = [
            models.UniqueConstraint(fields=("center", "year", "month"), name="reporting_one_monthly_report"),
            models.CheckConstraint(condition=Q(month__gte=1, month__lte=12), name="reporting_monthly_month_1_12"),
            models.CheckConstraint(condition=Q(status="draft") | Q(submitted_at__isnull=False),
                                   name="reporting_monthly_submitted_has_time"),
        ]
        indexes = [models.Index(fields=("year", "month", "status"), name="reporting_monthly_ym_idx")]

    def __str__(self):
        return f"{self.center_id} {self.year}-{self.month:02d} ({self.status})"

    @property
    def period(self) -> str:
        return f"{self.year}-{self.month:02d}"
