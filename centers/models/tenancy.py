"""Geography, the supervising organisations, the tenant (``Center``) and the roles people hold.

Every change to a center, an appointment or an assignment is kept in an append-only history written by
database triggers (django-pghistory), with the acting user from the request.

Every tenant-owned model has a direct ``center`` foreign key and a django-scopes ``ScopedManager`` as
``objects``: a query made with no scope open raises ``ScopeError`` instead of returning every center's rows
(DESIGN §4, "fail closed").
"""

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager


class Province(models.Model):
    """One of Iran's 31 provinces (استان); loaded from the committed division file by a migration."""

    code = models.PositiveSmallIntegerField(_("code"), unique=True)
    name = models.CharField(_("name"), max_length=64, unique=True)

    class Meta:
        verbose_name = _("province")
        verbose_name_plural = _("provinces")
        ordering = ["name"]

    def __str__(self):
        return self.name


class County(models.Model):
    """A county (شهرستان): the smallest supervision level."""

    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="counties",
                                 verbose_name=_("province"))
    code = models.PositiveIntegerField(_("code"), unique=True)
    name = models.CharField(_("name"), max_length=64)

    class Meta:
        verbose_name = _("county")
        verbose_name_plural = _("counties")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["province", "name"], name="county_name_unique_in_province")]

    def __str__(self):
        return self.name


class Organization(models.Model):
    """A supervising organisation: the relief committee or the welfare organisation."""

    class Code(models.TextChoices):
        RELIEF_COMMITTEE = "relief_committee", _("Imam Khomeini Relief Committee")
        WELFARE = "welfare", _("State Welfare Organisation")

    code = models.CharField(_("code"), max_length=32, choices=Code.choices, unique=True)
    name = models.CharField(_("name"), max_length=128)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["code"]

    def __str__(self):
        return self.get_code_display()


