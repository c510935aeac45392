"""Households, their members, needs assessments and the log of revealed identifiers.

Sources: seed 002 (the vice-chair identifies the truly needy, categorises and prioritises their needs and
records them; the needy are served "confidentially and respectfully" — "حفظ آبرو و کرامت انسانی نیازمندان";
employment and empowerment come first), seed 003 (rural families, insurance, housing for families without
one, avoiding overlap between agencies), DESIGN §8.

Identifiers are stored encrypted (``*_ciphertext``, see ``beneficiaries.crypto``); a member's national code
also has a keyed blind index (``national_code_index``) for lookups and cross-center duplicate detection. No
model attribute ever holds a plaintext identifier: the masked form comes from ``masked_*`` and the full one
only from ``services.reveal_identifier``, which writes an ``IdentifierReveal`` row.
"""

from __future__ import annotations

import datetime

import pghistory
import pgtrigger
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from beneficiaries import crypto

__all__ = ["Assessment", "Household", "IdentifierReveal", "Member"]


@pghistory.track()
class Household(models.Model):
    """A needy household (خانوار) registered by a center. The head is one of its ``members`` (relation
    ``head``), pointed to by ``head`` for lists."""

    class Area(models.TextChoices):
        URBAN = "urban", _("Urban")
        RURAL = "rural", _("Rural")

    class Housing(models.TextChoices):
        OWNED = "owned", _("Owned")
        RENTED = "rented", _("Rented")
        RELATIVES = "relatives", _("Living with relatives")
        INFORMAL = "informal", _("Informal settlement")
        HOMELESS = "homeless", _("Without housing")

    class Insurance(models.TextChoices):
        NONE = "none", _("No insurance")
        BASIC = "basic", _("Basic health insurance")
        RURAL = "rural", _("Rural insurance")
        SOCIAL_SECURITY = "social_security", _("Social security")
        OTHER = "other", _("Other insurance")

    class Supporter(models.TextChoices):
        """Bodies that may already support a household (seed 003: avoid overlap between agencies)."""

        RELIEF_COMMITTEE = "relief_committee", _("Relief committee")
        WELFARE = "welfare", _("Welfare organisation")
        MUNICIPALITY = "municipality", _("Municipality or village council")
        CHARITY = "charity", _("Another charity")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        CLOSED = "closed", _("Closed")

    center = models.ForeignKey("centers.Center", on_delete=models.PROTECT, related_name="households",
                               verbose_name=_("center"))
    head = models.ForeignKey("Member", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name=_("head of household"))
    address = models.TextField(_("address"))
    county = models.ForeignKey("centers.County", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("county"))
    village = models.CharField(_("village or neighbourhood"), max_length=120, blank=True)
    area = models.CharField(_("area"), max_length=8, choices=Area.choices, default=Area.URBAN)
    housing = models.CharField(_("housing situation"), max_length=12, choices=Housing.choices)
    monthly_income = models.BigIntegerField(_("monthly income (rials)"), default=0)
    insurance = models.CharField(_("insurance"), max_length=16, choices=Insurance.choices,
                                 default=Insurance.NONE)
    supporting_organizations = ArrayField(
        models.CharField(max_length=20, choices=Supporter.choices), default=list, blank=True,
        verbose_name=_("already supported by"))
    mobile_ciphertext = models.TextField(_("mobile (encrypted)"), blank=True, editable=False)
    consent_on = models.DateField(_("consent to be registered given on"))
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.ACTIVE)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    closed_reason = models.TextField(_("reason for closing"), blank=True)
    # Kept by the services (beneficiaries.priority): stored so the prioritised list is one indexed query.
    priority_score = models.PositiveIntegerField(_("priority score"), default=0, editable=False)
    priority_parts = models.JSONField(_("priority score parts"), default=dict, blank=True, editable=False)
    next_reassessment_on = models.DateField(_("next reassessment"), null=True, blank=True, editable=False)
    member_count = models.PositiveSmallIntegerField(_("number of members"), default=0, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("registered by"))
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)

    objects = ScopedManager(center="center")

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        ordering = ["-priority_score", "pk"]
        indexes = [models.Index(fields=["center", "status", "-priority_score"], name="household_priority_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(monthly_income__gte=0), name="household_income_not_negative"),
            models.CheckConstraint(condition=Q(status="active") | Q(closed_on__isnull=False),
                                   name="household_closed_has_date"),
        ]

    def __str__(self):
        return _("Household %(number)s") % {"number": self.pk}

    @property
    def masked_mobile(self) -> str:
        return crypto.masked(self.mobile_ciphertext, purpose=crypto.MOBILE)


@pghistory.track()
class Member(models.Model):
    """A person of a household, the head included."""

    class Relation(models.TextChoices):
        HEAD = "head", _("Head of household")
        SPOUSE = "spouse", _("Spouse")
        CHILD = "child", _("Child")
        PARENT = "parent", _("Parent")
        SIBLING = "sibling", _("Sibling")
        OTHER = "other", _("Other relative")

    class Gender(models.TextChoices):
        FEMALE = "female", _("Female")
        MALE = "male", _("Male")

    class Education(models.TextChoices):
        NONE = "none", _("No schooling")
        LITERACY = "literacy", _("Can read and write")
        PRIMARY = "primary", _("Primary school")
        SECONDARY = "secondary", _("Secondary school")
        DIPLOMA = "diploma", _("High-school diploma")
        HIGHER = "higher", _("University")

    class Work(models.TextChoices):
        EMPLOYED = "employed", _("Employed")
        SELF_EMPLOYED = "self_employed", _("Self-employed")
        UNEMPLOYED = "unemployed", _("Looking for work")
        STUDENT = "student", _("Pupil or student")
        HOMEMAKER = "homemaker", _("Homemaker")
        RETIRED = "retired", _("Retired")
        UNABLE = "unable", _("Unable to work")
        CHILD = "child", _("Young child")

    center = models.ForeignKey("centers.Center", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("center"))
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="members",
                                  verbose_name=_("household"))
    relation = models.CharField(_("relation to the head"), max_length=8, choices=Relation.choices)
    first_name = models.CharField(_("first name"), max_length=64)
    last_name = models.CharField(_("last name"), max_length=64)
    national_code_ciphertext = models.TextField(_("national code (encrypted)"), blank=True, editable=False)
    national_code_index = models.CharField(_("national code blind index"), max_length=64, blank=True,
                                           db_index=True, editable=False)
    gender = models.CharField(_("gender"), max_length=8, choices=Gender.choices)
    birth_date = models.DateField(_("birth date"))
    education = models.CharField(_("education"), max_length=12, choices=Education.choices, default=Education.NONE)
    work_status = models.CharField(_("work"), max_length=16, choices=Work.choices, default=Work.UNEMPLOYED)
    has_disability = models.BooleanField(_("has a disability"), default=False)
    has_chronic_illness = models.BooleanField(_("has a chronic illness"), default=False)
    health_notes = models.TextField(_("health conditions"), blank=True)
    is_orphan = models.BooleanField(_("orphan"), default=False)
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)

    objects = ScopedManager(center="center")

    class Meta:
        verbose_name = _("household member")
        verbose_name_plural = _("household members")
        ordering = ["household", "birth_date", "pk"]
        constraints = [
            # A person is registered once per center; at two centers is allowed (and is what overlap finds).
            models.UniqueConstraint(fields=["center", "national_code_index"], condition=~Q(national_code_index=""),
                                    name="member_national_code_once_per_center"),
            models.UniqueConstraint(fields=["household"], condition=Q(relation="head"),
                                    name="member_one_head_per_household"),
            models.CheckConstraint(condition=Q(national_code_index="") | Q(national_code_ciphertext__gt=""),
                                   name="member_index_has_ciphertext"),
        ]

    def __str__(self):
        return f"{self.first_name} {self.last_name}"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def masked_national_code(self) -> str:
        return crypto.masked(self.national_code_ciphertext, purpose=crypto.NATIONAL_CODE)

    def age(self, on: datetime.date | None = None) -> int:
        on = on or datetime.date.today()  # noqa: DTZ011 - a date of birth has no time zone
        return on.year - self.birth_date.year - ((on.month, on.day) < (self.birth_date.month, self.birth_date.day))


