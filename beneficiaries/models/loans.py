"""Interest-free loans (قرض‌الحسنه) and employment and empowerment plans (طرح‌های اشتغال و توانمندسازی).

Sources: seed 002 (the qard al-hasan officer and the employment officer are optional board members; the
center's first priority is "توانمندسازی و اشتغال نیازمندان": finding what deprived families can do and
giving them the means to work), seed 003 (families referred to employment plans and loans), the issue's
point 6.

- A ``Loan`` is lent to a household, one of its members being the borrower, from the center's qard al-hasan
  fund. Its schedule is ``instalment_count`` monthly ``LoanInstalment``s from ``first_due_on``, on the same
  Jalali day of each month clamped to the month's length (the pledges' rule,
  ``contributions.models.pledges.instalment_due_date``). Guarantors (``LoanGuarantor``) are third parties
  and as confidential as the household.
- Money moves only through the ledger (``beneficiaries.services.loans``): disbursing debits the fund and
  credits the center's ``loans`` account (the fund's money out on loan); each ``LoanRepayment`` moves money
  back, exactly once per reference; a write-off (on a board decision) moves what is still owed to aid given.
- Overdue is derived: an open instalment whose day has passed; the daily task marks such instalments.
- An ``EmpowermentPlan`` has ``PlanMilestone``s and ``PlanFunding`` lines (a loan, donated services, a grant
  by reference) and ends with an outcome; "self-sufficient" may close the household's file.
"""

from __future__ import annotations

import datetime

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_scopes import ScopedManager

from contributions.models.pledges import instalment_due_date
from core.jalali import to_jalali

__all__ = ["EmpowermentPlan", "Loan", "LoanGuarantor", "LoanInstalment", "LoanRepayment", "PlanFunding",
           "PlanMilestone", "loan_due_dates"]


def loan_due_dates(first_due_on: datetime.date, count: int) -> list[datetime.date]:
    """The due dates of ``count`` monthly instalments from ``first_due_on``: the same Jalali day each month,
    clamped to the month's length (first due on 31 Shahrivar: then 30 Mehr, ..., 29 or 30 Esfand)."""
    first = to_jalali(first_due_on)
    return [instalment_due_date(first.year, first.month, first.day, index) for index in range(count)]


