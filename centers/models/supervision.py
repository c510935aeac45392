"""Supervision of a center: board meetings and their decisions, the document archive, field inspections
and complaints from the public.

Sources: seed 002 (the center keeps minutes, archives its financial and administrative documents and
destroys them only with the relief committee's permission — "بایگانی مستندات مالی و اداری در مرکز و امحاء
آن با مجوز کمیته امداد"; the committee supervises by field inspection and monitoring) and seed 000 §7
(disputes are settled first by county or provincial management, then by the deputy for public
participation, finally by the supervision and inspection office).
"""

from __future__ import annotations

import pghistory
import pgtrigger
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from .tenancy import Center, TrusteeAppointment

__all__ = [
    "ArchivedDocument",
    "Complaint",
    "ComplaintEvent",
    "Decision",
    "DocumentDestructionRequest",
    "FollowUpAction",
    "Inspection",
    "Meeting",
    "MeetingAttachment",
]

ATTACHMENT_EXTENSIONS = ["pdf", "jpg", "jpeg", "png"]
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
# The first bytes each allowed kind of file starts with: the extension alone proves nothing.
_MAGIC = {"pdf": (b"%PDF",), "png": (b"\x89PNG\r\n\x1a\n",), "jpg": (b"\xff\xd8\xff",), "jpeg": (b"\xff\xd8\xff",)}


def validate_attachment(file) -> None:
    """An archived file is a PDF, PNG or JPEG of at most 10 MB whose content matches its extension."""
    if file is None:
        return
    if file.size > ATTACHMENT_MAX_BYTES:
        raise ValidationError(_("The file is larger than 10 MB."), code="too_large")
    extension = file.name.rsplit(".", 1)[-1].lower() if "." in file.name else ""
    FileExtensionValidator(ATTACHMENT_EXTENSIONS)(file)
    position = file.tell() if hasattr(file, "tell") else 0
    file.seek(0)
    head = file.read(8)
    file.seek(position)
    if not head.startswith(_MAGIC.get(extension, (b"\x00\x00never",))):
        raise ValidationError(_("The file's content does not match its type (PDF, PNG or JPEG)."),
                              code="bad_content")


def _center_upload_path(instance, filename: str) -> str:
    return f"centers/{instance.center_id}/{instance._meta.model_name}/{filename}"


# --- Meetings --------------------------------------------------------------------------------------------

@pghistory.track()
class Meeting(models.Model):
    """A board meeting and its minutes (صورت‌جلسه). Numbered within the center's Jalali year, so a decision
    has a stable reference such as ``1405/03-2`` (meeting 3 of 1405, decision 2)."""

    class Kind(models.TextChoices):
        REGULAR = "regular", _("Regular")
        EXTRAORDINARY = "extraordinary", _("Extraordinary")

    center = models.ForeignKey(Center, on_delete=models.PROTECT, related_name="meetings", verbose_name=_("center"))
    jalali_year = models.PositiveSmallIntegerField(_("Jalali year"))
    number = models.PositiveSmallIntegerField(_("number in the year"))
    held_on = models.DateField(_("held on"))
    place = models.CharField(_("place"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.REGULAR)
    minutes = models.TextField(_("minutes"))
    attendees = models.ManyToManyField(TrusteeAppointment, blank=True, related_name="meetings_attended",
                                       verbose_name=_("board members present"))
    guests = models.TextField(_("guests"), blank=True, help_text=_("One name per line."))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("recorded by"))
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = ScopedManager(center="center")

    class Meta:
        verbose_name = _("board meeting")
        verbose_name_plural = _("board meetings")
        ordering = ["-held_on", "-number"]
        constraints = [models.UniqueConstraint(fields=["center", "jalali_year", "number"],
                                               name="meeting_number_unique_in_year")]

    def __str__(self):
        return _("Meeting %(ref)s") % {"ref": self.reference}

    @property
    def reference(self) -> str:
        return f"{self.jalali_year}/{self.number:02d}"

    @property
    def guest_list(self) -> list[str]:
        return [line.strip() for line in self.guests.splitlines() if line.strip()]