@pghistory.track()
class Center(models.Model):
    """The tenant: a neighbourhood charity center, or a social-health base run by an NGO.

    Its own manager is scoped on its primary key, so even the list of centers is narrowed to the actor's.
    """

    class Kind(models.TextChoices):
        CHARITY = "charity", _("Charity, entrepreneurship and empowerment center")
        SOCIAL_HEALTH_BASE = "social_health_base", _("Social-health base")

    class HostPlace(models.TextChoices):
        MOSQUE = "mosque", _("Mosque")
        SCHOOL = "school", _("School")
        WORKPLACE = "workplace", _("Workplace")
        CLINIC = "clinic", _("Clinic")
        UNIVERSITY = "university", _("University")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        APPLICATION = "application", _("Application submitted")
        REVIEW = "review", _("Under review")
        LICENSED = "licensed", _("Licensed")
        SUSPENDED = "suspended", _("Suspended")
        REVOKED = "revoked", _("Revoked")
        DISSOLVED = "dissolved", _("Dissolved")

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=80, unique=True, allow_unicode=False)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices, default=Kind.CHARITY)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="centers",
                                     verbose_name=_("supervising organisation"))
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="centers", verbose_name=_("county"))
    host_place = models.CharField(_("host place"), max_length=16, choices=HostPlace.choices,
                                  default=HostPlace.MOSQUE)
    host_place_name = models.CharField(_("name of the host place"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.APPLICATION)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # The profile (seed 002): set by the board through centers.services.lifecycle.center_profile_update.
    activity_code = models.CharField(_("activity code"), max_length=32, unique=True, null=True, blank=True,
                                     help_text=_("Assigned by the supervising organisation with the first license."))
    address = models.TextField(_("address"), blank=True)
    postal_code = models.CharField(_("postal code"), max_length=10, blank=True)
    phone = models.CharField(_("landline phone"), max_length=11, blank=True)
    mobile = models.CharField(_("mobile"), max_length=11, blank=True)
    iban = models.CharField(_("bank account (sheba)"), max_length=26, blank=True,
                            help_text=_("The center's one permitted account, at the designated bank."))
    activity_area = models.JSONField(_("activity area"), null=True, blank=True,
                                     help_text=_("A GeoJSON Polygon (longitude, latitude)."))
    activity_area_description = models.TextField(_("description of the activity area"), blank=True)

    objects = ScopedManager(center="pk")

    class Meta:
        verbose_name = _("center")
        verbose_name_plural = _("centers")
        ordering = ["name"]
        indexes = [models.Index(fields=["county", "organization"])]

    def __str__(self):
        return self.name

    @property
    def center_id(self) -> int:
        """A center is its own tenant; lets generic code read ``obj.center_id`` from any tenant object."""
        return self.pk


class BoardRole(models.TextChoices):
    """The trustee board's roles (seed 002): six core roles, then the optional officers."""

    CHAIR = "chair", _("Chair of the board of trustees")
    VICE_CHAIR = "vice_chair", _("Vice-chair (executive affairs)")
    FINANCE_OFFICER = "finance_officer", _("Administrative and finance officer")
    DONOR_RELATIONS_MEN = "donor_relations_men", _("Officer for donors and male volunteers")
    DONOR_RELATIONS_WOMEN = "donor_relations_women", _("Officer for donors and female volunteers")
    ORGANIZATIONS_OFFICER = "organizations_officer", _("Officer for organisations and assemblies")
    PARTICIPATION_OFFICER = "participation_officer", _("Officer for zakat, alms and donations")
    ORPHAN_SPONSORSHIP_OFFICER = "orphan_sponsorship_officer", _("Officer for orphan and family sponsorship")
    DOWRY_MARRIAGE_OFFICER = "dowry_marriage_officer", _("Officer for dowry and marriage")
    QARD_HASAN_OFFICER = "qard_hasan_officer", _("Officer for interest-free loans")
    SOCIAL_WORK_OFFICER = "social_work_officer", _("Officer for social work")
    EMPLOYMENT_OFFICER = "employment_officer", _("Officer for employment and empowerment")
    CULTURE_EDUCATION_OFFICER = "culture_education_officer", _("Officer for culture and education")
    HEALTH_OFFICER = "health_officer", _("Officer for health and treatment")
    HOUSING_OFFICER = "housing_officer", _("Officer for housing")
    PUBLIC_RELATIONS_OFFICER = "public_relations_officer", _("Officer for public relations")


CORE_ROLES = (
    BoardRole.CHAIR,
    BoardRole.VICE_CHAIR,
    BoardRole.FINANCE_OFFICER,
    BoardRole.DONOR_RELATIONS_MEN,
    BoardRole.DONOR_RELATIONS_WOMEN,
    BoardRole.ORGANIZATIONS_OFFICER,
)


@pghistory.track()
class TrusteeAppointment(models.Model):
    """A person holding a role on a center's board: the source of a trustee's access (DESIGN §4)."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        ENDED = "ended", _("Ended")

    center = models.ForeignKey(Center, on_delete=models.CASCADE, related_name="appointments",
                               verbose_name=_("center"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="appointments",
                             verbose_name=_("user"))
    role = models.CharField(_("role"), max_length=32, choices=BoardRole.choices)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # The board area (issue 3): who proposed it, the change request that made it, the letter (حکم) number
    # (unique per center, numbered per Jalali year) and why it ended.
    appointed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("appointed by"))
    change_request = models.ForeignKey("centers.BoardChangeRequest", on_delete=models.PROTECT, null=True,
                                       blank=True, related_name="appointments",
                                       verbose_name=_("board change request"))
    letter_number = models.CharField(_("letter number"), max_length=40, blank=True)
    letter_year = models.PositiveSmallIntegerField(_("letter year"), null=True, blank=True)
    letter_seq = models.PositiveIntegerField(_("letter sequence"), null=True, blank=True)
    end_reason = models.CharField(_("reason the appointment ended"), max_length=300, blank=True)

    objects = ScopedManager(center="center")

    class Meta:
        verbose_name = _("trustee appointment")
        verbose_name_plural = _("trustee appointments")
        ordering = ["center", "role"]
        constraints = [
            # One holder per role at a time on each board.
            models.UniqueConstraint(fields=["center", "role"], condition=Q(status="active"),
                                    name="one_active_holder_per_role"),
            models.CheckConstraint(condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                                   name="appointment_ends_after_it_starts"),
            models.UniqueConstraint(fields=["center", "letter_year", "letter_seq"],
                                    condition=Q(letter_seq__isnull=False), name="one_letter_number_per_center"),
        ]
        indexes = [models.Index(fields=["user", "status"])]

    def __str__(self):
        return f"{self.get_role_display()}: {self.user}"

    @property
    def is_core(self) -> bool:
        return self.role in CORE_ROLES


@pghistory.track()
class SupervisorAssignment(models.Model):
    """A supervisor of one organisation over a county, a province or the whole country.

    Not tenant-owned: it is what decides which tenants a supervisor sees.
    """

    class Level(models.TextChoices):
        COUNTY = "county", _("County")
        PROVINCE = "province", _("Province")
        NATIONAL = "national", _("National headquarters")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                             related_name="supervisor_assignments", verbose_name=_("user"))
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="supervisors",
                                     verbose_name=_("organisation"))
    level = models.CharField(_("level"), max_length=8, choices=Level.choices)
    province = models.ForeignKey(Province, on_delete=models.PROTECT, null=True, blank=True,
                                 verbose_name=_("province"))
    county = models.ForeignKey(County, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("county"))
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("supervisor assignment")
        verbose_name_plural = _("supervisor assignments")
        constraints = [
            models.CheckConstraint(
                condition=(Q(level="county", county__isnull=False, province__isnull=True)
                           | Q(level="province", province__isnull=False, county__isnull=True)
                           | Q(level="national", province__isnull=True, county__isnull=True)),
                name="supervisor_region_matches_level",
            ),
        ]

    def __str__(self):
        return f"{self.user} — {self.region_label}"

    @property
    def region_label(self) -> str:
        region = self.county or self.province
        if region is None:
            return str(self.get_level_display())
        return _("%(level)s of %(region)s") % {"level": self.get_level_display(), "region": region}
