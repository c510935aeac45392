"""Online payments (DESIGN §6): a center's merchant settings, our own ``Payment`` with its state machine, and
the built-in sandbox bank's own records.

``Payment`` states (``payments.services.TRANSITIONS`` is the one table of what may become what)::

    created ──request accepted──▶ redirected ──callback "paid"──▶ returned ──verify OK──▶ verified
       │                            │  │                             │
       └─request refused─▶ failed ◀─┘  └─callback "cancelled"─▶ cancelled      └─verify refused─▶ failed
                                    └─abandoned, bank says unpaid─▶ expired

- **created**: stored before the gateway is asked, so nothing is lost if the gateway fails.
- **redirected**: the gateway gave an authority; the donor was sent to the bank.
- **returned**: the bank said "paid" on the callback; our verify call has not (yet) confirmed it (a gateway
  that did not answer leaves it here for the re-verification task).
- **verified**: the gateway verified the amount *from our database*; the confirmed contribution, its ledger
  posting and its receipt exist (``contribution``). The stored outcome answers every later callback.
- **failed** / **cancelled** / **expired**: nothing was posted. A late callback or the re-verification task
  may still turn them into *verified* when the gateway verifies the payment: money the bank took for the
  center is never ignored.

Reversal of an online gift is a reversal of its contribution (``contributions.services.gifts``); the payment
keeps its history.
"""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager


class Gateway(models.TextChoices):
    SANDBOX = "sandbox", _("Sandbox bank (testing)")
    ZARINPAL = "zarinpal", _("Zarinpal")
    ZIBAL = "zibal", _("Zibal")


class MerchantAccount(models.Model):
    """A center's online-giving settings: one gateway merchant, settling into the center's one bank account
    (seed 002: a center's only permitted account is at the designated bank; ``Center.iban``).

    The merchant id is stored encrypted (``payments.crypto``) and shown only masked (``merchant_hint``).
    ``accepted_purposes`` empty means every purpose; otherwise the donation page offers general giving plus
    these restricted purposes.
    """

    center = models.OneToOneField("centers.Center", on_delete=models.PROTECT, related_name="merchant_account",
                                  verbose_name=_("center"))
    gateway = models.CharField(_("gateway"), max_length=16, choices=Gateway.choices)
    merchant_id_encrypted = models.TextField(_("merchant id (encrypted)"), editable=False)
    merchant_hint = models.CharField(_("merchant id"), max_length=32, editable=False,
                                     help_text=_("Only the last characters are ever shown."))
    active = models.BooleanField(_("accepting online gifts"), default=True)
    accepted_purposes = models.ManyToManyField("contributions.Purpose", blank=True, related_name="+",
                                               verbose_name=_("accepted purposes"),
                                               help_text=_("Empty: every purpose."))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("updated by"))

    objects = ScopedManager(center="center")

    class Meta:
        verbose_name = _("merchant account")
        verbose_name_plural = _("merchant accounts")

    def __str__(self):
        return f"{self.get_gateway_display()} {self.merchant_hint}"


class Payment(models.Model):
    class Status(models.TextChoices):
        CREATED = "created", _("Created")
        REDIRECTED = "redirected", _("Sent to the bank")
        RETURNED = "returned", _("Returned from the bank, being verified")
        VERIFIED = "verified", _("Verified")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")
        EXPIRED = "expired", _("Expired")

    center = models.ForeignKey("centers.Center", on_delete=models.PROTECT, related_name="payments",
                               verbose_name=_("center"))
    merchant = models.ForeignKey(MerchantAccount, on_delete=models.PROTECT, related_name="payments",
                                 verbose_name=_("merchant account"))
    gateway = models.CharField(_("gateway"), max_length=16, choices=Gateway.choices)
    public_id = models.CharField(_("payment code"), max_length=32, unique=True, editable=False,
                                 help_text=_("Unguessable: it names the payment in the donor's addresses."))
    amount = models.BigIntegerField(_("amount (rials)"), validators=[MinValueValidator(1)])
    purpose = models.ForeignKey("contributions.Purpose", on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("purpose"))
    campaign = models.ForeignKey("contributions.Campaign", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name=_("campaign"))
    donor_name = models.CharField(_("donor's name"), max_length=128, blank=True)
    donor_mobile = models.CharField(_("donor's mobile"), max_length=11, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.CREATED)
    authority = models.CharField(_("gateway authority"), max_length=64, blank=True,
                                 help_text=_("The gateway's id of this payment (authority or track id)."))
    callback_url = models.URLField(_("callback address"), max_length=400, blank=True)
    ref_id = models.CharField(_("bank reference"), max_length=64, blank=True)
    card_pan = models.CharField(_("card (masked)"), max_length=32, blank=True)
    outcome_code = models.CharField(_("gateway answer code"), max_length=16, blank=True)
    outcome_message = models.CharField(_("outcome"), max_length=255, blank=True)
    contribution = models.OneToOneField("contributions.Contribution", on_delete=models.PROTECT, null=True,
                                        blank=True, related_name="payment", verbose_name=_("contribution"))
    callbacks = models.PositiveIntegerField(_("callbacks received"), default=0)
    verify_attempts = models.PositiveIntegerField(_("verify attempts"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    redirected_at = models.DateTimeField(_("sent to the bank at"), null=True, blank=True)
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    objects = ScopedManager(center="center")

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["center", "-created_at"]),
                   models.Index(fields=["status", "created_at"], name="payment_pending_idx",
                                condition=Q(status__in=["created", "redirected", "returned"]))]
        constraints = [
            models.UniqueConstraint(fields=["gateway", "authority"], condition=~Q(authority=""),
                                    name="payment_gateway_authority_unique"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            models.CheckConstraint(condition=~Q(status="verified") | Q(contribution__isnull=False),
                                   name="payment_verified_has_contribution"),
        ]

    def __str__(self):
        return f"{self.get_gateway_display()} {self.public_id}"

    @property
    def is_final(self) -> bool:
        return self.status == self.Status.VERIFIED


class SandboxTransaction(models.Model):
    """The sandbox bank's own book: what a real bank would hold on its side. Not a tenant's data (the bank
    knows merchants, not centers), so it has no center and no scoped manager; only the sandbox bank's views
    and API read it, and only with ``PAYMENTS_SANDBOX_ENABLED``."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the payer")
        PAID = "paid", _("Paid")
        CANCELLED = "cancelled", _("Cancelled by the payer")
        DECLINED = "declined", _("Declined by the bank")

    authority = models.CharField(max_length=64, unique=True)
    merchant_id = models.CharField(max_length=64)
    amount = models.BigIntegerField()
    paid_amount = models.BigIntegerField(null=True, blank=True)
    callback_url = models.URLField(max_length=400)
    description = models.CharField(max_length=255, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    simulate = models.CharField(max_length=16, blank=True)
    ref_id = models.CharField(max_length=32, blank=True)
    card_pan = models.CharField(max_length=32, blank=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    verify_calls = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("sandbox bank transaction")
        verbose_name_plural = _("sandbox bank transactions")

    def __str__(self):
        return self.authority