@pghistory.track()
class Assessment(models.Model):
    """A needs assessment (نیازسنجی) of one category, with its severity and evidence. The latest of each
    category is the household's current need in it (``is_current``); older ones stay as the record."""

    class Category(models.TextChoices):
        LIVELIHOOD = "livelihood", _("Livelihood")
        HOUSING = "housing", _("Housing")
        HEALTH = "health", _("Health and treatment")
        EDUCATION = "education", _("Education")
        EMPLOYMENT = "employment", _("Employment")
        MARRIAGE = "marriage", _("Marriage and dowry")
        DEBT = "debt", _("Debt")
        ORPHAN_CARE = "orphan_care", _("Orphan care")

    center = models.ForeignKey("centers.Center", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("center"))
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="assessments",
                                  verbose_name=_("household"))
    category = models.CharField(_("category"), max_length=12, choices=Category.choices)
    severity = models.PositiveSmallIntegerField(_("severity (1-5)"))
    evidence = models.TextField(_("evidence"))
    assessed_on = models.DateField(_("assessed on"))
    next_due_on = models.DateField(_("reassess by"))
    is_current = models.BooleanField(_("current"), default=True)
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("assessed by"))
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = ScopedManager(center="center")

    class Meta:
        verbose_name = _("needs assessment")
        verbose_name_plural = _("needs assessments")
        ordering = ["-assessed_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(severity__gte=1, severity__lte=5), name="assessment_severity_1_5"),
            models.CheckConstraint(condition=Q(next_due_on__gt=models.F("assessed_on")),
                                   name="assessment_due_after_assessed"),
            models.UniqueConstraint(fields=["household", "category"], condition=Q(is_current=True),
                                    name="assessment_one_current_per_category"),
        ]

    def __str__(self):
        return f"{self.get_category_display()} ({self.severity})"


class IdentifierReveal(models.Model):
    """One showing of an identifier in full: who, when, whose, which, and why. Append-only (a trigger
    refuses changes and deletions)."""

    class Field(models.TextChoices):
        NATIONAL_CODE = "national_code", _("National code")
        MOBILE = "mobile", _("Mobile")

    center = models.ForeignKey("centers.Center", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("center"))
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="reveals",
                                  verbose_name=_("household"))
    member = models.ForeignKey(Member, on_delete=models.PROTECT, null=True, blank=True, related_name="reveals",
                               verbose_name=_("member"))
    field = models.CharField(_("identifier"), max_length=16, choices=Field.choices)
    reason = models.TextField(_("reason"))
    revealed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("shown to"))
    revealed_at = models.DateTimeField(_("shown at"), auto_now_add=True)

    objects = ScopedManager(center="center")

    class Meta:
        verbose_name = _("identifier shown in full")
        verbose_name_plural = _("identifiers shown in full")
        ordering = ["-revealed_at", "-pk"]
        triggers = [pgtrigger.Protect(name="identifier_reveal_append_only",
                                      operation=pgtrigger.Update | pgtrigger.Delete)]

    def __str__(self):
        return f"{self.get_field_display()} — {self.revealed_at:%Y-%m-%d %H:%M}"
