"""Models of the board area: board change requests and their steps, honorary volunteers, people's files.

Seed 002: the supervising organisation appoints the chair and the vice-chair; the chair appoints the other
trustees with the organisation's agreement; every change to the board needs the organisation's permission.
Volunteers serve honorarily: a formal employment contract with anyone at a center is forbidden, so the
``Volunteer`` model has no contract, salary or employment fields at all.
"""

import os
import uuid

import pghistory
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from core import validators

from .tenancy import BoardRole, Center, TrusteeAppointment

__all__ = [
    "BoardChangeRequest",
    "BoardChangeStep",
    "Gender",
    "Network",
    "PersonDocument",
    "PersonFile",
    "Volunteer",
]


class Network(models.TextChoices):
    """The six specialised networks (شبکه‌های تخصصی) a center builds among its people (seed 002)."""

    EMPLOYMENT = "employment", _("Employment network")
    CULTURE_EDUCATION = "culture_education", _("Culture and education network")
    LEGAL = "legal", _("Legal network")
    HOUSING_CONSTRUCTION = "housing_construction", _("Housing and construction network")
    SUPPORT_HEALTH = "support_health", _("Support and health network")
    PARTICIPATION = "participation", _("Participation development network")


class Gender(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


def _networks_field():
    return ArrayField(models.CharField(max_length=32, choices=Network.choices), default=list, blank=True,
                      verbose_name=_("specialised networks"))


@pghistory.track()
class BoardChangeRequest(models.Model):
    """A proposed change to a center's board (add, replace, remove, change role), decided by a supervisor.

    Approval applies all of its steps at once (``centers.services.board.BoardChangeManager``).
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Awaiting approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    center = models.ForeignKey(Center, on_delete=models.CASCADE, related_name="board_change_requests",
                               verbose_name=_("center"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("requested by"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    reason = models.TextField(_("reason for the change"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)

    objects = ScopedManager(center="center")

    class Meta:
        verbose_name = _("board change request")
        verbose_name_plural = _("board change requests")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["center", "status"])]

    def __str__(self):
        return _("Board change #%(number)s") % {"number": self.pk}

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.SUBMITTED)

    @property
    def touches_leadership(self) -> bool:
        """Steps about the chair or vice-chair: only the supervising organisation may propose them."""
        return any(step.concerns_leadership for step in self.steps.all())


class BoardChangeStep(models.Model):
    """One ordered step of a change request. ``role`` is the seat concerned (for ``change_role`` the new
    seat); ``target`` the appointment it ends (replace, remove, change role); ``user`` the new holder."""

    class Kind(models.TextChoices):
        ADD = "add", _("Appoint to a vacant role")
        REPLACE = "replace", _("Replace the holder")
        REMOVE = "remove", _("Remove from the board")
        CHANGE_ROLE = "change_role", _("Move to another role")

    center = models.ForeignKey(Center, on_delete=models.CASCADE, related_name="+", verbose_name=_("center"))
    request = models.ForeignKey(BoardChangeRequest, on_delete=models.CASCADE, related_name="steps",
                                verbose_name=_("board change request"))
    position = models.PositiveSmallIntegerField(_("position"))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    role = models.CharField(_("role"), max_length=32, choices=BoardRole.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                             related_name="+", verbose_name=_("person"))
    target = models.ForeignKey(TrusteeAppointment, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="+", verbose_name=_("current appointment"))

    objects = ScopedManager(center="center")

    class Meta:
        verbose_name = _("board change step")
        verbose_name_plural = _("board change steps")
        ordering = ["request", "position"]
        constraints = [
            models.UniqueConstraint(fields=["request", "position"], name="board_step_position_unique"),
            models.CheckConstraint(
                condition=(Q(kind="add", user__isnull=False, target__isnull=True)
                           | Q(kind="replace", user__isnull=False, target__isnull=False)
                           | Q(kind="remove", user__isnull=True, target__isnull=False)
                           | Q(kind="change_role", user__isnull=True, target__isnull=False)),
                name="board_step_fields_match_kind",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.get_role_display()}"

    @property
    def concerns_leadership(self) -> bool:
        leadership = (BoardRole.CHAIR, BoardRole.VICE_CHAIR)
        return self.role in leadership or (self.target is not None and self.target.role in leadership)


class Volunteer(models.Model):
    """An honorary volunteer (نیروی افتخاری / امدادیار). Unpaid by definition: seed 002 forbids any formal
    employment contract at a center, so there is deliberately no contract, salary or hiring field here."""

    center = models.ForeignKey(Center, on_delete=models.CASCADE, related_name="volunteers",
                               verbose_name=_("center"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="volunteering", verbose_name=_("user account"))
    name = models.CharField(_("full name"), max_length=150)
    gender = models.CharField(_("gender"), max_length=8, choices=Gender.choices)
    mobile = models.CharField(_("mobile"), max_length=11, blank=True, validators=[validators.validate_mobile])
    skills = models.TextField(_("skills"), blank=True)
    networks = _networks_field()
    since = models.DateField(_("volunteering since"))
    active = models.BooleanField(_("active"), default=True)

    objects = ScopedManager(center="center")

    class Meta:
        verbose_name = _("volunteer")
        verbose_name_plural = _("volunteers")
        ordering = ["center", "name"]

    def __str__(self):
        return self.name

    def get_networks_display(self) -> list[str]:
        return [str(Network(n).label) for n in self.networks if n in Network.values]


class PersonFile(models.Model):
    """A person's file (پرونده) at a center: a trustee's or a volunteer's contact, skills and networks.

    Seed 002 asks the vice-chair to keep a file for every trustee and volunteer."""

    center = models.ForeignKey(Center, on_delete=models.CASCADE, related_name="person_files",
                               verbose_name=_("center"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                             related_name="+", verbose_name=_("trustee"))
    volunteer = models.OneToOneField(Volunteer, on_delete=models.CASCADE, null=True, blank=True,
                                     related_name="person_file", verbose_name=_("volunteer"))
    mobile = models.CharField(_("mobile"), max_length=11, blank=True, validators=[validators.validate_mobile])
    address = models.CharField(_("address"), max_length=300, blank=True)
    skills = models.TextField(_("skills"), blank=True)
    networks = _networks_field()
    notes = models.TextField(_("notes"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ScopedManager(center="center")

    class Meta:
        verbose_name = _("person's file")
        verbose_name_plural = _("people's files")
        constraints = [
            models.CheckConstraint(condition=Q(user__isnull=True) ^ Q(volunteer__isnull=True),
                                   name="person_file_of_one_person"),
            models.UniqueConstraint(fields=["center", "user"], condition=Q(user__isnull=False),
                                    name="one_file_per_trustee_and_center"),
        ]

    def __str__(self):
        return self.person_name

    @property
    def person_name(self) -> str:
        if self.volunteer_id:
            return self.volunteer.name
        return self.user.get_full_name() or self.user.username

    def get_networks_display(self) -> list[str]:
        return [str(Network(n).label) for n in self.networks if n in Network.values]


MAX_DOCUMENT_BYTES = 5 * 1024 * 1024
DOCUMENT_EXTENSIONS = ["pdf", "jpg", "jpeg", "png"]


def validate_document_size(file) -> None:
    if file.size > MAX_DOCUMENT_BYTES:
        raise ValidationError(_("The file is larger than 5 MB."), code="too_large")


def person_document_path(instance, filename: str) -> str:
    """Documents live under their center's folder, with a random name (the original name may say too much)."""
    ext = os.path.splitext(filename)[1].lower()
    return f"centers/{instance.center_id}/people/{instance.person_file_id}/{uuid.uuid4().hex}{ext}"


class PersonDocument(models.Model):
    """A scanned document in a person's file (identity card, certificate, ...): PDF or image, at most 5 MB."""

    center = models.ForeignKey(Center, on_delete=models.CASCADE, related_name="+", verbose_name=_("center"))
    person_file = models.ForeignKey(PersonFile, on_delete=models.CASCADE, related_name="documents",
                                    verbose_name=_("person's file"))
    title = models.CharField(_("title"), max_length=150)
    file = models.FileField(_("file"), upload_to=person_document_path, validators=[
        FileExtensionValidator(DOCUMENT_EXTENSIONS), validate_document_size])
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    objects = ScopedManager(center="center")

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-uploaded_at"]

    def __str__(self):
        return self.title
