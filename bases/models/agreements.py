"""Yearly agreements between the welfare organisation and the NGO running a base, their commitments, what
the base reports it achieved, and the allocation proposed for the next year.

Seed 004 (توافقنامه سطح خدمت): "the performance period is one year"; "the agreement ends at the end of each
year, and if the prevention deputy approves the activities a new agreement is concluded for the next year";
"should the head of the organisation, the specialised deputy and the responsible authority find it
necessary to end the agreement, it is done with prior notice"; "funds are estimated from the institution's
performance and the needs of the area".
"""

from __future__ import annotations

import pghistory
import pgtrigger
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from centers.models import Center, SupervisorAssignment

from .ngos import Ngo

__all__ = ["ActivityKind", "ActivityReport", "AllocationAdjustment", "BaseAgreement", "Commitment",
           "SupervisorDuty"]


class SupervisorDuty(models.Model):
    """A duty a welfare supervisor holds on top of their assignment's region. Only the prevention deputy
    (معاونت پیشگیری) approves a base's yearly performance (seed 004, §7)."""

    class Duty(models.TextChoices):
        PREVENTION_DEPUTY = "prevention_deputy", _("Prevention deputy")

    assignment = models.ForeignKey(SupervisorAssignment, on_delete=models.CASCADE, related_name="+",
                                   verbose_name=_("supervisor assignment"))
    duty = models.CharField(_("duty"), max_length=24, choices=Duty.choices)

    class Meta:
        verbose_name = _("supervisor duty")
        verbose_name_plural = _("supervisor duties")
        constraints = [models.UniqueConstraint(fields=["assignment", "duty"], name="one_duty_per_assignment")]

    def __str__(self):
        return f"{self.get_duty_display()}: {self.assignment}"


class ActivityKind(models.TextChoices):
    """What a base commits to (seed 004, §4 "mutual obligations", and its title: general education)."""

    NEEDS_ASSESSMENT = "needs_assessment", _("Needs assessment and prioritising local problems")
    ASSET_MAPPING = "asset_mapping", _("Identifying local assets and capacities")
    HARM_MAPPING = "harm_mapping", _("Mapping the neighbourhood's social harms")
    PARTICIPATORY_PLANNING = "participatory_planning", _("Participatory analysis and planning with stakeholders")
    COLLECTIVE_ACTION = "collective_action", _("Collective and participatory actions")
    PARTNERSHIP = "partnership", _("Advocacy and links with local bodies")
    EDUCATION = "education", _("General social-health education")
    COUNSELLING = "counselling", _("Counselling and social work")


