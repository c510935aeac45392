"""Tasks keeping the rollups current: the refresh queued by ``reporting.rollups.mark_stale`` after a change,
and the nightly safety net (months still marked, then a full rebuild so end-of-month snapshots roll into the
new month even for a center where nothing changed)."""

from celery import shared_task
from celery.schedules import crontab

from core.tasks import TenantTask

ROLLUPS_BEAT_SCHEDULE = {
    "reporting-rollups-nightly": {
        "task": "reporting.tasks.rollups.rebuild_rollups_task",
        "schedule": crontab(hour=2, minute=30),  # local time, when nobody is recording gifts
    },
}


@shared_task(base=TenantTask, bind=True)
def refresh_center_month_task(self, *, center_id: int, ym: int) -> None:
    """Refresh one center's marked Jalali month (``ym`` = year * 100 + month; 0 = every month)."""
    from reporting.rollups import refresh_stale

    refresh_stale(center_id, ym)


@shared_task
def rebuild_rollups_task() -> dict:
    """Refresh what is still marked, then rebuild every rollup from the raw tables."""
    from reporting.rollups import rebuild_all, refresh_all_stale

    refresh_all_stale()
    return rebuild_all()
