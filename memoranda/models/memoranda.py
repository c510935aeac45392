"""A memorandum of understanding (تفاهم‌نامه) between agencies, its parties, each party's commitments, the
joint executive calendar of campaigns and occasions, and the monitoring record kept by the responsible party.

Source: seed 003, the memorandum between the Qazvin relief committee and the governorate's office of rural
affairs and councils: commitments on each side, «تهیه و تنظیم تقویم اجرایی جامع … (جشن نیکوکاری، جشن عاطفه‌ها)»,
a joint committee of both bodies' representatives, and «پایش، نظارت و ارزیابی … با مسئولیت کمیته امداد».
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

__all__ = ["CalendarEvent", "Commitment", "Memorandum", "MonitoringRecord", "Party"]


class Memorandum(models.Model):
    province = models.ForeignKey("centers.Province", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name=_("province"),
                                 help_text=_("Empty for a national memorandum."))
    subject = models.CharField(_("subject"), max_length=300)
    number = models.CharField(_("reference number"), max_length=60, blank=True)
    signed_on = models.DateField(_("signed on"))
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    summary = models.TextField(_("aims"), blank=True)
    coordination = models.TextField(_("joint committee"), blank=True,
                                    help_text=_("The committee of both sides' representatives that plans and "
                                                "coordinates the work."))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("recorded by"))
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("memorandum between agencies")
        verbose_name_plural = _("memoranda between agencies")
        ordering = ["-signed_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(valid_until__gte=models.F("valid_from")),
                                   name="memorandum_valid_until_after_from"),
        ]

    def __str__(self):
        return self.subject

    def clean(self):
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            raise ValidationError({"valid_until": _("A memorandum cannot end before it starts.")})
        if self.signed_on and self.valid_until and self.signed_on > self.valid_until:
            raise ValidationError({"signed_on": _("A memorandum cannot be signed after it ends.")})

    def is_valid_on(self, day: datetime.date) -> bool:
        return self.valid_from <= day <= self.valid_until

    @property
    def region_label(self) -> str:
        return str(self.province) if self.province_id else str(_("National"))


class Party(models.Model):
    """A side of the memorandum: one of the supervising organisations where it is one, else a named body
    (e.g. the governorate's office of rural affairs), with who signed for it."""

    memorandum = models.ForeignKey(Memorandum, on_delete=models.CASCADE, related_name="parties",
                                   verbose_name=_("memorandum"))
    organization = models.ForeignKey("centers.Organization", on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("organisation"))
    name = models.CharField(_("name of the body"), max_length=200, blank=True,
                            help_text=_("Needed when the body is not one of the organisations above."))
    signatory = models.CharField(_("signed for it by"), max_length=200, blank=True)
    monitors = models.BooleanField(_("responsible for monitoring"), default=False)

    class Meta:
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        ordering = ["memorandum", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(organization__isnull=False) | ~Q(name=""),
                                   name="party_has_organisation_or_name"),
            models.UniqueConstraint(fields=["memorandum"], condition=Q(monitors=True),
                                    name="one_monitoring_party_per_memorandum"),
        ]

    def __str__(self):
        if self.name:
            return self.name
        return str(self.organization) if self.organization_id else "—"

    def clean(self):
        if not self.organization_id and not (self.name or "").strip():
            raise ValidationError(_("Choose the organisation or write the body's name."))


class Commitment(models.Model):
    """What one party undertakes, by when. ``status`` is what the party reported; ``current_status`` adds
    "overdue" for a commitment not done by its due date (derived, never stored, so it is never stale)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")

    OVERDUE = "overdue"

    memorandum = models.ForeignKey(Memorandum, on_delete=models.CASCADE, related_name="commitments",
                                   verbose_name=_("memorandum"))
    owner = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="commitments",
                              verbose_name=_("owner party"))
    description = models.TextField(_("commitment"))
    due_on = models.DateField(_("due on"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PENDING)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["status", "due_on"], name="commitment_status_due_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(status="done", done_on__isnull=False) | ~Q(status="done"),
                                   name="commitment_done_has_date"),
        ]

    def __str__(self):
        return self.description[:80]

    def clean(self):
        if self.owner_id and self.memorandum_id and self.owner.memorandum_id != self.memorandum_id:
            raise ValidationError({"owner": _("The owner must be a party of this memorandum.")})
        if self.status == self.Status.DONE and not self.done_on:
            raise ValidationError({"done_on": _("Give the date the commitment was done.")})

    def current_status(self, today: datetime.date | None = None) -> str:
        today = today or timezone.localdate()
        if self.status != self.Status.DONE and self.due_on < today:
            return self.OVERDUE
        return self.status

    def current_status_label(self, today: datetime.date | None = None) -> str:
        status = self.current_status(today)
        return str(_("Overdue")) if status == self.OVERDUE else self.Status(status).label


class CalendarEvent(models.Model):
    """An entry of the joint executive calendar: a campaign (the charity celebration, the celebration of
    affections…), an occasion, or a joint committee meeting, with the party that leads it."""

    class Kind(models.TextChoices):
        CAMPAIGN = "campaign", _("Campaign")
        OCCASION = "occasion", _("Occasion")
        MEETING = "meeting", _("Joint committee meeting")

    memorandum = models.ForeignKey(Memorandum, on_delete=models.CASCADE, related_name="calendar",
                                   verbose_name=_("memorandum"))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    lead = models.ForeignKey(Party, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name=_("led by"))
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("calendar entry")
        verbose_name_plural = _("joint executive calendar")
        ordering = ["starts_on", "pk"]
        constraints = [models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")),
                                              name="calendar_event_ends_after_start")]

    def __str__(self):
        return self.title

    def clean(self):
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("An entry cannot end before it starts.")})
        if self.lead_id and self.memorandum_id and self.lead.memorandum_id != self.memorandum_id:
            raise ValidationError({"lead": _("The lead must be a party of this memorandum.")})


class MonitoringRecord(models.Model):
    """A visit or report by the party responsible for monitoring, with its findings, optionally about one
    commitment."""

    class Kind(models.TextChoices):
        VISIT = "visit", _("Field visit")
        REPORT = "report", _("Report")

    memorandum = models.ForeignKey(Memorandum, on_delete=models.CASCADE, related_name="monitoring",
                                   verbose_name=_("memorandum"))
    party = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="+", verbose_name=_("by party"))
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    recorded_on = models.DateField(_("date"))
    commitment = models.ForeignKey(Commitment, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="monitoring", verbose_name=_("about the commitment"))
    findings = models.TextField(_("findings"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("recorded by"))

    class Meta:
        verbose_name = _("monitoring record")
        verbose_name_plural = _("monitoring records")
        ordering = ["-recorded_on", "-pk"]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.recorded_on}"

    def clean(self):
        if self.party_id and self.memorandum_id:
            if self.party.memorandum_id != self.memorandum_id:
                raise ValidationError({"party": _("The party must be a party of this memorandum.")})
            if not self.party.monitors:
                raise ValidationError({"party": _("Only the party responsible for monitoring records visits and "
                                                  "reports.")})
        if self.commitment_id and self.memorandum_id and self.commitment.memorandum_id != self.memorandum_id:
            raise ValidationError({"commitment": _("Choose a commitment of this memorandum.")})
        if self.recorded_on and self.recorded_on > timezone.localdate():
            raise ValidationError({"recorded_on": _("A visit or report cannot be dated in the future.")})
