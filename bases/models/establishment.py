"""Establishing a social-health base: the NGO's application with the documents seed 004 lists, decided by
a supervisor of the welfare organisation. On approval the base ``Center`` is created and licensed and
``BaseOperator`` links it to the NGO that runs it.
"""

from __future__ import annotations

import pghistory
import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from centers.models import Center, County, Organization
from centers.models.supervision import validate_attachment

from .ngos import Ngo

__all__ = ["ApplicationDocument", "BaseApplication", "BaseOperator"]


class DocumentKind(models.TextChoices):
    """The documents seed 004 requires to found a base (مدارک مورد نیاز جهت تاسیس پایگاه)."""

    NGO_LICENSE = "ngo_license", _("The NGO's founding and activity license from the welfare organisation")
    LOCAL_ACTIVITY = "local_activity", _("A valid record of social activity where the NGO is based")
    STAFF_LIST = "staff_list", _("The list of the base's staff")
    OTHER = "other", _("Other document")


REQUIRED_DOCUMENTS = (DocumentKind.NGO_LICENSE, DocumentKind.LOCAL_ACTIVITY, DocumentKind.STAFF_LIST)


@pghistory.track()
class BaseApplication(models.Model):
    """An NGO's application to found a base in a county; no center exists until it is approved."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    ngo = models.ForeignKey(Ngo, on_delete=models.PROTECT, related_name="applications", verbose_name=_("NGO"))
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("supervising organisation"))
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+", verbose_name=_("county"))
    base_name = models.CharField(_("name of the base"), max_length=200)
    host_place = models.CharField(_("host place"), max_length=16, choices=Center.HostPlace.choices,
                                  default=Center.HostPlace.OTHER)
    host_place_name = models.CharField(_("name of the host place"), max_length=200, blank=True)
    address = models.TextField(_("address"), blank=True)
    representative = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                       verbose_name=_("NGO representative"),
                                       help_text=_("Becomes the chair of the base's board on approval."))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.SUBMITTED)
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    note = models.TextField(_("supervisor's note"), blank=True)
    center = models.OneToOneField(Center, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                  verbose_name=_("base"))

    class Meta:
        verbose_name = _("base establishment application")
        verbose_name_plural = _("base establishment applications")
        ordering = ["-submitted_at"]
        constraints = [models.CheckConstraint(condition=Q(status="approved", center__isnull=False)
                                              | ~Q(status="approved"), name="approved_application_has_base")]
        triggers = [pgtrigger.Protect(name="base_application_never_deleted", operation=pgtrigger.Delete)]

    def __str__(self):
        return f"{self.base_name} — {self.ngo}"


class ApplicationDocument(models.Model):
    """A document handed in with the application (PDF, PNG or JPEG whose content matches its type)."""

    application = models.ForeignKey(BaseApplication, on_delete=models.PROTECT, related_name="documents",
                                    verbose_name=_("application"))
    kind = models.CharField(_("kind"), max_length=16, choices=DocumentKind.choices)
    title = models.CharField(_("title"), max_length=200, blank=True)
    file = models.FileField(_("file"), upload_to="bases/applications/%Y/", validators=[validate_attachment])
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("application document")
        verbose_name_plural = _("application documents")
        ordering = ["kind", "pk"]

    def __str__(self):
        return self.title or self.get_kind_display()


@pghistory.track()
class BaseOperator(models.Model):
    """Which NGO runs a base (one at a time); the link is the base's own, so it is tenant-owned."""

    center = models.OneToOneField(Center, on_delete=models.PROTECT, related_name="base_operator",
                                  verbose_name=_("base"))
    ngo = models.ForeignKey(Ngo, on_delete=models.PROTECT, related_name="operated_bases", verbose_name=_("NGO"))
    since = models.DateField(_("since"))
    application = models.OneToOneField(BaseApplication, on_delete=models.PROTECT, null=True, blank=True,
                                       related_name="+", verbose_name=_("application"))

    objects = ScopedManager(center="center")

    class Meta:
        verbose_name = _("base operator")
        verbose_name_plural = _("base operators")

    def __str__(self):
        return f"{self.center} — {self.ngo}"
