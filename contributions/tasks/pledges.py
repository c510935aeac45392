"""Tasks of the pledges area: the daily scan that marks overdue instalments and reminds donors once (seed 000
§6: the donor's recurring commitments are followed up)."""

import datetime

from celery import shared_task
from celery.schedules import crontab
from django.core.exceptions import ValidationError
from django_scopes import scopes_disabled

from core.tasks import TenantTask

BEAT_SCHEDULE = {
    "pledges-overdue-reminders": {
        "task": "contributions.tasks.pledges.pledge_overdue_scan",
        "schedule": crontab(hour=7, minute=0),  # daily, in the morning (Tehran time)
    },
}


@shared_task
def pledge_overdue_scan() -> int:
    """Queues the daily pledge work for each center that has an active pledge; returns how many."""
    from contributions.models import Pledge

    with scopes_disabled():  # reviewed: a periodic scan over every center; it reads center ids only, and each
        # center's work then runs in that center's own scope
        center_ids = sorted(set(Pledge.objects.filter(status=Pledge.Status.ACTIVE)
                                .values_list("center_id", flat=True)))
    for center_id in center_ids:
        remind_overdue_pledges.enqueue(center_id=center_id)
    return len(center_ids)


@shared_task(base=TenantTask, bind=True)
def remind_overdue_pledges(self, *, center_id: int, today: str | None = None) -> int:
    """Marks the center's overdue instalments and reminds each once (runs in the center's scope). A center
    that may not operate (license lapsed, suspended) sends no reminders. Returns how many were reminded."""
    from centers.models import Center
    from contributions.services.pledges import pledge_mark_overdue_and_remind

    center = Center.objects.filter(pk=center_id).first()
    if center is None:
        return 0
    try:
        _marked, reminded = pledge_mark_overdue_and_remind(
            center=center, today=datetime.date.fromisoformat(today) if today else None)
    except ValidationError:
        return 0
    return reminded
