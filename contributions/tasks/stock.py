"""Tasks of the stock area: the daily scan for perishables near expiry (seed 001: food and perishables must
be distributed at once) and the per-center report to the finance officer and the chair."""

from celery import shared_task
from celery.schedules import crontab
from django_scopes import scopes_disabled

from core.tasks import TenantTask

BEAT_SCHEDULE = {
    "stock-perishables-scan": {
        "task": "contributions.tasks.stock.perishables_scan",
        "schedule": crontab(hour=7, minute=0),  # daily, before the center opens
    },
}


@shared_task
def perishables_scan() -> int:
    """Queues one report per center holding perishables near expiry or expired lots; returns how many."""
    from contributions.services.stock import centers_with_expiring_stock

    with scopes_disabled():  # reviewed: a periodic scan over every center; it reads center ids only, each
        # report then runs in its own center's scope
        center_ids = centers_with_expiring_stock()
    for center_id in center_ids:
        report_perishables.enqueue(center_id=center_id)
    return len(center_ids)


@shared_task(base=TenantTask, bind=True)
def report_perishables(self, *, center_id: int) -> bool:
    """Emails the center's finance officer and chair what must be distributed now (in the center's scope)."""
    from centers.models import Center
    from contributions.services.stock import stock_expiry_notify

    center = Center.objects.filter(pk=center_id).first()
    if center is None:
        return False
    return stock_expiry_notify(center=center)