@pghistory.track()
class Decision(models.Model):
    """One decision (مصوبه) of a meeting; spending approvals point at it by its reference."""

    center = models.ForeignKey(Center, on_delete=models.PROTECT, related_name="decisions", verbose_name=_("center"))
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="decisions",
                                verbose_name=_("meeting"))
    number = models.PositiveSmallIntegerField(_("number"))
    text = models.TextField(_("text"))
    amount = models.BigIntegerField(_("amount (rials)"), null=True, blank=True)

    objects = ScopedManager(center="center")

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["meeting", "number"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "number"], name="decision_number_unique_in_meeting"),
            models.CheckConstraint(condition=Q(amount__isnull=True) | Q(amount__gte=0),
                                   name="decision_amount_not_negative"),
        ]

    def __str__(self):
        return self.reference

    @property
    def reference(self) -> str:
        return f"{self.meeting.reference}-{self.number}"


class MeetingAttachment(models.Model):
    center = models.ForeignKey(Center, on_delete=models.PROTECT, related_name="+", verbose_name=_("center"))
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="attachments",
                                verbose_name=_("meeting"))
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to=_center_upload_path, validators=[validate_attachment])
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    objects = ScopedManager(center="center")

    class Meta:
        verbose_name = _("meeting attachment")
        verbose_name_plural = _("meeting attachments")
        ordering = ["uploaded_at"]

    def __str__(self):
        return self.title


# --- Document archive ------------------------------------------------------------------------------------

