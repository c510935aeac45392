"""The donors' own pages: one-time login codes and the messages sent to donors.

A donor is not a Django ``User``: they prove they hold a mobile number with a code sent to it by SMS, and
see every ``Donor`` row with that number, in every organisation (DESIGN §1). ``LoginCode`` belongs to a
mobile number, not to a center (it is not tenant data). ``DonorMessage`` records each message sent to a donor
about a center's gift, pledge or sponsorship, once per ``key`` (so a retried task or a second scan never
sends twice); it is the center's, scoped like every tenant row.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager


class LoginCode(models.Model):
    """A one-time code sent to a mobile number. Only its keyed hash is stored (HMAC-SHA256 with
    ``DONOR_OTP_KEY``): a copy of the database does not give the codes away."""

    mobile = models.CharField(_("mobile"), max_length=11)
    code_hash = models.CharField(_("code hash"), max_length=64)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    superseded = models.BooleanField(_("superseded"), default=False,
                                     help_text=_("A newer code was sent to the same mobile."))

    class Meta:
        verbose_name = _("login code")
        verbose_name_plural = _("login codes")
        indexes = [models.Index(fields=["mobile", "-created_at"])]

    def __str__(self):
        return f"{self.mobile} {self.created_at:%Y-%m-%d %H:%M}"


class DonorMessage(models.Model):
    class Kind(models.TextChoices):
        RECEIPT = "receipt", _("Receipt link")
        PLEDGE_REMINDER = "pledge_reminder", _("Pledge reminder")
        SPONSORSHIP_NEWS = "sponsorship_news", _("Sponsorship news")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    center = models.ForeignKey("centers.Center", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("center"))
    donor = models.ForeignKey("donors.Donor", on_delete=models.PROTECT, related_name="+", verbose_name=_("donor"))
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    key = models.CharField(_("key"), max_length=100, unique=True,
                           help_text=_("What the message is about; one message per key."))
    mobile = models.CharField(_("mobile"), max_length=11, blank=True)
    text = models.TextField(_("text"), blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.QUEUED)
    provider_id = models.CharField(_("provider's message id"), max_length=64, blank=True)
    error = models.CharField(_("error"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    objects = ScopedManager(center="center")

    class Meta:
        verbose_name = _("message to a donor")
        verbose_name_plural = _("messages to donors")
        ordering = ["-created_at"]
        constraints = [models.CheckConstraint(condition=~Q(status="sent") | ~Q(provider_id=""),
                                              name="donor_message_sent_has_provider_id")]

    def __str__(self):
        return self.key