@pghistory.track()
class Loan(models.Model):
    class Purpose(models.TextChoices):
        SMALL_BUSINESS = "small_business", _("Small business")
        TREATMENT = "treatment", _("Medical treatment")
        HOUSING_REPAIR = "housing_repair", _("Housing repair")
        MARRIAGE = "marriage", _("Marriage")
        EDUCATION = "education", _("Education")
        DEBT = "debt", _("Settling a debt")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        REQUESTED = "requested", pgettext_lazy("loan", "Requested")
        APPROVED = "approved", pgettext_lazy("loan", "Approved")
        DECLINED = "declined", pgettext_lazy("loan", "Declined")
        DISBURSED = "disbursed", pgettext_lazy("loan", "Disbursed")
        REPAYING = "repaying", pgettext_lazy("loan", "Repaying")
        REPAID = "repaid", pgettext_lazy("loan", "Repaid")
        WRITTEN_OFF = "written_off", pgettext_lazy("loan", "Written off")

    center = models.ForeignKey("centers.Center", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("center"))
    household = models.ForeignKey("beneficiaries.Household", on_delete=models.PROTECT, related_name="loans",
                                  verbose_name=_("household"))
    borrower = models.ForeignKey("beneficiaries.Member", on_delete=models.PROTECT, related_name="loans",
                                 verbose_name=_("borrower"))
    amount = models.BigIntegerField(_("amount (rials)"))
    purpose = models.CharField(_("purpose of the loan"), max_length=16, choices=Purpose.choices)
    purpose_note = models.TextField(_("what the loan is for"), blank=True)
    instalment_count = models.PositiveSmallIntegerField(_("number of instalments"))
    first_due_on = models.DateField(_("first instalment due on"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.REQUESTED)
    requested_on = models.DateField(_("requested on"))
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("decided by"))
    decision_note = models.TextField(_("decision note"), blank=True)
    disbursed_on = models.DateField(_("disbursed on"), null=True, blank=True)
    disbursement_transaction = models.OneToOneField(
        "contributions.LedgerTransaction", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("disbursement transaction"))
    repaid_on = models.DateField(_("repaid on"), null=True, blank=True)
    written_off_on = models.DateField(_("written off on"), null=True, blank=True)
    write_off_reference = models.CharField(_("board decision for the write-off"), max_length=32, blank=True)
    write_off_reason = models.TextField(_("reason for the write-off"), blank=True)
    write_off_transaction = models.OneToOneField(
        "contributions.LedgerTransaction", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("write-off transaction"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("recorded by"))
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = ScopedManager(center="center")

    class Meta:
        verbose_name = _("interest-free loan")
        verbose_name_plural = _("interest-free loans")
        ordering = ["-requested_on", "-pk"]
        indexes = [models.Index(fields=["center", "status"], name="loan_center_status_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="loan_amount_positive"),
            models.CheckConstraint(condition=Q(instalment_count__gte=1, instalment_count__lte=120),
                                   name="loan_instalments_1_120"),
            models.CheckConstraint(condition=~Q(status__in=["disbursed", "repaying", "repaid", "written_off"])
                                   | Q(disbursement_transaction__isnull=False), name="loan_disbursed_has_transaction"),
            models.CheckConstraint(condition=~Q(status="written_off") | ~Q(write_off_reference=""),
                                   name="loan_write_off_has_decision"),
        ]

    def __str__(self):
        return _("Loan %(number)s") % {"number": self.pk}

    @property
    def is_open(self) -> bool:
        """Money is out and still owed."""
        return self.status in (self.Status.DISBURSED, self.Status.REPAYING)

    def planned_due_dates(self) -> list[datetime.date]:
        return loan_due_dates(self.first_due_on, self.instalment_count)


class LoanGuarantor(models.Model):
    """A guarantor (ضامن) of a loan: a third party, kept as confidential as the household."""

    center = models.ForeignKey("centers.Center", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("center"))
    loan = models.ForeignKey(Loan, on_delete=models.PROTECT, related_name="guarantors", verbose_name=_("loan"))
    full_name = models.CharField(_("name"), max_length=128)
    note = models.TextField(_("note"), blank=True,
                            help_text=_("How the guarantee is given (a cheque, a payroll deduction, ...)."))

    objects = ScopedManager(center="center")

    class Meta:
        verbose_name = _("guarantor")
        verbose_name_plural = _("guarantors")
        ordering = ["loan", "pk"]

    def __str__(self):
        return self.full_name


class LoanInstalment(models.Model):
    class Status(models.TextChoices):
        DUE = "due", pgettext_lazy("loan instalment", "Due")
        PARTLY_PAID = "partly_paid", pgettext_lazy("loan instalment", "Partly paid")
        OVERDUE = "overdue", pgettext_lazy("loan instalment", "Overdue")
        PAID = "paid", pgettext_lazy("loan instalment", "Paid")
        WRITTEN_OFF = "written_off", pgettext_lazy("loan instalment", "Written off")

    OPEN = ("due", "partly_paid", "overdue")

    center = models.ForeignKey("centers.Center", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("center"))
    loan = models.ForeignKey(Loan, on_delete=models.PROTECT, related_name="instalments", verbose_name=_("loan"))
    sequence = models.PositiveSmallIntegerField(_("number"))
    due_on = models.DateField(_("due on"))
    amount_due = models.BigIntegerField(_("amount due (rials)"))
    amount_paid = models.BigIntegerField(_("amount paid (rials)"), default=0)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DUE)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)

    objects = ScopedManager(center="center")

    class Meta:
        verbose_name = _("loan instalment")
        verbose_name_plural = _("loan instalments")
        ordering = ["loan", "sequence"]
        indexes = [models.Index(fields=["center", "status", "due_on"], name="loan_instalment_due_idx")]
        constraints = [
            models.UniqueConstraint(fields=["loan", "sequence"], name="loan_instalment_sequence_unique"),
            models.CheckConstraint(condition=Q(amount_due__gt=0) & Q(amount_paid__gte=0)
                                   & Q(amount_paid__lte=models.F("amount_due")),
                                   name="loan_instalment_paid_within_due"),
        ]

    def __str__(self):
        return f"{self.loan} #{self.sequence}"

    @property
    def remaining(self) -> int:
        return self.amount_due - self.amount_paid

    def days_late(self, today: datetime.date) -> int:
        return max((today - self.due_on).days, 0)


