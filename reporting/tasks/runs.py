"""Tasks of report runs: executing one run, and the periodic ones beat asks for when a Jalali period ends.

Thin (STYLE): they take ids and call ``reporting.runs``. A run is not one center's, so these are not
``TenantTask``s; ``execute_run`` opens the scope of the run's own centers itself.
"""

from celery import shared_task
from celery.schedules import crontab
from django.db import OperationalError

RUNS_BEAT_SCHEDULE = {
    # Daily, early in the morning (Asia/Tehran): the first night after a month, quarter or year ends asks for
    # its reports; every later night finds them asked for already and asks for nothing.
    "reporting-request-periodic-runs": {
        "task": "reporting.tasks.runs.request_periodic_runs_task",
        "schedule": crontab(hour=2, minute=15),
    },
    "reporting-reap-stale-runs": {
        "task": "reporting.tasks.runs.reap_stale_runs_task",
        "schedule": crontab(minute=40),
    },
}


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def execute_run_task(run_id: int) -> str:
    from reporting.runs import execute_run

    return execute_run(int(run_id))


@shared_task
def request_periodic_runs_task() -> int:
    from reporting.runs import request_periodic_runs

    return len(request_periodic_runs())


@shared_task
def reap_stale_runs_task() -> int:
    from reporting.runs import reap_stale_runs

    return reap_stale_runs()
