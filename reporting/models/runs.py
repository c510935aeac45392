"""Report runs: one request for one document (a kind of report, for a scope, over a Jalali period).

A run is asked for by a person (trustee pages, the admin, the API) or by Celery beat at the end of a period,
and executed by a worker (``reporting.runs.execute_run``). It moves queued → running → succeeded or failed;
a failed run keeps its reason and may be retried (a new run pointing back with ``retry_of``). Its files are
attached only once the whole document has been written, so a run never exposes a half-written file.

A run is not owned by one center: its scope may be a county, a province or the whole country. It is
therefore not a django-scopes model; every read goes through ``reporting.runs.visible_runs`` /
``run_for``, which narrow to the scopes the actor may see (the same 404 for "absent" and "not yours").
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

__all__ = ["ReportRun"]


class ReportRun(models.Model):
    class Kind(models.TextChoices):
        MONTHLY = "monthly", _("Monthly report")
        QUARTERLY = "quarterly", _("Quarterly performance report")
        ANNUAL = "annual", _("Annual performance report")
        YEARBOOK = "yearbook", _("Statistical yearbook")

    class Level(models.TextChoices):
        CENTER = "center", _("Center")
        COUNTY = "county", _("County")
        PROVINCE = "province", _("Province")
        NATION = "nation", _("Nation")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    ACTIVE = (Status.QUEUED, Status.RUNNING)

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    scope_level = models.CharField(_("scope"), max_length=10, choices=Level.choices)
    # The center, county or province id (``reporting.scope.Scope``); null for the nation.
    scope_id = models.PositiveIntegerField(_("scope id"), null=True, blank=True)
    # A region narrowed to one supervising organisation (``Scope.organization_id``); null: every organisation.
    organization = models.ForeignKey("centers.Organization", on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("organisation"))
    # Where the scope lies, kept beside it so "the runs this supervisor may see" is one indexed filter:
    # a center run carries its center, county and province; a county run its county and province; a province
    # run its province; a nation run none.
    center = models.ForeignKey("centers.Center", on_delete=models.CASCADE, null=True, blank=True,
                               related_name="report_runs", verbose_name=_("center"))
    county = models.ForeignKey("centers.County", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="+", verbose_name=_("county"))
    province = models.ForeignKey("centers.Province", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name=_("province"))
    period = models.CharField(_("period"), max_length=10, help_text=_("Jalali period, e.g. 1404-07, 1404-Q2, 1404"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    progress_message = models.CharField(_("progress message"), max_length=200, blank=True)
    file = models.FileField(_("file"), upload_to="reports/%Y/", blank=True, max_length=300)
    excel_file = models.FileField(_("Excel file"), upload_to="reports/%Y/", blank=True, max_length=300)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("requested by"))
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # Last sign of life (progress), so a run whose worker died can be failed (reporting.runs.reap_stale_runs).
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    error = models.TextField(_("error"), blank=True)
    retry_of = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="retries",
                                 verbose_name=_("retry of"))
    # Free for renderers that work in parts (the yearbook counts its finished sections here).
    state = models.JSONField(_("state"), default=dict, blank=True)

    class Meta:
        verbose_name = _("report run")
        verbose_name_plural = _("report runs")
        ordering = ("-requested_at", "-pk")
        constraints = [
            # One document in the making per kind, scope and period: a second request joins the first.
            models.UniqueConstraint(fields=("kind", "scope_level", "scope_id", "organization", "period"),
                                    condition=Q(status__in=("queued", "running")), nulls_distinct=False,
                                    name="reporting_one_active_run"),
            models.CheckConstraint(condition=Q(progress__lte=100), name="reporting_run_progress_max_100"),
            models.CheckConstraint(condition=Q(scope_level="nation", scope_id__isnull=True)
                                   | (~Q(scope_level="nation") & Q(scope_id__isnull=False)),
                                   name="reporting_run_scope_id_by_level"),
            models.CheckConstraint(condition=Q(scope_level="center", center__isnull=False)
                                   | (~Q(scope_level="center") & Q(center__isnull=True)),
                                   name="reporting_run_center_only_for_center_scope"),
            # Files only on a finished, successful run.
            models.CheckConstraint(condition=Q(status="succeeded") | (Q(file="") & Q(excel_file="")),
                                   name="reporting_run_files_only_when_succeeded"),
        ]
        indexes = [models.Index(fields=("scope_level", "scope_id", "-requested_at"), name="reporting_run_scope_idx")]

    def __str__(self):
        return f"{self.kind} {self.scope_key} {self.period} ({self.status})"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.SUCCEEDED, self.Status.FAILED)

    @property
    def scope_key(self) -> str:
        """The scope in ``reporting.scope.Scope`` form: ``center:12``, ``province:3@2``, ``nation``."""
        text = self.scope_level if self.scope_level == self.Level.NATION else f"{self.scope_level}:{self.scope_id}"
        return f"{text}@{self.organization_id}" if self.organization_id else text

    @property
    def scope(self):
        from reporting.scope import Scope

        return Scope.parse(self.scope_key)

    @property
    def period_value(self):
        from reporting.periods import Period

        return Period.parse(self.period)

    @property
    def period_label(self) -> str:
        """The period in words: «مهر ۱۴۰۴», «سه‌ماهه دوم ۱۴۰۴», «سال ۱۴۰۴»."""
        return self.period_value.label()

    @property
    def duration(self):
        if self.started_at and self.finished_at:
            return self.finished_at - self.started_at
        return None
