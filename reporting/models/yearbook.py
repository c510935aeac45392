"""The statistical yearbook's sections: one row per separately rendered part of one yearbook run.

The yearbook is rendered in parts by separate tasks (cover and contents, methodology, national summary, one
chapter per province), so no worker process ever lays out more than one province. Each part's row records its
outcome and its page count; the part that finishes last (decided under a lock on the run's row) queues the
merge, which needs every page count to number the contents and the footers.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = ["YearbookSection"]


class YearbookSection(models.Model):
    class Kind(models.TextChoices):
        FRONT = "front", _("Cover and contents")
        METHODOLOGY = "methodology", _("Methodology")
        SUMMARY = "summary", _("National summary")
        PROVINCE = "province", _("Province chapter")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    run = models.ForeignKey("reporting.ReportRun", on_delete=models.CASCADE, related_name="yearbook_sections",
                            verbose_name=_("report run"))
    position = models.PositiveSmallIntegerField(_("position in the book"))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    province = models.ForeignKey("centers.Province", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name=_("province"))
    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    pages = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    # The part's PDF in storage until the merge has joined it into the book (then it is deleted).
    file = models.FileField(_("file"), upload_to="reports/yearbook-parts/", blank=True, max_length=300)
    error = models.TextField(_("error"), blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # The worker process that rendered it and that process's peak resident memory so far (ru_maxrss): the
    # yearbook's promise is that memory stays bounded however many provinces there are.
    worker_pid = models.PositiveIntegerField(_("worker process"), null=True, blank=True)
    peak_rss_kb = models.PositiveIntegerField(_("peak memory (KiB)"), null=True, blank=True)

    class Meta:
        verbose_name = _("yearbook section")
        verbose_name_plural = _("yearbook sections")
        ordering = ("run", "position")
        constraints = [
            models.UniqueConstraint(fields=("run", "position"), name="reporting_yearbook_section_position"),
            models.CheckConstraint(condition=models.Q(kind="province", province__isnull=False)
                                   | (~models.Q(kind="province") & models.Q(province__isnull=True)),
                                   name="reporting_yearbook_section_province_for_chapters"),
        ]

    def __str__(self):
        return f"{self.run_id}/{self.position} {self.title} ({self.status})"

    @property
    def seconds(self) -> float | None:
        if self.started_at and self.finished_at:
            return (self.finished_at - self.started_at).total_seconds()
        return None
