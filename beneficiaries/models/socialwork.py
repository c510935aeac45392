"""Social work (مددکاری): a household's confidential case notes and its referrals (ارجاع) to other bodies.

Sources: seed 002 (the vice-chair gives social-work services to the needy under the relief committee's
methods; the dignity of the needy is kept, "services are given confidentially and respectfully"), seed 003
(referrals between the relief committee and other bodies; avoiding overlap between agencies).

Case notes are a record: a note may be corrected by its author on the day it is written, never after; a later
correction is a new note that points at the old one (``corrects``). The database enforces it too (migration
``0005_socialwork_sql``): a trigger refuses changing a note once its day (in ``TIME_ZONE``) has passed, changing
who wrote it, for which household or when, and deleting it at all. A referral's status changes are an
append-only list of dated ``ReferralStatusChange`` rows.

Who sees them: ``Action.VIEW_CASE_NOTES`` (the chair, the vice-chair and the social-work officer of the
household's center, and the supervisors over it), not the finance officer nor the officers of each kind of aid,
who see the household itself.
"""

from __future__ import annotations

import pghistory
import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

__all__ = ["CaseNote", "Referral", "ReferralStatusChange"]


@pghistory.track()
class CaseNote(models.Model):
    """One confidential social-work note on a household: a home visit, a call, a meeting, a follow-up."""

    class Kind(models.TextChoices):
        HOME_VISIT = "home_visit", _("Home visit")
        PHONE_CALL = "phone_call", _("Phone call")
        OFFICE_MEETING = "office_meeting", _("Meeting at the center")
        FOLLOW_UP = "follow_up", _("Follow-up")
        OTHER = "other", _("Other")

    center = models.ForeignKey("centers.Center", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("center"))
    household = models.ForeignKey("beneficiaries.Household", on_delete=models.PROTECT, related_name="case_notes",
                                  verbose_name=_("household"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    noted_on = models.DateField(_("date"))
    text = models.TextField(_("note"))
    follow_up_on = models.DateField(_("follow up by"), null=True, blank=True)
    corrects = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="corrections", verbose_name=_("corrects the note"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("written by"))
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)

    objects = ScopedManager(center="center")

    class Meta:
        verbose_name = _("case note")
        verbose_name_plural = _("case notes")
        ordering = ["-noted_on", "-pk"]
        indexes = [models.Index(fields=["center", "household", "-noted_on"], name="casenote_household_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(follow_up_on__isnull=True) | Q(follow_up_on__gte=models.F("noted_on")),
                                   name="casenote_follow_up_not_before_note"),
            models.CheckConstraint(condition=~Q(text=""), name="casenote_text_not_empty"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.noted_on:%Y-%m-%d}"


class Referral(models.Model):
    """A household referred to another body (seed 003: the relief committee, welfare, health services, ...),
    with the reason, the date, and the answer as it comes: its status and outcome."""

    class Body(models.TextChoices):
        RELIEF_COMMITTEE = "relief_committee", _("Relief committee")
        WELFARE = "welfare", _("Welfare organisation")
        HEALTH = "health", _("Health services or a medical university")
        SOCIAL_SECURITY = "social_security", _("Social security or insurance")
        EMPLOYMENT = "employment", _("Employment or technical and vocational training")
        HOUSING = "housing", _("Housing foundation")
        MUNICIPALITY = "municipality", _("Municipality or village council")
        OTHER = "other", _("Other body")

    class Status(models.TextChoices):
        SENT = "sent", _("Sent")
        ACCEPTED = "accepted", _("Accepted")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        DECLINED = "declined", _("Declined")

    center = models.ForeignKey("centers.Center", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("center"))
    household = models.ForeignKey("beneficiaries.Household", on_delete=models.PROTECT, related_name="referrals",
                                  verbose_name=_("household"))
    body = models.CharField(_("referred to"), max_length=20, choices=Body.choices)
    body_name = models.CharField(_("name of the body"), max_length=200, blank=True)
    reason = models.TextField(_("reason"))
    referred_on = models.DateField(_("referred on"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.SENT)
    status_changed_on = models.DateField(_("status since"))
    outcome = models.TextField(_("outcome"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("referred by"))
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = ScopedManager(center="center")

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-referred_on", "-pk"]
        indexes = [models.Index(fields=["center", "status", "referred_on"], name="referral_status_idx")]
        constraints = [
            models.CheckConstraint(condition=~Q(body="other") | ~Q(body_name=""), name="referral_other_has_name"),
            models.CheckConstraint(condition=Q(status_changed_on__gte=models.F("referred_on")),
                                   name="referral_status_not_before_referral"),
        ]

    def __str__(self):
        return f"{self.body_label} — {self.referred_on:%Y-%m-%d}"

    @property
    def body_label(self) -> str:
        """The body's kind, and its name when one was given (required for "other")."""
        if self.body == self.Body.OTHER:
            return self.body_name
        label = str(self.get_body_display())
        return f"{label} ({self.body_name})" if self.body_name else label

    @property
    def is_open(self) -> bool:
        return self.status not in (self.Status.DONE, self.Status.DECLINED)


class ReferralStatusChange(models.Model):
    """One dated change of a referral's status, with a note; append-only (a trigger refuses changes)."""

    center = models.ForeignKey("centers.Center", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("center"))
    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="changes",
                                 verbose_name=_("referral"))
    from_status = models.CharField(_("from"), max_length=12, choices=Referral.Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=12, choices=Referral.Status.choices)
    changed_on = models.DateField(_("date"))
    note = models.TextField(_("note"), blank=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("recorded by"))
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = ScopedManager(center="center")

    class Meta:
        verbose_name = _("referral status change")
        verbose_name_plural = _("referral status changes")
        ordering = ["changed_on", "pk"]
        triggers = [pgtrigger.Protect(name="referral_status_change_append_only",
                                      operation=pgtrigger.Update | pgtrigger.Delete)]

    def __str__(self):
        return f"{self.get_to_status_display()} — {self.changed_on:%Y-%m-%d}"
