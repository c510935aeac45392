"""The Celery application: Redis as broker when REDIS_URL is set, kombu's filesystem transport otherwise."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("charity")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_finalize.connect
def install_periodic_tasks(sender, **kwargs):
    """Periodic tasks are declared by the apps (``<app>.tasks.BEAT_SCHEDULE``), beside the tasks they run."""
    from beneficiaries.loan_tasks import BEAT_SCHEDULE as loans_schedule  # not autodiscovered: imported here
    from centers.tasks import BEAT_SCHEDULE as centers_schedule
    from contributions.tasks import BEAT_SCHEDULE as contributions_schedule
    from donor_portal.tasks import BEAT_SCHEDULE as donor_portal_schedule
    from payments.tasks import BEAT_SCHEDULE as payments_schedule
    from reporting.tasks import BEAT_SCHEDULE as reporting_schedule

    sender.conf.beat_schedule = {**sender.conf.beat_schedule, **centers_schedule, **contributions_schedule,
                                 **payments_schedule, **loans_schedule, **donor_portal_schedule,
                                 **reporting_schedule}
