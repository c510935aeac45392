"""The participatory plan with its stakeholders and actions, the collective actions carried out and their
reach, and the partnerships with local bodies (seed 004, commitments 4, 5 and 6: «تحلیل و برنامه ریزی مشارکتی
با همراهی ذینفعان»، «اجرای اقدامات جمعی و مشارکتی»، «حمایت یابی و برقراری ارتباط با نهادهای محلی»)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from .assessment import LocalProblem, ProblemCategory

__all__ = ["CollectiveAction", "ParticipatoryPlan", "Partnership", "PlanAction", "Stakeholder"]


class ParticipatoryPlan(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Being prepared")
        ADOPTED = "adopted", _("Adopted")
        CLOSED = "closed", _("Closed")

    center = models.ForeignKey("centers.Center", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("center"))
    title = models.CharField(_("title"), max_length=200)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    goals = models.TextField(_("goals"))
    problems = models.ManyToManyField(LocalProblem, blank=True, related_name="plans",
                                      verbose_name=_("local problems it addresses"))
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("recorded by"))
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = ScopedManager(center="center")

    class Meta:
        verbose_name = _("participatory plan")
        verbose_name_plural = _("participatory plans")
        ordering = ["-starts_on", "-pk"]
        constraints = [models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")),
                                              name="community_plan_ends_after_start")]

    def __str__(self):
        return self.title


class Stakeholder(models.Model):
    class Kind(models.TextChoices):
        RESIDENTS = "residents", _("Residents")
        GOVERNMENT = "government", _("Government body")
        MUNICIPALITY = "municipality", _("Municipality or neighbourhood council")
        NGO = "ngo", _("NGO or charity")
        RELIGIOUS = "religious", _("Mosque or religious body")
        SCHOOL = "school", _("School")
        HEALTH = "health", _("Health centre")
        BUSINESS = "business", _("Business")
        OTHER = "other", _("Other")

    center = models.ForeignKey("centers.Center", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("center"))
    plan = models.ForeignKey(ParticipatoryPlan, on_delete=models.CASCADE, related_name="stakeholders",
                             verbose_name=_("participatory plan"))
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    role = models.CharField(_("part in the plan"), max_length=300, blank=True)

    objects = ScopedManager(center="center")

    class Meta:
        verbose_name = _("stakeholder")
        verbose_name_plural = _("stakeholders")
        ordering = ["plan", "pk"]

    def __str__(self):
        return self.name


class PlanAction(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")

    center = models.ForeignKey("centers.Center", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("center"))
    plan = models.ForeignKey(ParticipatoryPlan, on_delete=models.CASCADE, related_name="actions",
                             verbose_name=_("participatory plan"))
    title = models.CharField(_("action"), max_length=300)
    responsible = models.CharField(_("responsible"), max_length=200)
    due_on = models.DateField(_("due on"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PLANNED)

    objects = ScopedManager(center="center")

    class Meta:
        verbose_name = _("planned action")
        verbose_name_plural = _("planned actions")
        ordering = ["plan", "due_on", "pk"]

    def __str__(self):
        return self.title


class CollectiveAction(models.Model):
    """A collective, participatory action carried out (اقدام جمعی), with how many people it reached and how
    many took part in running it."""

    center = models.ForeignKey("centers.Center", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("center"))
    plan = models.ForeignKey(ParticipatoryPlan, on_delete=models.PROTECT, null=True, blank=True,
                             related_name="collective_actions", verbose_name=_("participatory plan"))
    title = models.CharField(_("title"), max_length=200)
    category = models.CharField(_("harm it addresses"), max_length=20, choices=ProblemCategory.choices,
                                blank=True)
    held_on = models.DateField(_("held on"))
    reach = models.PositiveIntegerField(_("people reached"))
    participants = models.PositiveIntegerField(_("participants"))
    participants_description = models.TextField(_("who took part"), blank=True)
    description = models.TextField(_("description"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("recorded by"))
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = ScopedManager(center="center")

    class Meta:
        verbose_name = _("collective action")
        verbose_name_plural = _("collective actions")
        ordering = ["-held_on", "-pk"]
        indexes = [models.Index(fields=["center", "held_on"], name="community_action_center_idx")]

    def __str__(self):
        return self.title


class Partnership(models.Model):
    """A working relationship with a local body (حمایت‌یابی و ارتباط با نهادهای محلی)."""

    center = models.ForeignKey("centers.Center", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("center"))
    body = models.CharField(_("local body"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=Stakeholder.Kind.choices)
    subject = models.TextField(_("what the partnership covers"))
    started_on = models.DateField(_("started on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    contact = models.CharField(_("contact"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("recorded by"))

    objects = ScopedManager(center="center")

    class Meta:
        verbose_name = _("partnership with a local body")
        verbose_name_plural = _("partnerships with local bodies")
        ordering = ["-started_on", "pk"]
        constraints = [models.CheckConstraint(
            condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("started_on")),
            name="community_partnership_ends_after_start")]

    def __str__(self):
        return self.body

    def is_active(self, on) -> bool:
        return self.started_on <= on and (self.ends_on is None or self.ends_on >= on)
