"""Pledges (تعهدات): a donor's recurring (monthly) or one-off commitment, in rials or in kind, for a purpose or
for a sponsorship (seed 000 §6: «ایفای تعهدات ریالی و غیر ریالی مستمر یا موردی»).

A ``Pledge`` has a schedule of ``PledgeInstalment``s. Monthly instalments fall on the same Jalali day of each
Jalali month, clamped to the month's length (a pledge due on the 31st is due on 30 Mehr and on 29 Esfand in
a common year). A fixed pledge has all its instalments from the start; an open-ended one has them written
through the month after today (the daily task extends it).

Every payment is a confirmed ``Contribution`` matched to the instalments through ``PledgePayment`` rows:
oldest unpaid instalment first, partial payments allowed; a payment larger than one instalment is carried to
the next ones, and one larger than everything still owed on the written schedule is refused (so no money sits
unmatched). ``PledgeReminder`` records the one reminder an overdue instalment gets.

The services in ``contributions.services.pledges`` are the only writers.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_scopes import ScopedManager

from core.jalali import JalaliPeriod, days_in_month, from_jalali

from .gifts import InKindLine

__all__ = ["Pledge", "PledgeInstalment", "PledgePayment", "PledgeReminder", "instalment_due_date"]


def instalment_due_date(start_year: int, start_month: int, due_day: int, index: int):
    """The Gregorian date of instalment ``index`` (0-based): ``index`` Jalali months after the start month,
    on ``due_day`` clamped to that month's length."""
    month_index = start_year * 12 + (start_month - 1) + index
    year, month = divmod(month_index, 12)
    month += 1
    return from_jalali(year, month, min(due_day, days_in_month(year, month)))


