"""Rollup tables: what every report and dashboard reads instead of the raw tables (DESIGN §7).

Written only by ``reporting.rollups`` (set-based ``INSERT … SELECT … GROUP BY``), never by hand. ``ym`` is the
Jalali month as ``year * 100 + month`` (140407 = Mehr 1404), from the calendar table ``reporting_jcal``.

* ``MonthFigure``: one row per center × Jalali month × metric × code with a count and an amount (rials). Flow
  metrics (received, given, started...) add up over months; snapshot metrics (``hh_active``, ``hh_need``,
  ``hh_band``, ``spons_active``) describe the end of the month and are read at a period's last month. The
  metrics and codes are listed in ``reporting.rollups.METRICS``.
* ``DonorYear``: per donor × center × Jalali year, a 12-bit mask of the months they gave in (bit 0 =
  Farvardin), the first such month and the amount: new, returning and lapsed donors of any period come from it.
* ``ServedYear``: the same for households that received aid (households served in a period).
* ``PeriodFigure``: non-additive counts per center and period (``"1404-07"``, ``"1404-Q3"``, ``"1404"``):
  donors, new / returning / lapsed donors, households served — derived from the two tables above so a
  province's figure is a sum over its centers.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

__all__ = ["DonorYear", "MonthFigure", "PeriodFigure", "RegionMonthFigure", "ServedYear", "StaleMonth"]


class MonthFigure(models.Model):
    center = models.ForeignKey("centers.Center", on_delete=models.DO_NOTHING, db_constraint=False, db_index=False,
                               related_name="+", verbose_name=_("center"))
    ym = models.IntegerField(_("Jalali month"))
    metric = models.CharField(_("metric"), max_length=24)
    code = models.CharField(_("code"), max_length=64, default="", blank=True)
    count = models.BigIntegerField(_("count"), default=0)
    amount = models.BigIntegerField(_("amount (rials)"), default=0)

    objects = ScopedManager(center="center")

    class Meta:
        verbose_name = _("monthly figure")
        verbose_name_plural = _("monthly figures")
        indexes = [models.Index(fields=["center", "ym", "metric"], name="rep_monthfig_center_ym")]

    def __str__(self):
        return f"{self.center_id} {self.ym} {self.metric} {self.code}"


class RegionMonthFigure(models.Model):
    """``MonthFigure`` summed per county and organisation: what a county, province or national figure reads
    (a province is a few dozen rows per month and code instead of one per center). Not tenant-owned: it holds
    only sums over centers; access is decided on the scope (``reporting.scope.scope_allowed``)."""

    county = models.ForeignKey("centers.County", on_delete=models.DO_NOTHING, db_constraint=False, db_index=False,
                               related_name="+", verbose_name=_("county"))
    organization = models.ForeignKey("centers.Organization", on_delete=models.DO_NOTHING, db_constraint=False,
                                     db_index=False, related_name="+", verbose_name=_("organisation"))
    ym = models.IntegerField(_("Jalali month"))
    metric = models.CharField(_("metric"), max_length=24)
    code = models.CharField(_("code"), max_length=64, default="", blank=True)
    count = models.BigIntegerField(_("count"), default=0)
    amount = models.BigIntegerField(_("amount (rials)"), default=0)

    class Meta:
        verbose_name = _("regional monthly figure")
        verbose_name_plural = _("regional monthly figures")
        indexes = [models.Index(fields=["ym", "metric", "county"], name="rep_regionfig_ym_metric")]

    def __str__(self):
        return f"{self.county_id}/{self.organization_id} {self.ym} {self.metric} {self.code}"


class DonorYear(models.Model):
    center = models.ForeignKey("centers.Center", on_delete=models.DO_NOTHING, db_constraint=False, db_index=False,
                               related_name="+", verbose_name=_("center"))
    # Plain ids, not foreign keys: donor_merge walks every foreign key to Donor, and rollups are rebuilt, not moved.
    donor_id = models.BigIntegerField(_("donor"))
    jyear = models.SmallIntegerField(_("Jalali year"))
    months = models.IntegerField(_("months given (bit mask)"))
    first_month = models.SmallIntegerField(_("first month given"))
    amount = models.BigIntegerField(_("amount (rials)"), default=0)

    objects = ScopedManager(center="center")

    class Meta:
        verbose_name = _("donor's year at a center")
        verbose_name_plural = _("donors' years at centers")
        indexes = [models.Index(fields=["center", "jyear"], name="rep_donoryear_center")]

    def __str__(self):
        return f"{self.center_id} {self.donor_id} {self.jyear}"


class ServedYear(models.Model):
    center = models.ForeignKey("centers.Center", on_delete=models.DO_NOTHING, db_constraint=False, db_index=False,
                               related_name="+", verbose_name=_("center"))
    household_id = models.BigIntegerField(_("household"))
    jyear = models.SmallIntegerField(_("Jalali year"))
    months = models.IntegerField(_("months served (bit mask)"))
    amount = models.BigIntegerField(_("amount (rials)"), default=0)

    objects = ScopedManager(center="center")

    class Meta:
        verbose_name = _("household's year of aid")
        verbose_name_plural = _("households' years of aid")
        indexes = [models.Index(fields=["center", "jyear"], name="rep_servedyear_center")]

    def __str__(self):
        return f"{self.center_id} {self.household_id} {self.jyear}"


class PeriodFigure(models.Model):
    center = models.ForeignKey("centers.Center", on_delete=models.DO_NOTHING, db_constraint=False, db_index=False,
                               related_name="+", verbose_name=_("center"))
    period = models.CharField(_("period"), max_length=8)
    metric = models.CharField(_("metric"), max_length=24)
    count = models.BigIntegerField(_("count"), default=0)

    objects = ScopedManager(center="center")

    class Meta:
        verbose_name = _("period figure")
        verbose_name_plural = _("period figures")
        indexes = [models.Index(fields=["period", "metric", "center"], name="rep_periodfig_period"),
                   models.Index(fields=["center", "period"], name="rep_periodfig_center")]

    def __str__(self):
        return f"{self.center_id} {self.period} {self.metric}"


class StaleMonth(models.Model):
    """A center's month whose rollups must be refreshed (written by ``mark_stale``, drained by the task)."""

    center = models.ForeignKey("centers.Center", on_delete=models.DO_NOTHING, db_constraint=False,
                               related_name="+", verbose_name=_("center"))
    ym = models.IntegerField(_("Jalali month"))
    marked_at = models.DateTimeField(_("marked at"), auto_now=True)

    objects = ScopedManager(center="center")

    class Meta:
        verbose_name = _("stale month")
        verbose_name_plural = _("stale months")
        constraints = [models.UniqueConstraint(fields=["center", "ym"], name="rep_stalemonth_unique")]

    def __str__(self):
        return f"{self.center_id} {self.ym}"
