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
    from centers.tasks import BEAT_SCHEDULE as centers_schedule
    from contributions.tasks import BEAT_SCHEDULE as contributions_schedule

    sender.conf.beat_schedule = {**sender.conf.beat_schedule, **centers_schedule, **contributions_schedule}