class Pledge(models.Model):
    class Kind(models.TextChoices):
        MONTHLY = "monthly", _("Recurring (monthly)")
        ONE_OFF = "one_off", _("One-off")

    class Form(models.TextChoices):
        CASH = "cash", _("Cash (rials)")
        IN_KIND = "in_kind", _("In kind")

    class Target(models.TextChoices):
        PURPOSE = "purpose", _("A purpose")
        ORPHAN = "orphan_sponsorship", _("Orphan sponsorship (Ekram)")
        FAMILY = "family_sponsorship", _("Family sponsorship (Mohsenin)")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        PAUSED = "paused", _("Paused")
        CANCELLED = "cancelled", _("Cancelled")
        COMPLETED = "completed", _("Completed")

    center = models.ForeignKey("centers.Center", on_delete=models.PROTECT, related_name="pledges",
                               verbose_name=_("center"))
    donor = models.ForeignKey("donors.Donor", on_delete=models.PROTECT, related_name="pledges",
                              verbose_name=_("donor"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.MONTHLY)
    form = models.CharField(_("form"), max_length=16, choices=Form.choices, default=Form.CASH)
    target = models.CharField(_("for"), max_length=24, choices=Target.choices, default=Target.PURPOSE)
    purpose = models.ForeignKey("contributions.Purpose", on_delete=models.PROTECT, related_name="pledges",
                                verbose_name=_("purpose"))
    # Legacy (issue 4): free text typed before the beneficiaries app linked pledges to households. The link is
    # now ``beneficiaries.Sponsorship`` (pledge -> household, and the orphan); nothing writes these two columns
    # any more and the donor never sees them. Kept, read-only, so no reference typed earlier is lost; drop them
    # once every sponsorship pledge is linked.
    sponsorship_reference = models.CharField(
        _("sponsored file reference"), max_length=64, null=True, blank=True,
        help_text=_("The beneficiary file sponsored; for staff only, never shown to the donor."))
    sponsorship_profile = models.CharField(
        _("anonymised profile"), max_length=255, blank=True,
        help_text=_("What the donor may see of the sponsored orphan or family: no name, no address."))

    amount = models.BigIntegerField(_("amount per instalment (rials)"),
                                    validators=[MinValueValidator(1)],
                                    help_text=_("For goods, their estimated value in rials."))
    item_description = models.CharField(_("goods"), max_length=160, blank=True)
    item_unit = models.CharField(_("unit"), max_length=8, choices=InKindLine.Unit.choices, blank=True)
    item_quantity = models.DecimalField(_("quantity per instalment"), max_digits=12, decimal_places=3,
                                        null=True, blank=True, validators=[MinValueValidator(Decimal("0.001"))])

    start_year = models.PositiveSmallIntegerField(_("first Jalali year"))
    start_month = models.PositiveSmallIntegerField(_("first Jalali month"),
                                                   validators=[MinValueValidator(1), MaxValueValidator(12)])
    due_day = models.PositiveSmallIntegerField(_("day of the month due"),
                                               validators=[MinValueValidator(1), MaxValueValidator(31)])
    instalment_count = models.PositiveSmallIntegerField(_("number of instalments"), null=True, blank=True,
                                                        help_text=_("Empty for an open-ended pledge."))

    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.ACTIVE)
    note = models.CharField(_("note"), max_length=255, blank=True)
    paused_at = models.DateTimeField(_("paused at"), null=True, blank=True)
    pause_reason = models.CharField(_("reason for pausing"), max_length=255, blank=True)
    resumed_at = models.DateTimeField(_("resumed at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=255, blank=True)
    cancelled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("cancelled by"))
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("created by"))

    objects = ScopedManager(center="center")

    class Meta:
        verbose_name = _("pledge")
        verbose_name_plural = _("pledges")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["center", "status"]), models.Index(fields=["donor"])]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="pledge_amount_positive"),
            models.CheckConstraint(condition=Q(start_month__gte=1, start_month__lte=12),
                                   name="pledge_start_month_valid"),
            models.CheckConstraint(condition=Q(due_day__gte=1, due_day__lte=31), name="pledge_due_day_valid"),
            models.CheckConstraint(condition=~Q(kind="one_off") | Q(instalment_count=1),
                                   name="pledge_one_off_has_one_instalment"),
            models.CheckConstraint(condition=Q(instalment_count__isnull=True) | Q(instalment_count__gte=1),
                                   name="pledge_instalment_count_positive"),
            models.CheckConstraint(
                condition=Q(form="cash", item_quantity__isnull=True, item_description="")
                | Q(form="in_kind", item_quantity__gt=0) & ~Q(item_description="") & ~Q(item_unit=""),
                name="pledge_goods_only_in_kind"),
            models.CheckConstraint(condition=~Q(target="purpose") | Q(sponsorship_reference__isnull=True),
                                   name="pledge_only_sponsorship_has_reference"),
            models.CheckConstraint(condition=~Q(status="cancelled") | Q(cancelled_at__isnull=False),
                                   name="pledge_cancelled_has_time"),
        ]

    def __str__(self):
        return _("Pledge #%(pk)s") % {"pk": self.pk}

    @property
    def open_ended(self) -> bool:
        return self.instalment_count is None

    @property
    def start_period(self) -> JalaliPeriod:
        return JalaliPeriod.for_month(self.start_year, self.start_month)

    @property
    def is_sponsorship(self) -> bool:
        return self.target != self.Target.PURPOSE

    def due_date(self, index: int):
        """The due date of instalment ``index`` (0-based)."""
        return instalment_due_date(self.start_year, self.start_month, self.due_day, index)

    def donor_view(self) -> dict:
        """What the donor's own pages may show: never the sponsored file, only the anonymised profile of the
        linked sponsorship (``beneficiaries.selectors_sponsorships``; DESIGN §8: donors never see who received
        aid). The free-text columns above are never shown."""
        sponsored = ""
        if self.is_sponsorship:
            from beneficiaries.selectors_sponsorships import pledge_sponsored_summary

            sponsored = pledge_sponsored_summary(self)
        return {"kind": self.get_kind_display(), "purpose": self.purpose.name, "amount": self.amount,
                "target": self.get_target_display(), "sponsored": sponsored, "status": self.get_status_display()}


