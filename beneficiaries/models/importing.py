"""An uploaded Excel register of households and what became of it (issue 5.9).

Like ``donors.models.ImportRun``: the upload is kept only until the background task
(``beneficiaries.tasks.run_household_import``) has checked every row; it is then emptied, since it holds the
people's names and national codes in clear. Unlike the donors' import, households are stored one by one: each
household (all of its rows) is stored whole or not at all, a household with a bad row is reported with its rows'
reasons, and a household whose head is already registered at the center is reported, not registered twice.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

__all__ = ["HouseholdImport"]


class HouseholdImport(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        RUNNING = "running", _("Being checked")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Failed")

    center = models.ForeignKey("centers.Center", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("center"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.QUEUED)
    filename = models.CharField(_("file name"), max_length=200, blank=True)
    upload = models.BinaryField(_("uploaded file"), editable=False)
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    counts = models.JSONField(_("what was stored"), default=dict, blank=True)
    bad_rows = models.JSONField(_("rejected rows"), default=list, blank=True,
                                help_text=_("Row numbers and reasons (the first 500)."))
    already_registered = models.JSONField(_("rows already registered"), default=list, blank=True,
                                          help_text=_("Row numbers whose person is already registered here."))
    error_file = models.BinaryField(_("error workbook"), null=True, blank=True, editable=False)
    message = models.CharField(_("message"), max_length=500, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("requested by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    objects = ScopedManager(center="center")

    class Meta:
        verbose_name = _("household import")
        verbose_name_plural = _("household imports")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return _("Household import #%(pk)s") % {"pk": self.pk}

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)
