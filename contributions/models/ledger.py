"""The ledger core: purposes, accounts, double-entry transactions and their postings (DESIGN §5).

Amounts are integer rials. A ``LedgerTransaction`` has two or more ``Posting``s whose amounts sum to zero.

Sign convention (one convention for every account): **credit is positive, debit is negative.**

- funds (kind ``fund``, one per purpose) are credited (+) when money is received for their purpose and
  debited (−) when it is spent; a fund's balance is ``SUM(amount)`` and must never go below zero;
- bank and cash on hand are debited (−) when money comes in and credited (+) when it goes out, so their
  balance is negative: the money held is ``-SUM(amount)``;
- aid accounts (kind ``aid``, one per purpose) are credited (+) with the aid a fund granted, so
  ``SUM(amount)`` of the aid account of purpose P is the aid of purpose P granted so far. Paying that aid out
  of the bank (aid −, bank +) belongs to the payments step, not to this core.

The database, not only Python, enforces: balanced transactions (a deferred constraint trigger), immutable
postings and transactions (triggers refusing UPDATE and DELETE), no fund below zero, and the same center on
a posting, its transaction and its account. See migration 0003.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager


class Purpose(models.Model):
    """A purpose money may be given for: a managed national list, not tenant-owned."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=128)
    restricted = models.BooleanField(_("restricted"), default=True,
                                     help_text=_("Restricted money pays only for its own purpose."))

    class Meta:
        verbose_name = _("purpose")
        verbose_name_plural = _("purposes")
        ordering = ["code"]

    def __str__(self):
        return self.name


class Account(models.Model):
    """One account of a center's ledger; its balance is never stored: it is the sum of its postings."""

    class Kind(models.TextChoices):
        BANK = "bank", _("Bank")
        CASH = "cash", _("Cash on hand")
        FUND = "fund", _("Fund")
        CENTRAL = "central", _("Provincial central account")
        AID = "aid", _("Aid given")
        STOCK = "stock", _("In-kind stock")
        GOODS = "goods", _("In-kind fund")
        # Interest-free loans (beneficiaries/services/loans.py): the fund's money out on loan, credited when a
        # loan is disbursed from the fund and debited as it is repaid (or written off), so fund + loans of
        # the purpose is unchanged by lending. Only the loan services post to it.
        LOANS = "loans", _("Loans outstanding")

    center = models.ForeignKey("centers.Center", on_delete=models.PROTECT, related_name="accounts",
                               verbose_name=_("center"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    purpose = models.ForeignKey(Purpose, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                verbose_name=_("purpose"))
    name = models.CharField(_("name"), max_length=128, blank=True)

    objects = ScopedManager(center="center")

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        ordering = ["center", "kind", "purpose"]
        constraints = [
            models.UniqueConstraint(fields=["center", "kind", "purpose"], nulls_distinct=False,
                                    name="account_unique_per_center_kind_purpose"),
            models.CheckConstraint(condition=~Q(kind="fund") | Q(purpose__isnull=False),
                                   name="fund_account_has_purpose"),
        ]

    def __str__(self):
        label = self.get_kind_display()
        return f"{label} – {self.purpose}" if self.purpose_id else str(label)


class LedgerTransaction(models.Model):
    """A double-entry transaction; immutable once written. A mistake is corrected by a reversal."""

    center = models.ForeignKey("centers.Center", on_delete=models.PROTECT, related_name="ledger_transactions",
                               verbose_name=_("center"))
    occurred_on = models.DateField(_("occurred on"))
    memo = models.CharField(_("memo"), max_length=255, blank=True)
    reference = models.CharField(_("reference"), max_length=128, blank=True,
                                 help_text=_("Unique when given: the same event never posts twice."))
    approval_reference = models.CharField(
        _("approval reference"), max_length=128, blank=True,
        help_text=_("The board or council decision approving a spend or a transfer of general money."))
    reverses = models.OneToOneField("self", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="reversed_by", verbose_name=_("reverses"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("created by"))

    objects = ScopedManager(center="center")

    class Meta:
        verbose_name = _("ledger transaction")
        verbose_name_plural = _("ledger transactions")
        ordering = ["-occurred_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["reference"], condition=~Q(reference=""),
                                    name="ledger_transaction_reference_unique"),
        ]

    def __str__(self):
        return f"#{self.pk} {self.occurred_on} {self.memo}"


class Posting(models.Model):
    """One line of a transaction: a non-zero amount in rials on one account (credit +, debit −)."""

    center = models.ForeignKey("centers.Center", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("center"))
    transaction = models.ForeignKey(LedgerTransaction, on_delete=models.PROTECT, related_name="postings",
                                    verbose_name=_("transaction"))
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="postings",
                                verbose_name=_("account"))
    amount = models.BigIntegerField(_("amount (rials)"))

    objects = ScopedManager(center="center")

    class Meta:
        verbose_name = _("posting")
        verbose_name_plural = _("postings")
        ordering = ["pk"]
        constraints = [models.CheckConstraint(condition=~Q(amount=0), name="posting_amount_not_zero")]

    def __str__(self):
        return f"{self.account}: {self.amount}"


class CentralAllocation(models.Model):
    """Money of one purpose allocated back from the province's central account to a center (seed 001: cash
    collected is pooled in the province's central account, then put at the centers' disposal).

    Each center's share of the pool is its ``central`` account of that purpose (see ``services.central``).
    The money is drawn from ``source_center``'s share: the recipient's own share (money sent earlier coming
    back: one transaction at the recipient) or another center's (two transactions, one at each center: the
    purpose stays the same on both sides). Recorded only by a supervisor over the province.
    """

    center = models.ForeignKey("centers.Center", on_delete=models.PROTECT, related_name="central_allocations",
                               verbose_name=_("receiving center"))
    source_center = models.ForeignKey("centers.Center", on_delete=models.PROTECT, related_name="+",
                                      verbose_name=_("center whose share is drawn"))
    province = models.ForeignKey("centers.Province", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("province"))
    purpose = models.ForeignKey(Purpose, on_delete=models.PROTECT, related_name="+", verbose_name=_("purpose"))
    amount = models.BigIntegerField(_("amount (rials)"))
    occurred_on = models.DateField(_("date"))
    decision_reference = models.CharField(_("decision reference"), max_length=128,
                                          help_text=_("The council decision or financial document allocating it."))
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("approved by"))
    transaction = models.OneToOneField(LedgerTransaction, on_delete=models.PROTECT, related_name="+",
                                       verbose_name=_("transaction at the receiving center"))
    source_transaction = models.OneToOneField(LedgerTransaction, on_delete=models.PROTECT, null=True, blank=True,
                                              related_name="+",
                                              verbose_name=_("transaction at the center whose share is drawn"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ScopedManager(center="center")

    class Meta:
        verbose_name = _("central allocation")
        verbose_name_plural = _("central allocations")
        ordering = ["-occurred_on", "-pk"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="central_allocation_amount_positive")]

    def __str__(self):
        return f"{self.purpose}: {self.amount} → {self.center}"
