"""NGOs (سمن) as legal entities, with their welfare-organisation license, track record and staff.

Seed 004: a base is founded only by an NGO that holds "a founding and activity license from the welfare
organisation" (پروانه تاسیس و فعالیت سازمان مردم نهاد از بهزیستی), "a valid résumé and a record of social
activity where it is based" and "the staff it needs". An NGO is not a tenant: it exists before any base
does and may operate several. Supervisors of the welfare organisation see the NGOs of their region; a base's
trustees see the NGO that operates their base (``bases.services.ngos``).
"""

from __future__ import annotations

import datetime

import pghistory
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from centers.models import County
from core import validators

__all__ = ["Ngo", "NgoLicense", "NgoStaff", "NgoTrackRecord"]


@pghistory.track()
class Ngo(models.Model):
    """A non-governmental organisation registered as a legal entity (شناسه ملی, 11 digits)."""

    name = models.CharField(_("name"), max_length=200)
    legal_entity_id = models.CharField(_("legal-entity national ID"), max_length=11, unique=True,
                                       validators=[validators.validate_legal_entity_id])
    registration_number = models.CharField(_("registration number"), max_length=32)
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+", verbose_name=_("county"),
                               help_text=_("Where the NGO is registered; decides which supervisors see it."))
    address = models.TextField(_("address"), blank=True)
    phone = models.CharField(_("phone"), max_length=11, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("NGO")
        verbose_name_plural = _("NGOs")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        if self.legal_entity_id:
            try:
                self.legal_entity_id = validators.normalize_legal_entity_id(self.legal_entity_id)
            except ValidationError as error:
                raise ValidationError({"legal_entity_id": error.messages}) from None

    def current_license(self, on: datetime.date) -> NgoLicense | None:
        return self.licenses.filter(issued_on__lte=on, valid_until__gte=on).order_by("-valid_until").first()


@pghistory.track()
class NgoLicense(models.Model):
    """The NGO's founding and activity license from the welfare organisation, with its validity."""

    ngo = models.ForeignKey(Ngo, on_delete=models.PROTECT, related_name="licenses", verbose_name=_("NGO"))
    number = models.CharField(_("license number"), max_length=40)
    issued_on = models.DateField(_("issued on"))
    valid_until = models.DateField(_("valid until"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("recorded by"))

    class Meta:
        verbose_name = _("NGO license")
        verbose_name_plural = _("NGO licenses")
        ordering = ["-valid_until"]
        constraints = [
            models.CheckConstraint(condition=Q(valid_until__gte=models.F("issued_on")),
                                   name="ngo_license_ends_after_issue"),
            models.UniqueConstraint(fields=["ngo", "number"], name="ngo_license_number_unique"),
        ]

    def __str__(self):
        return self.number

    def clean(self):
        super().clean()
        if self.issued_on and self.valid_until and self.valid_until < self.issued_on:
            raise ValidationError({"valid_until": _("A license cannot end before it is issued.")})


class NgoTrackRecord(models.Model):
    """One entry of the NGO's record of social activity: what, when and where (seed 004: "in the place where
    the NGO is based")."""

    ngo = models.ForeignKey(Ngo, on_delete=models.CASCADE, related_name="track_record", verbose_name=_("NGO"))
    activity = models.CharField(_("activity"), max_length=300)
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("until"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200)

    class Meta:
        verbose_name = _("track record entry")
        verbose_name_plural = _("track record")
        ordering = ["-started_on"]
        constraints = [models.CheckConstraint(condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F(
            "started_on")), name="ngo_track_record_period")]

    def __str__(self):
        return self.activity


class NgoStaff(models.Model):
    """A member of the NGO's staff (seed 004: "having the staff needed")."""

    class Role(models.TextChoices):
        MANAGER = "manager", _("Base manager")
        SOCIAL_WORKER = "social_worker", _("Social worker")
        PSYCHOLOGIST = "psychologist", _("Psychologist")
        COUNSELLOR = "counsellor", _("Counsellor")
        EDUCATOR = "educator", _("Health educator")
        OTHER = "other", _("Other")

    ngo = models.ForeignKey(Ngo, on_delete=models.CASCADE, related_name="staff", verbose_name=_("NGO"))
    name = models.CharField(_("name"), max_length=200)
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    qualification = models.CharField(_("qualification"), max_length=200, blank=True,
                                     help_text=_("Degree and field, e.g. a bachelor's in social work."))
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff")
        ordering = ["role", "name"]

    def __str__(self):
        return f"{self.name} ({self.get_role_display()})"
