"""The needs assessment of a neighbourhood with its prioritised local problems and the local informants
consulted, and the register of local assets and capacities.

Seed 004, mutual commitments 1 and 2: «نیازسنجی و اولویت بندی مسائل و مشکلات اجتماعی در سطح محله با مشارکت
مطلعان محلی» and «شناسایی دارایی ها و ظرفیت های محلی».
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

__all__ = ["Informant", "LocalAsset", "LocalProblem", "NeedsAssessment", "ProblemCategory"]


class ProblemCategory(models.TextChoices):
    """Kinds of local problems and social harms (the harm map uses the same list)."""

    ADDICTION = "addiction", _("Addiction")
    DOMESTIC_VIOLENCE = "domestic_violence", _("Domestic violence")
    CHILD_LABOUR = "child_labour", _("Child labour")
    DIVORCE = "divorce", _("Divorce and family breakdown")
    UNEMPLOYMENT = "unemployment", _("Unemployment")
    SCHOOL_DROPOUT = "school_dropout", _("Leaving school early")
    POVERTY = "poverty", _("Poverty")
    CRIME = "crime", _("Theft and crime")
    HOMELESSNESS = "homelessness", _("Homelessness and rough sleeping")
    ENVIRONMENT = "environment", _("Unsafe or neglected places")
    OTHER = "other", _("Other")


class NeedsAssessment(models.Model):
    """One needs assessment (نیازسنجی) of the neighbourhood: when, where, how, and what it found."""

    center = models.ForeignKey("centers.Center", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("center"))
    title = models.CharField(_("title"), max_length=200)
    neighbourhood = models.CharField(_("neighbourhood"), max_length=200)
    assessed_on = models.DateField(_("assessed on"))
    method = models.TextField(_("method"), blank=True,
                              help_text=_("How the needs were gathered: meetings, interviews, walks, surveys."))
    summary = models.TextField(_("summary of findings"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("recorded by"))
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = ScopedManager(center="center")

    class Meta:
        verbose_name = _("needs assessment of the neighbourhood")
        verbose_name_plural = _("needs assessments of the neighbourhood")
        ordering = ["-assessed_on", "-pk"]
        indexes = [models.Index(fields=["center", "-assessed_on"], name="community_needs_center_idx")]

    def __str__(self):
        return self.title


class LocalProblem(models.Model):
    """A local problem the assessment found, with its priority (1 = first to address)."""

    center = models.ForeignKey("centers.Center", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("center"))
    assessment = models.ForeignKey(NeedsAssessment, on_delete=models.CASCADE, related_name="problems",
                                   verbose_name=_("needs assessment"))
    problem = models.CharField(_("problem"), max_length=300)
    category = models.CharField(_("category"), max_length=20, choices=ProblemCategory.choices)
    priority_rank = models.PositiveSmallIntegerField(_("priority rank"))
    notes = models.TextField(_("notes"), blank=True)

    objects = ScopedManager(center="center")

    class Meta:
        verbose_name = _("local problem")
        verbose_name_plural = _("local problems")
        ordering = ["assessment", "priority_rank"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "priority_rank"], name="community_problem_rank_unique"),
            models.CheckConstraint(condition=Q(priority_rank__gte=1), name="community_problem_rank_positive"),
        ]

    def __str__(self):
        return self.problem


class Informant(models.Model):
    """A local informant (مطلع محلی) consulted for the assessment: a name and the role that makes them one."""

    center = models.ForeignKey("centers.Center", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("center"))
    assessment = models.ForeignKey(NeedsAssessment, on_delete=models.CASCADE, related_name="informants",
                                   verbose_name=_("needs assessment"))
    name = models.CharField(_("name"), max_length=120)
    role = models.CharField(_("role in the neighbourhood"), max_length=120)

    objects = ScopedManager(center="center")

    class Meta:
        verbose_name = _("local informant")
        verbose_name_plural = _("local informants")
        ordering = ["assessment", "pk"]

    def __str__(self):
        return f"{self.name} ({self.role})"


class LocalAsset(models.Model):
    """A local asset or capacity (دارایی و ظرفیت محلی): people, places, organisations or funds."""

    class Kind(models.TextChoices):
        PEOPLE = "people", _("People")
        PLACE = "place", _("Place")
        ORGANISATION = "organisation", _("Organisation")
        FUND = "fund", _("Fund")

    center = models.ForeignKey("centers.Center", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("center"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("what it can offer"), blank=True)
    contact = models.CharField(_("contact"), max_length=200, blank=True)
    recorded_on = models.DateField(_("recorded on"))
    active = models.BooleanField(_("available"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("recorded by"))

    objects = ScopedManager(center="center")

    class Meta:
        verbose_name = _("local asset")
        verbose_name_plural = _("local assets")
        ordering = ["kind", "name"]

    def __str__(self):
        return self.name