@pghistory.track()
class BaseAgreement(models.Model):
    """The agreement of one base for one Jalali year: its budget, its commitments and its end."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("In force")
        TERMINATED = "terminated", _("Terminated early")

    class Performance(models.TextChoices):
        PENDING = "pending", _("Not decided")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Not approved")

    center = models.ForeignKey(Center, on_delete=models.PROTECT, related_name="base_agreements",
                               verbose_name=_("base"))
    ngo = models.ForeignKey(Ngo, on_delete=models.PROTECT, related_name="agreements", verbose_name=_("NGO"))
    jalali_year = models.PositiveSmallIntegerField(_("Jalali year"))
    budget = models.BigIntegerField(_("budget (rials)"))
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.ACTIVE)
    renewal_of = models.OneToOneField("self", on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="renewal", verbose_name=_("renews the agreement of"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("concluded by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    performance = models.CharField(_("yearly performance"), max_length=10, choices=Performance.choices,
                                   default=Performance.PENDING)
    performance_decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                               blank=True, related_name="+", verbose_name=_("performance decided by"))
    performance_decided_at = models.DateTimeField(_("performance decided at"), null=True, blank=True)
    performance_note = models.TextField(_("note on the performance"), blank=True)
    performance_score = models.PositiveSmallIntegerField(_("score when decided"), null=True, blank=True)
    notice_given_on = models.DateField(_("notice given on"), null=True, blank=True)
    terminated_on = models.DateField(_("last day in force"), null=True, blank=True)
    termination_reason = models.TextField(_("reason for termination"), blank=True)
    terminated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="+", verbose_name=_("terminated by"))

    objects = ScopedManager(center="center")

    class Meta:
        verbose_name = _("base agreement")
        verbose_name_plural = _("base agreements")
        ordering = ["center", "-jalali_year"]
        constraints = [
            models.UniqueConstraint(fields=["center", "jalali_year"], name="one_base_agreement_per_year"),
            models.CheckConstraint(condition=Q(budget__gte=0), name="base_agreement_budget_not_negative"),
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")),
                                   name="base_agreement_ends_after_start"),
            models.CheckConstraint(condition=Q(status="active") | Q(terminated_on__isnull=False,
                                                                      notice_given_on__isnull=False),
                                   name="terminated_agreement_has_dates"),
        ]
        triggers = [pgtrigger.Protect(name="base_agreement_never_deleted", operation=pgtrigger.Delete)]

    def __str__(self):
        return _("Agreement of %(center)s for %(year)s") % {"center": self.center, "year": self.jalali_year}

    @property
    def last_day(self):
        """The last day the agreement is in force: its end, or the end an early termination set."""
        if self.terminated_on and self.terminated_on < self.ends_on:
            return self.terminated_on
        return self.ends_on

    def covers(self, day) -> bool:
        return self.starts_on <= day <= self.last_day


class Commitment(models.Model):
    """One activity the base commits to in the year, with a measurable target (a count of something)."""

    center = models.ForeignKey(Center, on_delete=models.PROTECT, related_name="+", verbose_name=_("base"))
    agreement = models.ForeignKey(BaseAgreement, on_delete=models.PROTECT, related_name="commitments",
                                  verbose_name=_("agreement"))
    activity = models.CharField(_("activity"), max_length=24, choices=ActivityKind.choices)
    description = models.CharField(_("description"), max_length=300)
    target = models.PositiveIntegerField(_("target"))
    unit = models.CharField(_("unit"), max_length=60, help_text=_("What the target counts, e.g. sessions held."))

    objects = ScopedManager(center="center")

    class Meta:
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        ordering = ["agreement", "pk"]
        constraints = [models.CheckConstraint(condition=Q(target__gte=1), name="commitment_target_positive")]

    def __str__(self):
        return self.description

    def clean(self):
        super().clean()
        if self.agreement_id and self.center_id and self.agreement.center_id != self.center_id:
            raise ValidationError(_("The commitment must belong to the agreement's base."))


@pghistory.track()
class ActivityReport(models.Model):
    """What the base did towards one commitment: a dated count of the commitment's unit."""

    center = models.ForeignKey(Center, on_delete=models.PROTECT, related_name="+", verbose_name=_("base"))
    commitment = models.ForeignKey(Commitment, on_delete=models.PROTECT, related_name="reports",
                                   verbose_name=_("commitment"))
    reported_on = models.DateField(_("date"))
    achieved = models.PositiveIntegerField(_("achieved"))
    people_reached = models.PositiveIntegerField(_("people reached"), default=0)
    description = models.TextField(_("description"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = ScopedManager(center="center")

    class Meta:
        verbose_name = _("activity report")
        verbose_name_plural = _("activity reports")
        ordering = ["-reported_on", "-pk"]
        triggers = [pgtrigger.Protect(name="activity_report_never_deleted", operation=pgtrigger.Delete)]

    def __str__(self):
        return f"{self.commitment}: {self.achieved}"


class AllocationAdjustment(models.Model):
    """A supervisor's change of the proposed next-year allocation, with the reason; append-only."""

    center = models.ForeignKey(Center, on_delete=models.PROTECT, related_name="+", verbose_name=_("base"))
    agreement = models.ForeignKey(BaseAgreement, on_delete=models.PROTECT, related_name="adjustments",
                                  verbose_name=_("agreement"))
    proposed = models.BigIntegerField(_("proposed allocation (rials)"))
    amount = models.BigIntegerField(_("adjusted allocation (rials)"))
    score = models.PositiveSmallIntegerField(_("score"))
    reason = models.TextField(_("reason"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), auto_now_add=True)

    objects = ScopedManager(center="center")

    class Meta:
        verbose_name = _("allocation adjustment")
        verbose_name_plural = _("allocation adjustments")
        ordering = ["-decided_at", "-pk"]
        constraints = [models.CheckConstraint(condition=Q(amount__gte=0), name="allocation_not_negative")]
        triggers = [pgtrigger.Protect(name="allocation_adjustment_append_only",
                                      operation=pgtrigger.Update | pgtrigger.Delete)]

    def __str__(self):
        return f"{self.agreement}: {self.amount}"