class LoanRepayment(models.Model):
    """Money a borrower paid back, posted to the ledger exactly once (its ``reference`` is unique at the
    center: a receipt or bank slip number). ``allocation`` lists what went to which instalment."""

    class Channel(models.TextChoices):
        CASH = "cash", _("Cash")
        BANK = "bank", _("Bank transfer")

    center = models.ForeignKey("centers.Center", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("center"))
    loan = models.ForeignKey(Loan, on_delete=models.PROTECT, related_name="repayments", verbose_name=_("loan"))
    amount = models.BigIntegerField(_("amount (rials)"))
    received_on = models.DateField(_("received on"))
    channel = models.CharField(_("received as"), max_length=8, choices=Channel.choices, default=Channel.CASH)
    reference = models.CharField(_("reference"), max_length=64,
                                 help_text=_("The receipt or bank slip number: one repayment per reference."))
    allocation = models.JSONField(_("instalments paid"), default=list)
    transaction = models.OneToOneField("contributions.LedgerTransaction", on_delete=models.PROTECT,
                                       related_name="+", verbose_name=_("transaction"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("recorded by"))
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = ScopedManager(center="center")

    class Meta:
        verbose_name = _("loan repayment")
        verbose_name_plural = _("loan repayments")
        ordering = ["-received_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["center", "reference"], name="loan_repayment_reference_unique"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="loan_repayment_amount_positive"),
        ]

    def __str__(self):
        return f"{self.loan}: {self.amount} ({self.reference})"


@pghistory.track()
class EmpowermentPlan(models.Model):
    """An employment and empowerment plan for a household (seed 002: employment and empowerment first)."""

    class Goal(models.TextChoices):
        SMALL_BUSINESS = "small_business", _("Small business")
        VOCATIONAL_TRAINING = "vocational_training", _("Vocational training")
        JOB_PLACEMENT = "job_placement", _("Job placement")
        HOME_BUSINESS = "home_business", _("Home-based business")
        OTHER = "other", _("Other")

    class FollowUp(models.TextChoices):
        ON_TRACK = "on_track", _("On track")
        NEEDS_ATTENTION = "needs_attention", _("Needs attention")
        STALLED = "stalled", _("Stalled")

    class Status(models.TextChoices):
        ACTIVE = "active", pgettext_lazy("plan", "Active")
        CLOSED = "closed", pgettext_lazy("plan", "Closed")

    class Outcome(models.TextChoices):
        SELF_SUFFICIENT = "self_sufficient", _("The household became self-sufficient")
        IMPROVED = "improved", _("Income improved, support still needed")
        NOT_ACHIEVED = "not_achieved", _("Goal not achieved")
        WITHDRAWN = "withdrawn", _("The household withdrew")

    center = models.ForeignKey("centers.Center", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("center"))
    household = models.ForeignKey("beneficiaries.Household", on_delete=models.PROTECT,
                                  related_name="empowerment_plans", verbose_name=_("household"))
    member = models.ForeignKey("beneficiaries.Member", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="+", verbose_name=_("member in the plan"))
    goal = models.CharField(_("goal"), max_length=20, choices=Goal.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    started_on = models.DateField(_("started on"))
    target_on = models.DateField(_("target date"), null=True, blank=True)
    follow_up = models.CharField(_("follow-up"), max_length=16, choices=FollowUp.choices,
                                 default=FollowUp.ON_TRACK)
    follow_up_note = models.TextField(_("follow-up note"), blank=True)
    followed_up_on = models.DateField(_("last follow-up"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.ACTIVE)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, blank=True)
    outcome_note = models.TextField(_("outcome note"), blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("recorded by"))
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = ScopedManager(center="center")

    class Meta:
        verbose_name = _("employment and empowerment plan")
        verbose_name_plural = _("employment and empowerment plans")
        ordering = ["status", "-started_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(status="active") | (Q(closed_on__isnull=False) & ~Q(outcome="")),
                                   name="plan_closed_has_outcome"),
        ]

    def __str__(self):
        return self.title


class PlanMilestone(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("milestone", "Pending")
        DONE = "done", pgettext_lazy("milestone", "Done")
        MISSED = "missed", pgettext_lazy("milestone", "Missed")

    center = models.ForeignKey("centers.Center", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("center"))
    plan = models.ForeignKey(EmpowermentPlan, on_delete=models.PROTECT, related_name="milestones",
                             verbose_name=_("plan"))
    title = models.CharField(_("milestone"), max_length=200)
    due_on = models.DateField(_("due on"))
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.PENDING)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    evidence = models.TextField(_("evidence"), blank=True)

    objects = ScopedManager(center="center")

    class Meta:
        verbose_name = _("plan milestone")
        verbose_name_plural = _("plan milestones")
        ordering = ["plan", "due_on", "pk"]
        indexes = [models.Index(fields=["center", "status", "due_on"], name="plan_milestone_due_idx")]
        constraints = [
            models.CheckConstraint(condition=~Q(status="done") | Q(done_on__isnull=False),
                                   name="plan_milestone_done_has_date"),
        ]

    def __str__(self):
        return self.title


class PlanFunding(models.Model):
    """One line of a plan's funding: a loan of this center to the same household, donated services (text and
    quantity), or a grant recorded elsewhere (the distribution's reference, kept as free text)."""

    class Kind(models.TextChoices):
        LOAN = "loan", _("Interest-free loan")
        SERVICE = "service", _("Donated service")
        GRANT = "grant", _("Grant (aid distribution)")
        OTHER = "other", _("Other")

    center = models.ForeignKey("centers.Center", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("center"))
    plan = models.ForeignKey(EmpowermentPlan, on_delete=models.PROTECT, related_name="funding",
                             verbose_name=_("plan"))
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    loan = models.ForeignKey(Loan, on_delete=models.PROTECT, null=True, blank=True, related_name="plan_funding",
                             verbose_name=_("loan"))
    description = models.CharField(_("description"), max_length=255, blank=True)
    quantity = models.DecimalField(_("quantity"), max_digits=10, decimal_places=2, null=True, blank=True)
    unit = models.CharField(_("unit"), max_length=32, blank=True)
    amount = models.BigIntegerField(_("value (rials)"), null=True, blank=True)
    reference = models.CharField(_("reference"), max_length=64, blank=True,
                                 help_text=_("For a grant: the distribution's reference."))

    objects = ScopedManager(center="center")

    class Meta:
        verbose_name = _("plan funding line")
        verbose_name_plural = _("plan funding lines")
        ordering = ["plan", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(kind="loan") | Q(loan__isnull=False), name="plan_funding_loan_set"),
            models.CheckConstraint(condition=Q(amount__isnull=True) | Q(amount__gte=0),
                                   name="plan_funding_amount_not_negative"),
        ]

    def __str__(self):
        return self.get_kind_display()
