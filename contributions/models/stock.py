"""In-kind stock (انبار کالاهای اهدایی): goods received are stock, held in the ledger at value (DESIGN §5).

- ``StockItem``: one kind of goods at a center (category, description, unit), e.g. "rice, kg". Gifts of the
  same goods land on the same item, so the trustees see one level per item.
- ``StockLot``: what one in-kind line brought in: the quantity received and what remains of it, the unit
  value, the purpose it was given for (goods given for purpose P are distributed only as aid of P), and for
  perishables the expiry date. Distributions draw on lots first to expire, first out.
- ``StockMovement``: every change of a lot, append-only (a database trigger refuses UPDATE and DELETE):
  receipt, distribution, reversal (a gift reversed before anything was drawn on), write-off (spoiled,
  expired or damaged, always with a reason). Quantities are positive; the kind says the direction.

The database keeps a lot honest: its remaining quantity is never negative nor above what was received, and
its remaining value likewise. The services in ``contributions.services.stock`` are the only writers.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from .gifts import InKindLine

__all__ = ["StockItem", "StockLot", "StockMovement"]


def format_quantity(value: Decimal | None) -> str:
    """A quantity without trailing zeros (``12.500`` → ``12.5``, ``3.000`` → ``3``), Latin digits."""
    if value is None:
        return ""
    text = format(Decimal(value).normalize(), "f")
    return text


class StockItem(models.Model):
    """One kind of goods held by a center. ``key`` is the normalised description (Arabic yeh and kaf made
    Persian, spaces collapsed), so «برنج  ايراني» and «برنج ایرانی» are the same item."""

    center = models.ForeignKey("centers.Center", on_delete=models.PROTECT, related_name="stock_items",
                               verbose_name=_("center"))
    category = models.CharField(_("category"), max_length=16, choices=InKindLine.Category.choices)
    description = models.CharField(_("item"), max_length=160)
    key = models.CharField(_("lookup key"), max_length=160, editable=False)
    unit = models.CharField(_("unit"), max_length=8, choices=InKindLine.Unit.choices)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ScopedManager(center="center")

    class Meta:
        verbose_name = _("stock item")
        verbose_name_plural = _("stock items")
        ordering = ["category", "description"]
        constraints = [
            models.UniqueConstraint(fields=["center", "category", "key", "unit"], name="stock_item_unique"),
        ]

    def __str__(self):
        return f"{self.description} ({self.get_unit_display()})"


class StockLot(models.Model):
    """What one in-kind line brought into the stock, and what remains of it."""

    center = models.ForeignKey("centers.Center", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("center"))
    item = models.ForeignKey(StockItem, on_delete=models.PROTECT, related_name="lots", verbose_name=_("item"))
    line = models.OneToOneField(InKindLine, on_delete=models.PROTECT, related_name="stock_lot",
                                verbose_name=_("in-kind line"))
    contribution = models.ForeignKey("contributions.Contribution", on_delete=models.PROTECT,
                                     related_name="stock_lots", verbose_name=_("contribution"))
    purpose = models.ForeignKey("contributions.Purpose", on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("purpose"),
                                help_text=_("Goods given for a purpose are distributed only as aid of that "
                                            "purpose."))
    received_on = models.DateField(_("date received"))
    quantity_received = models.DecimalField(_("quantity received"), max_digits=12, decimal_places=3,
                                            validators=[MinValueValidator(Decimal("0.001"))])
    quantity_remaining = models.DecimalField(_("quantity remaining"), max_digits=12, decimal_places=3)
    unit_value = models.BigIntegerField(_("unit value (rials)"), validators=[MinValueValidator(1)])
    value_received = models.BigIntegerField(_("value received (rials)"))
    value_remaining = models.BigIntegerField(_("value remaining (rials)"))
    perishable = models.BooleanField(_("perishable"), default=False)
    expires_on = models.DateField(_("expiry date"), null=True, blank=True)

    objects = ScopedManager(center="center")

    class Meta:
        verbose_name = _("stock lot")
        verbose_name_plural = _("stock lots")
        # First to expire, first out: lots with an expiry date by that date, then the others; oldest first.
        ordering = [F("expires_on").asc(nulls_last=True), "received_on", "pk"]
        indexes = [models.Index(fields=["center", "item", "expires_on"])]
        constraints = [
            models.CheckConstraint(condition=Q(quantity_received__gt=0), name="stock_lot_received_positive"),
            models.CheckConstraint(condition=Q(quantity_remaining__gte=0), name="stock_lot_remaining_not_negative"),
            models.CheckConstraint(condition=Q(quantity_remaining__lte=F("quantity_received")),
                                   name="stock_lot_remaining_within_received"),
            models.CheckConstraint(condition=Q(unit_value__gt=0), name="stock_lot_unit_value_positive"),
            models.CheckConstraint(condition=Q(value_remaining__gte=0) & Q(value_remaining__lte=F("value_received")),
                                   name="stock_lot_value_within_received"),
            models.CheckConstraint(condition=Q(quantity_remaining__gt=0) | Q(value_remaining=0),
                                   name="stock_lot_empty_has_no_value"),
            models.CheckConstraint(condition=Q(perishable=False) | Q(expires_on__isnull=False),
                                   name="stock_lot_perishable_has_expiry"),
        ]

    def __str__(self):
        return f"{self.item.description} #{self.pk}"

    @property
    def is_empty(self) -> bool:
        return self.quantity_remaining <= 0

    def is_expired(self, today) -> bool:
        return self.expires_on is not None and self.expires_on < today

    @property
    def quantity_received_display(self) -> str:
        return format_quantity(self.quantity_received)

    @property
    def quantity_remaining_display(self) -> str:
        return format_quantity(self.quantity_remaining)


class StockMovement(models.Model):
    """One change of one lot; append-only. Quantity and value are positive; ``kind`` says the direction
    (a receipt adds, everything else takes out). One operation over several lots (a distribution drawing on
    two lots) shares its ``batch`` and its ledger transaction."""

    class Kind(models.TextChoices):
        RECEIPT = "receipt", _("Receipt")
        DISTRIBUTION = "distribution", _("Distribution")
        REVERSAL = "reversal", _("Reversal of the gift")
        WRITE_OFF = "write_off", _("Write-off")

    class Cause(models.TextChoices):
        SPOILED = "spoiled", _("Spoiled")
        EXPIRED = "expired", _("Expired")
        DAMAGED = "damaged", _("Damaged or lost")

    center = models.ForeignKey("centers.Center", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("center"))
    item = models.ForeignKey(StockItem, on_delete=models.PROTECT, related_name="movements",
                             verbose_name=_("item"))
    lot = models.ForeignKey(StockLot, on_delete=models.PROTECT, related_name="movements", verbose_name=_("lot"))
    batch = models.UUIDField(_("operation"), db_index=True,
                             help_text=_("The movements of one operation share it."))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    cause = models.CharField(_("cause"), max_length=16, choices=Cause.choices, blank=True)
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=3)
    value = models.BigIntegerField(_("value (rials)"))
    purpose = models.ForeignKey("contributions.Purpose", on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("purpose"),
                                help_text=_("For a distribution: the aid's purpose, always the lot's own."))
    occurred_on = models.DateField(_("date"))
    recipient_reference = models.CharField(
        _("recipient reference"), max_length=120, blank=True,
        help_text=_("A household file number or a short note on who received the goods; never shown to "
                    "donors."))
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    ledger_transaction = models.ForeignKey("contributions.LedgerTransaction", on_delete=models.PROTECT,
                                           null=True, blank=True, related_name="stock_movements",
                                           verbose_name=_("ledger transaction"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("recorded by"))

    objects = ScopedManager(center="center")

    class Meta:
        verbose_name = _("stock movement")
        verbose_name_plural = _("stock movements")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["center", "item", "created_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="stock_movement_quantity_positive"),
            models.CheckConstraint(condition=Q(value__gte=0), name="stock_movement_value_not_negative"),
            models.CheckConstraint(condition=~Q(kind="write_off") | (~Q(cause="") & ~Q(reason="")),
                                   name="stock_write_off_has_cause_and_reason"),
            models.CheckConstraint(condition=Q(kind="write_off") | Q(cause=""),
                                   name="stock_cause_only_for_write_off"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.item.description} × {format_quantity(self.quantity)}"

    @property
    def quantity_display(self) -> str:
        return format_quantity(self.quantity)