@pghistory.track()
class ArchivedDocument(models.Model):
    """A financial or administrative document kept in the center's archive (seed 002, duty 7).

    It is never deleted (a database trigger refuses): when the supervisor approves its destruction the
    file's content is removed and the row stays, flagged destroyed with who, when and why.
    """

    class Kind(models.TextChoices):
        FINANCIAL = "financial", _("Financial")
        ADMINISTRATIVE = "administrative", _("Administrative")
        OTHER = "other", _("Other")

    center = models.ForeignKey(Center, on_delete=models.PROTECT, related_name="archived_documents",
                               verbose_name=_("center"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    document_date = models.DateField(_("document date"))
    file = models.FileField(_("file"), upload_to=_center_upload_path, blank=True,
                            validators=[validate_attachment])
    retention_note = models.CharField(_("retention note"), max_length=300, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("uploaded by"))
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    destroyed_at = models.DateTimeField(_("destroyed at"), null=True, blank=True)
    destroyed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("destruction approved by"))
    destruction_reason = models.TextField(_("reason for destruction"), blank=True)

    objects = ScopedManager(center="center")

    class Meta:
        verbose_name = _("archived document")
        verbose_name_plural = _("archived documents")
        ordering = ["-document_date", "-pk"]
        triggers = [
            pgtrigger.Protect(name="archived_document_never_deleted", operation=pgtrigger.Delete),
            # Once destroyed, the record of the destruction is final.
            pgtrigger.Protect(name="destroyed_document_is_final", operation=pgtrigger.Update,
                              condition=pgtrigger.Q(old__destroyed_at__isnull=False)),
        ]

    def __str__(self):
        return self.title

    @property
    def is_destroyed(self) -> bool:
        return self.destroyed_at is not None


@pghistory.track()
class DocumentDestructionRequest(models.Model):
    """A trustee's request to destroy an archived document; only a supervisor decides it (seed 002)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    center = models.ForeignKey(Center, on_delete=models.PROTECT, related_name="+", verbose_name=_("center"))
    document = models.ForeignKey(ArchivedDocument, on_delete=models.PROTECT, related_name="destruction_requests",
                                 verbose_name=_("document"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("requested by"))
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    reason = models.TextField(_("reason"))
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    note = models.TextField(_("supervisor's note"), blank=True)

    objects = ScopedManager(center="center")

    class Meta:
        verbose_name = _("document destruction request")
        verbose_name_plural = _("document destruction requests")
        ordering = ["-requested_at"]
        constraints = [models.UniqueConstraint(fields=["document"], condition=Q(status="pending"),
                                               name="one_pending_destruction_per_document")]
        triggers = [pgtrigger.Protect(name="destruction_request_never_deleted", operation=pgtrigger.Delete)]

    def __str__(self):
        return _("Destruction of %(document)s") % {"document": self.document}


# --- Field inspections -----------------------------------------------------------------------------------

class ChecklistItem:
    """One obligation of the center from seed 002 that an inspector checks; ``weight`` counts in the score."""

    def __init__(self, code: str, label, weight: int):
        self.code, self.label, self.weight = code, label, weight


# Drawn from seed 002's obligations. Heavier weights for the rules whose breach endangers money or dignity.
CHECKLIST: tuple[ChecklistItem, ...] = (
    ChecklistItem("license_displayed", _("The activity license and the map of the activity area are displayed"), 1),
    ChecklistItem("board_complete", _("Every core role of the board of trustees is filled"), 2),
    ChecklistItem("designated_bank_only", _("The center's only bank account is at the designated bank"), 3),
    ChecklistItem("all_contributions_recorded", _("Every contribution is recorded in the system"), 3),
    ChecklistItem("receipts_issued", _("A receipt is issued for every contribution"), 2),
    ChecklistItem("needy_records_confidential", _("The records of the needy are kept confidential"), 3),
    ChecklistItem("minutes_kept", _("Board meetings are minuted and the minutes kept"), 1),
    ChecklistItem("documents_archived", _("Financial and administrative documents are archived"), 1),
    ChecklistItem("no_paid_employees", _("No one works under a paid employment contract"), 2),
    ChecklistItem("no_political_activity", _("No political or partisan activity takes place at the center"), 2),
    ChecklistItem("mosque_independence", _("The host mosque's own affairs are left to it"), 1),
    ChecklistItem("reports_sent", _("Reports of contributions and services are sent to the committee regularly"),
                  1),
)
CHECKLIST_CODES = frozenset(item.code for item in CHECKLIST)


class Answer(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")
    NOT_APPLICABLE = "na", _("Not applicable")


def checklist_score(answers: dict[str, str]) -> int:
    """The inspection's score out of 100: the weight of the items answered "yes" as a share of the weight of
    the items that apply (answered "yes" or "no"), rounded half up. An unanswered item counts as "no" (the
    inspector could not confirm it); "not applicable" items leave the score untouched. Nothing applicable
    at all scores 0, since nothing was confirmed."""
    applicable = confirmed = 0
    for item in CHECKLIST:
        answer = answers.get(item.code, Answer.NO)
        if answer == Answer.NOT_APPLICABLE:
            continue
        applicable += item.weight
        if answer == Answer.YES:
            confirmed += item.weight
    if applicable == 0:
        return 0
    return (confirmed * 200 + applicable) // (2 * applicable)


@pghistory.track()
class Inspection(models.Model):
    """A supervisor's field inspection (نظارت میدانی) against ``CHECKLIST``.

    ``answers`` maps checklist item codes to "yes", "no" or "na"; ``score`` is computed from them when the
    inspection is recorded (``checklist_score``).
    """

    center = models.ForeignKey(Center, on_delete=models.PROTECT, related_name="inspections",
                               verbose_name=_("center"))
    inspector = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("inspector"))
    inspected_on = models.DateField(_("inspected on"))
    answers = models.JSONField(_("checklist answers"), default=dict)
    findings = models.TextField(_("findings"), blank=True)
    score = models.PositiveSmallIntegerField(_("score (out of 100)"), default=0)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = ScopedManager(center="center")

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["-inspected_on", "-pk"]
        constraints = [models.CheckConstraint(condition=Q(score__lte=100), name="inspection_score_at_most_100")]

    def __str__(self):
        return _("Inspection of %(date)s") % {"date": self.inspected_on.isoformat()}


@pghistory.track()
class FollowUpAction(models.Model):
    """Something the board must do after an inspection, by a date; the board marks it done with a note."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")

    center = models.ForeignKey(Center, on_delete=models.PROTECT, related_name="+", verbose_name=_("center"))
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="follow_ups",
                                   verbose_name=_("inspection"))
    text = models.CharField(_("action"), max_length=300)
    due_on = models.DateField(_("due on"))
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.OPEN)
    done_note = models.TextField(_("note on completion"), blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="+", verbose_name=_("done by"))
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)

    objects = ScopedManager(center="center")

    class Meta:
        verbose_name = _("follow-up action")
        verbose_name_plural = _("follow-up actions")
        ordering = ["due_on", "pk"]

    def __str__(self):
        return self.text


