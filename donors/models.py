"""Donors (خیرین): natural persons and legal entities, per organisation (DESIGN §4, §8).

A donor belongs to an organisation (the relief committee or the welfare organisation), not to one center: the
same person may give at several centers. Identity numbers are unique within an organisation. A center sees
only the donors who have a relationship with it (a ``DonorLink``, made when the center records a gift, a
pledge or registers the donor), so ``Donor.objects`` is scoped through those links: a query with no scope
open fails, like every tenant query.

Merging duplicates (``donors.services.donor_merge``) moves every gift, pledge, receipt and link to the
survivor, marks the other ``merged_into`` the survivor and records a ``DonorMerge``: nothing is deleted.
"""

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager
from django_scopes.state import get_scope


class DonorManager(models.Manager):
    """Scoped through ``DonorLink``: inside ``scope(center=[ids])`` only donors linked to those centers.

    Written by hand instead of ``ScopedManager(center="links__center")`` because a join through the links
    would repeat a donor linked to several centers in a supervisor's scope; a subquery does not.
    """

    def get_queryset(self):
        from django_scopes.manager import DisabledQuerySet

        current = get_scope()
        if not current.get("_enabled", True):
            return super().get_queryset()
        if "center" not in current:
            return DisabledQuerySet(self.model, using=self._db, missing_scopes={"center"})
        centers = current["center"]
        if not isinstance(centers, (list, tuple, set, frozenset)):
            centers = [centers]
        linked = DonorLink.objects.filter(center__in=list(centers)).values("donor_id")
        return super().get_queryset().filter(pk__in=linked)

    def all(self):
        queryset = self.get_queryset()
        return queryset.all() if hasattr(queryset, "missing_scopes") else queryset


@pghistory.track()
class Donor(models.Model):
    class Kind(models.TextChoices):
        PERSON = "person", _("Natural person")
        LEGAL = "legal", _("Legal entity")

    organization = models.ForeignKey("centers.Organization", on_delete=models.PROTECT, related_name="donors",
                                     verbose_name=_("organisation"))
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.PERSON)
    first_name = models.CharField(_("first name"), max_length=64, blank=True)
    last_name = models.CharField(_("last name"), max_length=64, blank=True)
    legal_name = models.CharField(_("legal entity name"), max_length=200, blank=True)
    national_code = models.CharField(_("national code"), max_length=10, blank=True,
                                     help_text=_("Natural persons: the ten-digit national code."))
    legal_entity_id = models.CharField(_("legal entity national ID"), max_length=11, blank=True,
                                       help_text=_("Legal entities: the eleven-digit national ID."))
    mobile = models.CharField(_("mobile"), max_length=11, blank=True, db_index=True,
                              help_text=_("Stored as 09xxxxxxxxx."))
    email = models.EmailField(_("email"), blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=10, blank=True)

    # Communication preferences and consent.
    contact_by_sms = models.BooleanField(_("contact by SMS"), default=False)
    contact_by_email = models.BooleanField(_("contact by email"), default=False)
    contact_by_post = models.BooleanField(_("contact by post"), default=False)
    consent_at = models.DateTimeField(_("consent given at"), null=True, blank=True,
                                      help_text=_("When the donor agreed to be contacted; empty means never."))
    name_on_receipt = models.BooleanField(
        _("name shown on public receipt check"), default=False,
        help_text=_("Whether the public receipt verification page may show the donor's name."))

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="donor", verbose_name=_("portal user"))
    merged_into = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="merged_donors", verbose_name=_("merged into"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("created by"))

    objects = DonorManager()

    class Meta:
        verbose_name = _("donor")
        verbose_name_plural = _("donors")
        ordering = ["last_name", "first_name", "legal_name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "national_code"],
                                    condition=~Q(national_code="") & Q(merged_into__isnull=True),
                                    name="donor_national_code_unique_per_organization"),
            models.UniqueConstraint(fields=["organization", "legal_entity_id"],
                                    condition=~Q(legal_entity_id="") & Q(merged_into__isnull=True),
                                    name="donor_legal_id_unique_per_organization"),
            models.CheckConstraint(condition=Q(kind="legal") | Q(legal_entity_id=""),
                                   name="donor_person_has_no_legal_id"),
            models.CheckConstraint(condition=Q(kind="person") | Q(national_code=""),
                                   name="donor_legal_entity_has_no_national_code"),
        ]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.kind == self.Kind.LEGAL:
            return self.legal_name
        return f"{self.first_name} {self.last_name}".strip()


