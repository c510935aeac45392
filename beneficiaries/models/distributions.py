"""Aid distribution (توزیع کمک‌ها) and dowry aid (جهیزیه).

Seed 002: the vice-chair distributes the aid collected and records it; the needy are served confidentially
and respectfully. DESIGN §5: restricted money is spent only as the donor intended, general money on a decision
of the council; goods go out first to expire, first out.

- ``AidDistribution``: one handing-out of aid to a household (optionally for one member): cash from a fund
  (its ``LedgerTransaction``), goods from the stock (its ``AidGoodsLine``s, each pointing at the stock
  operation's batch and ledger transaction) or donated service capacity (its ``ServiceCapacityUse`` rows).
  Written only by ``beneficiaries.services.distributions``, in one transaction with what moved.
- ``ServiceCapacityUse``: hours or sessions of one confirmed service gift (``ServiceDetail``) handed out. The
  sum of a gift's uses stays between zero and what was donated: checked under a row lock by the service and
  again by a database trigger (migration ``0005_distributions_sql``). Append-only; a reversal is a negative
  row pointing at the use it cancels.
- ``DowryCase`` and ``DowryItem``: a member about to marry, the wedding date, the goods needed with their
  estimated values; requested → approved (by ``MANAGE_FINANCE``) → delivered, or cancelled. Delivered through
  distributions of purpose ``dowry`` linked to the case.
"""

from __future__ import annotations

from decimal import Decimal

import pghistory
import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from contributions.models.stock import format_quantity

__all__ = ["AidDistribution", "AidGoodsLine", "DowryCase", "DowryItem", "ServiceCapacityUse"]


