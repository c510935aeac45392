"""Tasks of the lifecycle area: the daily scan for licenses close to expiry and the per-center reminder."""

from celery import shared_task
from celery.schedules import crontab
from django_scopes import scopes_disabled

from core.tasks import TenantTask


@shared_task
def license_expiry_scan() -> int:
    """Queues one reminder per license ending within LICENSE_EXPIRY_WARNING_DAYS whose board was not reminded."""
    from centers.services.lifecycle import licenses_near_expiry

    with scopes_disabled():  # reviewed: a periodic scan over every center; it reads ids only, each reminder
        # then runs in its own center's scope
        due = list(licenses_near_expiry().filter(reminder_sent_at__isnull=True).values_list("center_id", "pk"))
    for center_id, license_id in due:
        remind_license_expiry.enqueue(center_id=center_id, license_id=license_id)
    return len(due)


@shared_task(base=TenantTask, bind=True)
def remind_license_expiry(self, *, center_id: int, license_id: int) -> bool:
    """Emails the chair and vice-chair once that their license ends soon (runs in the center's scope)."""
    from centers.services.lifecycle import license_expiry_remind

    return license_expiry_remind(license_id=license_id)


BEAT_SCHEDULE = {
    "lifecycle-license-expiry-scan": {
        "task": "centers.tasks.lifecycle.license_expiry_scan",
        "schedule": crontab(hour=6, minute=30),
    },
}