class DonorLink(models.Model):
    """A center's relationship with a donor: what makes the donor visible to the center."""

    class Source(models.TextChoices):
        REGISTERED = "registered", _("Registered by the center")
        CONTRIBUTION = "contribution", _("Gave at the center")
        PLEDGE = "pledge", _("Pledged at the center")
        ONLINE = "online", _("Gave online")
        IMPORT = "import", _("Imported")
        MERGE = "merge", _("Moved by a merge")

    center = models.ForeignKey("centers.Center", on_delete=models.PROTECT, related_name="donor_links",
                               verbose_name=_("center"))
    donor = models.ForeignKey(Donor, on_delete=models.PROTECT, related_name="links", verbose_name=_("donor"))
    source = models.CharField(_("source"), max_length=16, choices=Source.choices, default=Source.REGISTERED)
    since = models.DateTimeField(_("since"), auto_now_add=True)

    objects = ScopedManager(center="center")

    class Meta:
        verbose_name = _("donor relationship")
        verbose_name_plural = _("donor relationships")
        constraints = [models.UniqueConstraint(fields=["center", "donor"], name="donor_link_unique")]

    def __str__(self):
        return f"{self.donor_id} @ {self.center_id}"


class DonorMerge(models.Model):
    """The trace a merge leaves: which donor was folded into which, by whom, and what moved."""

    organization = models.ForeignKey("centers.Organization", on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("organisation"))
    survivor = models.ForeignKey(Donor, on_delete=models.PROTECT, related_name="merges_kept",
                                 verbose_name=_("kept donor"))
    merged = models.ForeignKey(Donor, on_delete=models.PROTECT, related_name="merges_folded",
                               verbose_name=_("merged donor"))
    moved = models.JSONField(_("moved records"), default=dict,
                             help_text=_("How many records of each kind moved to the kept donor."))
    merged_at = models.DateTimeField(_("merged at"), auto_now_add=True)
    merged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name=_("merged by"))
    reason = models.CharField(_("reason"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("donor merge")
        verbose_name_plural = _("donor merges")
        ordering = ["-merged_at"]

    def __str__(self):
        return f"{self.merged_id} → {self.survivor_id}"


class ImportRun(models.Model):
    """One uploaded Excel file of donors or cash contributions and what became of it (issue 4.8).

    Imports run as a background task (DESIGN §3: long jobs never inside a request): the upload is kept here
    until the task has checked every row and stored all of them, or none and the error workbook.
    """

    class Kind(models.TextChoices):
        DONORS = "donors", _("Donors")
        CONTRIBUTIONS = "contributions", _("Cash contributions")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        RUNNING = "running", _("Being checked")
        DONE = "done", _("Imported")
        REJECTED = "rejected", _("Rejected: nothing stored")
        FAILED = "failed", _("Failed")

    center = models.ForeignKey("centers.Center", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("center"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.QUEUED)
    filename = models.CharField(_("file name"), max_length=200, blank=True)
    upload = models.BinaryField(_("uploaded file"), editable=False)
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    counts = models.JSONField(_("what was stored"), default=dict, blank=True)
    bad_rows = models.JSONField(_("rejected rows"), default=list, blank=True,
                                help_text=_("Row numbers and reasons (the first 200)."))
    error_file = models.BinaryField(_("error workbook"), null=True, blank=True, editable=False)
    message = models.CharField(_("message"), max_length=500, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("requested by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    objects = ScopedManager(center="center")

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.REJECTED, self.Status.FAILED)
