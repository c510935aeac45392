"""Tasks of the loans area: the daily scan that marks overdue loan instalments (the overdue list on the
center's page reads them). Installed by ``config/celery.py`` through ``BEAT_SCHEDULE``."""

import datetime

from celery import shared_task
from celery.schedules import crontab
from django_scopes import scopes_disabled

from core.tasks import TenantTask

BEAT_SCHEDULE = {
    "loans-overdue-scan": {
        "task": "beneficiaries.loan_tasks.loan_overdue_scan",
        "schedule": crontab(hour=6, minute=30),  # daily, before the working day (Tehran time)
    },
}


@shared_task
def loan_overdue_scan() -> int:
    """Queues the overdue marking for each center with a loan being repaid; returns how many centers."""
    from beneficiaries.models import Loan

    with scopes_disabled():  # reviewed: a periodic scan over every center; it reads center ids only, and each
        # center's work then runs in that center's own scope
        center_ids = sorted(set(Loan.objects.filter(status__in=[Loan.Status.DISBURSED, Loan.Status.REPAYING])
                                .values_list("center_id", flat=True)))
    for center_id in center_ids:
        mark_overdue_loan_instalments.enqueue(center_id=center_id)
    return len(center_ids)


@shared_task(base=TenantTask, bind=True)
def mark_overdue_loan_instalments(self, *, center_id: int, today: str | None = None) -> int:
    """Marks the center's overdue loan instalments (runs in the center's scope); returns how many."""
    from beneficiaries.services.loans import loan_mark_overdue
    from centers.models import Center

    center = Center.objects.filter(pk=center_id).first()
    if center is None:
        return 0
    return loan_mark_overdue(center=center, today=datetime.date.fromisoformat(today) if today else None)
