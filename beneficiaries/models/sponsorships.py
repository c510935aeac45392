"""Sponsorships (issue 5.5): an orphan (اکرام ایتام, Ekram) or a needy family (طرح محسنین, Mohsenin) linked to a
donor's pledge of the matching target, with progress notes written for the donor.

The donor sees only an anonymised profile (``beneficiaries.selectors_sponsorships.donor_sponsorships``): age
band, gender, province, needs categories and the *published* progress notes; never a name, national code,
address or photo (DESIGN §8: donors never see who received aid; seed 002: the needy are served
"confidentially and respectfully"). A note that contains the household's names, codes, mobile or address is
refused by ``services.sponsorships.progress_note_add``, so a note can be shown to the donor as written.

A pledge has at most one *active* sponsorship at a time (a partial unique constraint); when the orphan comes of
age or the family no longer needs it, the sponsorship is ended (kept on record) and the pledge may be linked to
another household.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

__all__ = ["ProgressNote", "Sponsorship"]


class Sponsorship(models.Model):
    class Kind(models.TextChoices):
        ORPHAN = "orphan", _("Orphan sponsorship (Ekram)")
        FAMILY = "family", _("Family sponsorship (Mohsenin)")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        ENDED = "ended", _("Ended")

    center = models.ForeignKey("centers.Center", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("center"))
    pledge = models.ForeignKey("contributions.Pledge", on_delete=models.PROTECT, related_name="sponsorships",
                               verbose_name=_("pledge"))
    household = models.ForeignKey("beneficiaries.Household", on_delete=models.PROTECT,
                                  related_name="sponsorships", verbose_name=_("household"))
    member = models.ForeignKey("beneficiaries.Member", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="sponsorships", verbose_name=_("sponsored orphan"))
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ended on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.ACTIVE)
    end_reason = models.TextField(_("reason for ending"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("linked by"))
    created_at = models.DateTimeField(_("linked at"), auto_now_add=True)

    objects = ScopedManager(center="center")

    class Meta:
        verbose_name = _("sponsorship")
        verbose_name_plural = _("sponsorships")
        ordering = ["-starts_on", "-pk"]
        indexes = [models.Index(fields=["center", "status"], name="sponsorship_center_status_idx")]
        constraints = [
            models.UniqueConstraint(fields=["pledge"], condition=Q(status="active"),
                                    name="sponsorship_one_active_per_pledge"),
            models.CheckConstraint(condition=Q(kind="orphan", member__isnull=False)
                                   | Q(kind="family", member__isnull=True),
                                   name="sponsorship_orphan_has_member"),
            models.CheckConstraint(condition=Q(status="active", ends_on__isnull=True)
                                   | Q(status="ended", ends_on__isnull=False),
                                   name="sponsorship_ended_has_date"),
            models.CheckConstraint(condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                                   name="sponsorship_ends_after_start"),
        ]

    def __str__(self):
        return _("Sponsorship #%(pk)s") % {"pk": self.pk}


class ProgressNote(models.Model):
    """A note about the sponsored orphan or family written *for the donor* (how school goes, a treatment
    finished). Only published notes reach the donor; none may carry an identifier (the service refuses)."""

    center = models.ForeignKey("centers.Center", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("center"))
    sponsorship = models.ForeignKey(Sponsorship, on_delete=models.PROTECT, related_name="notes",
                                    verbose_name=_("sponsorship"))
    written_on = models.DateField(_("date"))
    text = models.TextField(_("text"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("author"))
    is_published = models.BooleanField(_("shown to the donor"), default=False)
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)

    objects = ScopedManager(center="center")

    class Meta:
        verbose_name = _("progress note")
        verbose_name_plural = _("progress notes")
        ordering = ["-written_on", "-pk"]

    def __str__(self):
        return f"{self.sponsorship_id}: {self.written_on}"
