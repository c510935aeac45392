"""Receipts (رسید): numbered per center and Jalali year without gaps, verifiable by anyone.

- ``ReceiptCounter`` holds the last number issued for one center and one Jalali year. Issuing a receipt
  increments it with one ``INSERT … ON CONFLICT DO UPDATE`` statement, which locks the row until the
  transaction ends: concurrent confirmations at one center take numbers one after the other, and a
  confirmation that rolls back gives its number back (no gap, no repeat).
- ``Receipt`` belongs to exactly one contribution. Its ``verification_code`` is an HMAC of the receipt's
  facts (center, year, number, contribution, amount, date, purpose) under a key kept outside the database
  (``RECEIPT_VERIFICATION_KEY``), so it cannot be guessed, and a receipt whose facts were changed behind the
  services' back no longer verifies. Number, year, code, center and contribution can never change (database
  trigger) and a receipt is never deleted: a reversed contribution's receipt stays, shown as void.

The services in ``contributions.services.receipts`` are the only writers.
"""

import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

__all__ = ["Receipt", "ReceiptCounter"]


class ReceiptCounter(models.Model):
    """The last receipt number issued by a center in a Jalali year."""

    center = models.ForeignKey("centers.Center", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("center"))
    jalali_year = models.PositiveSmallIntegerField(_("Jalali year"))
    last_number = models.PositiveIntegerField(_("last number"), default=0)

    objects = ScopedManager(center="center")

    class Meta:
        verbose_name = _("receipt counter")
        verbose_name_plural = _("receipt counters")
        constraints = [models.UniqueConstraint(fields=["center", "jalali_year"], name="receipt_counter_unique")]

    def __str__(self):
        return f"{self.center_id}/{self.jalali_year}: {self.last_number}"


class Receipt(models.Model):
    center = models.ForeignKey("centers.Center", on_delete=models.PROTECT, related_name="receipts",
                               verbose_name=_("center"))
    contribution = models.OneToOneField("contributions.Contribution", on_delete=models.PROTECT,
                                        related_name="receipt", verbose_name=_("contribution"))
    jalali_year = models.PositiveSmallIntegerField(_("Jalali year"))
    number = models.PositiveIntegerField(_("number"))
    verification_code = models.CharField(_("verification code"), max_length=16, unique=True)
    issued_at = models.DateTimeField(_("issued at"))
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name=_("issued by"))
    print_count = models.PositiveIntegerField(_("times printed"), default=0,
                                              help_text=_("Every print after the first is marked as a duplicate."))
    last_printed_at = models.DateTimeField(_("last printed at"), null=True, blank=True)
    last_printed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                        blank=True, related_name="+", verbose_name=_("last printed by"))

    objects = ScopedManager(center="center")

    class Meta:
        verbose_name = _("receipt")
        verbose_name_plural = _("receipts")
        ordering = ["-jalali_year", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["center", "jalali_year", "number"], name="receipt_number_unique"),
            models.CheckConstraint(condition=Q(number__gt=0), name="receipt_number_positive"),
        ]
        triggers = [
            pgtrigger.Protect(name="receipt_never_deleted", operation=pgtrigger.Delete),
            pgtrigger.ReadOnly(name="receipt_facts_immutable",
                               fields=["center", "contribution", "jalali_year", "number", "verification_code",
                                       "issued_at"]),
        ]

    def __str__(self):
        return self.display_number

    @property
    def display_number(self) -> str:
        """``1405-000123``: the Jalali year and the number within the center's series of that year."""
        return f"{self.jalali_year}-{self.number:06d}"

    @property
    def display_code(self) -> str:
        """The verification code in groups of four, as printed: ``ABCD-EFGH-JKMN-PQRS``."""
        code = self.verification_code
        return "-".join(code[i:i + 4] for i in range(0, len(code), 4))

    @property
    def is_void(self) -> bool:
        """A reversed contribution's receipt stays, but no longer stands for a gift."""
        return self.contribution.status == self.contribution.Status.REVERSED