@pghistory.track()
class DowryCase(models.Model):
    """A dowry case (پرونده جهیزیه) for a member of a household about to marry."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        APPROVED = "approved", _("Approved")
        DELIVERED = "delivered", _("Delivered")
        CANCELLED = "cancelled", _("Cancelled")

    center = models.ForeignKey("centers.Center", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("center"))
    household = models.ForeignKey("beneficiaries.Household", on_delete=models.PROTECT, related_name="dowry_cases",
                                  verbose_name=_("household"))
    member = models.ForeignKey("beneficiaries.Member", on_delete=models.PROTECT, related_name="dowry_cases",
                               verbose_name=_("member about to marry"))
    wedding_on = models.DateField(_("wedding date"))
    spouse_name = models.CharField(_("spouse's name"), max_length=128, blank=True)
    note = models.TextField(_("note"), blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.REQUESTED)
    approval_reference = models.CharField(_("approval reference"), max_length=128, blank=True,
                                          help_text=_("The board decision approving the case, if any."))
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("approved by"))
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("delivered or cancelled at"), null=True, blank=True)
    closed_reason = models.TextField(_("reason for cancelling"), blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("requested by"))
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)

    objects = ScopedManager(center="center")

    class Meta:
        verbose_name = _("dowry case")
        verbose_name_plural = _("dowry cases")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["center", "status", "wedding_on"])]
        constraints = [
            # One open case per person: a second request waits until the first is delivered or cancelled.
            models.UniqueConstraint(fields=["member"], condition=Q(status__in=["requested", "approved"]),
                                    name="dowry_case_one_open_per_member"),
            models.CheckConstraint(condition=Q(status="requested") | Q(status="cancelled")
                                   | Q(approved_at__isnull=False), name="dowry_case_approved_has_time"),
        ]

    def __str__(self):
        return _("Dowry case %(number)s") % {"number": self.pk}

    @property
    def estimated_total(self) -> int:
        return sum(item.estimated_value for item in self.items.all())


class DowryItem(models.Model):
    """One item a dowry case needs, with its estimated value in rials."""

    center = models.ForeignKey("centers.Center", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("center"))
    case = models.ForeignKey(DowryCase, on_delete=models.PROTECT, related_name="items", verbose_name=_("dowry case"))
    description = models.CharField(_("item"), max_length=160)
    estimated_value = models.BigIntegerField(_("estimated value (rials)"))

    objects = ScopedManager(center="center")

    class Meta:
        verbose_name = _("dowry item")
        verbose_name_plural = _("dowry items")
        ordering = ["pk"]
        constraints = [models.CheckConstraint(condition=Q(estimated_value__gt=0), name="dowry_item_value_positive")]

    def __str__(self):
        return self.description


@pghistory.track()
class AidDistribution(models.Model):
    """Aid handed out to a household: cash, goods or a service. ``value`` is in rials: the cash paid, the
    stock value of the goods, or the declared value of the service hours or sessions used."""

    class Kind(models.TextChoices):
        CASH = "cash", _("Cash")
        GOODS = "goods", _("Goods")
        SERVICE = "service", _("Service")

    class Status(models.TextChoices):
        RECORDED = "recorded", _("Recorded")
        REVERSED = "reversed", _("Reversed")

    center = models.ForeignKey("centers.Center", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("center"))
    household = models.ForeignKey("beneficiaries.Household", on_delete=models.PROTECT, related_name="distributions",
                                  verbose_name=_("household"))
    member = models.ForeignKey("beneficiaries.Member", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="distributions", verbose_name=_("for member"))
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    purpose = models.ForeignKey("contributions.Purpose", on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("aid purpose"))
    source_purpose = models.ForeignKey(
        "contributions.Purpose", on_delete=models.PROTECT, related_name="+", null=True, blank=True,
        verbose_name=_("paid from"),
        help_text=_("The fund (cash) or the goods' purpose (goods): the aid purpose itself, or general money."))
    approval_reference = models.CharField(
        _("approval reference"), max_length=128, blank=True,
        help_text=_("The board or council decision approving the use of general money."))
    value = models.BigIntegerField(_("value (rials)"), default=0)
    occurred_on = models.DateField(_("date"))
    note = models.CharField(_("note"), max_length=255, blank=True)
    ledger_transaction = models.OneToOneField("contributions.LedgerTransaction", on_delete=models.PROTECT, null=True,
                                              blank=True, related_name="aid_distribution",
                                              verbose_name=_("ledger transaction"))
    service_type = models.CharField(_("service type"), max_length=16, blank=True)
    service_measure = models.CharField(_("measured in"), max_length=8, blank=True)
    service_quantity = models.DecimalField(_("hours or sessions"), max_digits=8, decimal_places=1, null=True,
                                           blank=True)
    dowry_case = models.ForeignKey(DowryCase, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="distributions", verbose_name=_("dowry case"))
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.RECORDED)
    reversal_transaction = models.OneToOneField(
        "contributions.LedgerTransaction", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("reversing ledger transaction"))
    reversal_reason = models.CharField(_("reason for reversal"), max_length=255, blank=True)
    reversed_at = models.DateTimeField(_("reversed at"), null=True, blank=True)
    reversed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("reversed by"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = ScopedManager(center="center")

    class Meta:
        verbose_name = _("aid distribution")
        verbose_name_plural = _("aid distributions")
        ordering = ["-occurred_on", "-pk"]
        indexes = [models.Index(fields=["center", "occurred_on"], name="aid_distribution_center_date"),
                   models.Index(fields=["household", "occurred_on"], name="aid_distribution_household")]
        constraints = [
            models.CheckConstraint(condition=Q(value__gte=0), name="aid_distribution_value_not_negative"),
            models.CheckConstraint(condition=~Q(kind="cash") | Q(ledger_transaction__isnull=False),
                                   name="aid_distribution_cash_has_transaction"),
            models.CheckConstraint(condition=~Q(kind="service") | Q(service_quantity__gt=0),
                                   name="aid_distribution_service_has_quantity"),
            models.CheckConstraint(condition=Q(status="recorded") | Q(reversed_at__isnull=False),
                                   name="aid_distribution_reversed_has_time"),
        ]

    def __str__(self):
        return _("Aid distribution %(number)s") % {"number": self.pk}

    @property
    def is_reversed(self) -> bool:
        return self.status == self.Status.REVERSED

    @property
    def service_quantity_display(self) -> str:
        return format_quantity(self.service_quantity)


class AidGoodsLine(models.Model):
    """One item of goods in a distribution: what ``stock_distribute`` drew (its ``batch`` finds the stock
    movements, one per lot) and the ledger transaction that took the value out of the in-kind fund."""

    center = models.ForeignKey("centers.Center", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("center"))
    distribution = models.ForeignKey(AidDistribution, on_delete=models.PROTECT, related_name="goods",
                                     verbose_name=_("distribution"))
    item = models.ForeignKey("contributions.StockItem", on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("item"))
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=3)
    value = models.BigIntegerField(_("value (rials)"))
    stock_batch = models.UUIDField(_("stock operation"), unique=True)
    ledger_transaction = models.OneToOneField("contributions.LedgerTransaction", on_delete=models.PROTECT,
                                              null=True, blank=True, related_name="+",
                                              verbose_name=_("ledger transaction"))

    objects = ScopedManager(center="center")

    class Meta:
        verbose_name = _("goods handed out")
        verbose_name_plural = _("goods handed out")
        ordering = ["pk"]
        constraints = [models.CheckConstraint(condition=Q(quantity__gt=0), name="aid_goods_quantity_positive")]

    def __str__(self):
        return f"{self.item.description} × {self.quantity_display}"

    @property
    def quantity_display(self) -> str:
        return format_quantity(self.quantity)


class ServiceCapacityUse(models.Model):
    """Hours or sessions of one donated service (a confirmed service gift's ``ServiceDetail``) handed out by a
    distribution. Append-only; a reversal is a row of the opposite sign pointing at the use it cancels. The
    database keeps ``0 ≤ SUM(quantity) ≤ donated`` per gift (trigger, migration ``0005_distributions_sql``)."""

    center = models.ForeignKey("centers.Center", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("center"))
    service = models.ForeignKey("contributions.ServiceDetail", on_delete=models.PROTECT, related_name="uses",
                                verbose_name=_("donated service"))
    distribution = models.ForeignKey(AidDistribution, on_delete=models.PROTECT, related_name="service_uses",
                                     verbose_name=_("distribution"))
    quantity = models.DecimalField(_("hours or sessions"), max_digits=8, decimal_places=1)
    value = models.BigIntegerField(_("value (rials)"), default=0)
    reverses = models.OneToOneField("self", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="reversed_by", verbose_name=_("reverses"))
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = ScopedManager(center="center")

    class Meta:
        verbose_name = _("service capacity used")
        verbose_name_plural = _("service capacity used")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=(Q(reverses__isnull=True) & Q(quantity__gt=0))
                                   | (Q(reverses__isnull=False) & Q(quantity__lt=0)),
                                   name="service_use_sign_matches_reversal"),
        ]
        triggers = [pgtrigger.Protect(name="service_use_append_only",
                                      operation=pgtrigger.Update | pgtrigger.Delete)]

    def __str__(self):
        return f"{self.service} − {format_quantity(Decimal(self.quantity))}"