class PledgeInstalment(models.Model):
    class Status(models.TextChoices):
        DUE = "due", pgettext_lazy("pledge instalment", "Due")
        PAID = "paid", pgettext_lazy("pledge instalment", "Paid")
        PARTLY_PAID = "partly_paid", pgettext_lazy("pledge instalment", "Partly paid")
        OVERDUE = "overdue", pgettext_lazy("pledge instalment", "Overdue")
        WAIVED = "waived", pgettext_lazy("pledge instalment", "Waived")

    center = models.ForeignKey("centers.Center", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("center"))
    pledge = models.ForeignKey(Pledge, on_delete=models.PROTECT, related_name="instalments",
                               verbose_name=_("pledge"))
    sequence = models.PositiveSmallIntegerField(_("number"))
    due_on = models.DateField(_("due on"))
    amount_due = models.BigIntegerField(_("amount due (rials)"))
    amount_paid = models.BigIntegerField(_("amount paid (rials)"), default=0)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DUE)
    waived_reason = models.CharField(_("reason waived"), max_length=255, blank=True)
    contributions = models.ManyToManyField("contributions.Contribution", through="PledgePayment",
                                           related_name="pledge_instalments", verbose_name=_("contributions"))

    objects = ScopedManager(center="center")

    class Meta:
        verbose_name = _("pledge instalment")
        verbose_name_plural = _("pledge instalments")
        ordering = ["pledge", "sequence"]
        indexes = [models.Index(fields=["center", "status", "due_on"])]
        constraints = [
            models.UniqueConstraint(fields=["pledge", "sequence"], name="pledge_instalment_unique_sequence"),
            models.CheckConstraint(condition=Q(amount_due__gt=0), name="pledge_instalment_amount_positive"),
            models.CheckConstraint(condition=Q(amount_paid__gte=0) & Q(amount_paid__lte=models.F("amount_due")),
                                   name="pledge_instalment_paid_within_due"),
            models.CheckConstraint(condition=~Q(status="paid") | Q(amount_paid=models.F("amount_due")),
                                   name="pledge_instalment_paid_in_full"),
        ]

    def __str__(self):
        return f"{self.pledge_id}/{self.sequence}"

    @property
    def outstanding(self) -> int:
        return 0 if self.status == self.Status.WAIVED else self.amount_due - self.amount_paid

    @property
    def open(self) -> bool:
        """Still waiting for money (due, partly paid or overdue)."""
        return self.status not in (self.Status.PAID, self.Status.WAIVED)


class PledgePayment(models.Model):
    """The part of a contribution matched to one instalment. A contribution larger than one instalment is
    split over several rows (oldest instalment first)."""

    center = models.ForeignKey("centers.Center", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("center"))
    pledge = models.ForeignKey(Pledge, on_delete=models.PROTECT, related_name="payments", verbose_name=_("pledge"))
    instalment = models.ForeignKey(PledgeInstalment, on_delete=models.PROTECT, related_name="payments",
                                   verbose_name=_("instalment"))
    contribution = models.ForeignKey("contributions.Contribution", on_delete=models.PROTECT,
                                     related_name="pledge_payments", verbose_name=_("contribution"))
    amount = models.BigIntegerField(_("amount matched (rials)"))
    matched_at = models.DateTimeField(_("matched at"), auto_now_add=True)
    matched_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("matched by"))
    unmatched_at = models.DateTimeField(
        _("unmatched at"), null=True, blank=True,
        help_text=_("Set when the contribution was reversed: its money no longer counts for the instalment."))

    objects = ScopedManager(center="center")

    class Meta:
        verbose_name = _("pledge payment")
        verbose_name_plural = _("pledge payments")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="pledge_payment_amount_positive"),
            models.UniqueConstraint(fields=["instalment", "contribution"], name="pledge_payment_unique_pair"),
        ]

    def __str__(self):
        return f"{self.contribution_id} → {self.instalment}"


class PledgeReminder(models.Model):
    """The one reminder an overdue instalment gets, whether or not a message could be sent (the row is what
    keeps the daily task from reminding twice)."""

    class Outcome(models.TextChoices):
        EMAILED = "emailed", _("Emailed")
        NO_CONSENT = "no_consent", _("Not sent: no consent to email")
        NO_ADDRESS = "no_address", _("Not sent: no email address")

    center = models.ForeignKey("centers.Center", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("center"))
    pledge = models.ForeignKey(Pledge, on_delete=models.PROTECT, related_name="reminders", verbose_name=_("pledge"))
    instalment = models.OneToOneField(PledgeInstalment, on_delete=models.PROTECT, related_name="reminder",
                                      verbose_name=_("instalment"))
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices)
    sent_to = models.EmailField(_("sent to"), blank=True)
    created_at = models.DateTimeField(_("reminded at"), auto_now_add=True)

    objects = ScopedManager(center="center")

    class Meta:
        verbose_name = _("pledge reminder")
        verbose_name_plural = _("pledge reminders")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.instalment} {self.outcome}"