# --- Complaints ------------------------------------------------------------------------------------------

# Its history model is named apart: "ComplaintEvent" is the complaint's own public timeline below.
@pghistory.track(model_name="ComplaintHistory")
class Complaint(models.Model):
    """A complaint from a donor, a beneficiary or anyone about a licensed center (seed 000 §7).

    It waits for an answer at its current level until ``deadline``; left unanswered it moves up a level by
    itself (``complaint_escalate_overdue``); after the last level it is flagged to the national admin.
    """

    class Level(models.IntegerChoices):
        MANAGEMENT = 1, _("County or provincial management")
        PARTICIPATION_DEPUTY = 2, _("Deputy for public participation")
        INSPECTION_OFFICE = 3, _("Supervision and inspection office")

    class Status(models.TextChoices):
        OPEN = "open", _("Awaiting an answer")
        ANSWERED = "answered", _("Answered")
        RESOLVED = "resolved", _("Resolved")

    class ComplainantKind(models.TextChoices):
        DONOR = "donor", _("Donor")
        BENEFICIARY = "beneficiary", _("Aid recipient")
        PUBLIC = "public", _("Member of the public")

    center = models.ForeignKey(Center, on_delete=models.PROTECT, related_name="complaints",
                               verbose_name=_("center"))
    tracking_code = models.CharField(_("tracking code"), max_length=16, unique=True)
    complainant_kind = models.CharField(_("complainant"), max_length=16, choices=ComplainantKind.choices)
    complainant_name = models.CharField(_("complainant's name"), max_length=120, blank=True)
    complainant_mobile = models.CharField(_("complainant's mobile"), max_length=11, blank=True)
    text = models.TextField(_("complaint"))
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices, default=Level.MANAGEMENT)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    deadline = models.DateTimeField(_("answer due by"))
    overdue_flagged_at = models.DateTimeField(_("flagged overdue to the national admin at"), null=True,
                                              blank=True)
    created_at = models.DateTimeField(_("filed at"), auto_now_add=True)

    objects = ScopedManager(center="center")

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["deadline"]
        indexes = [models.Index(fields=["status", "deadline"])]

    def __str__(self):
        return _("Complaint %(code)s") % {"code": self.tracking_code}

    @property
    def is_last_level(self) -> bool:
        return self.level == max(self.Level.values)


class ComplaintEvent(models.Model):
    """What happened to a complaint, who did it and when: filed, answered, escalated, resolved, flagged.
    Immutable (a database trigger refuses UPDATE and DELETE). ``public`` events show on the tracking page."""

    class Kind(models.TextChoices):
        FILED = "filed", _("Filed")
        RESPONDED = "responded", _("Answered")
        ESCALATED = "escalated", _("Escalated to the next level")
        RESOLVED = "resolved", _("Resolved")
        FLAGGED = "flagged", _("Overdue at the last level; reported to the national admin")

    center = models.ForeignKey(Center, on_delete=models.PROTECT, related_name="+", verbose_name=_("center"))
    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="timeline",
                                  verbose_name=_("complaint"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    level = models.PositiveSmallIntegerField(_("level"), choices=Complaint.Level.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+", verbose_name=_("by"))
    text = models.TextField(_("text"), blank=True)
    public = models.BooleanField(_("shown to the complainant"), default=True)
    at = models.DateTimeField(_("at"))

    objects = ScopedManager(center="center")

    class Meta:
        verbose_name = _("complaint event")
        verbose_name_plural = _("complaint events")
        ordering = ["at", "pk"]
        triggers = [pgtrigger.Protect(name="complaint_event_immutable",
                                      operation=pgtrigger.Update | pgtrigger.Delete)]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.at:%Y-%m-%d})"
