"""Periodic re-verification of payments left pending, and expiry of abandoned ones (thin: the rules are in
``payments.services``)."""

from celery import shared_task

from core.tasks import TenantTask

BEAT_SCHEDULE = {
    "payments-recheck": {
        "task": "payments.tasks.payments_recheck_scan",
        "schedule": 300.0,  # every five minutes
    },
}


@shared_task
def payments_recheck_scan() -> int:
    """Queues a re-check of every payment left pending; returns how many."""
    from payments.services import payments_to_recheck

    rows = payments_to_recheck()
    for center_id, payment_id in rows:
        payment_recheck.enqueue(center_id=center_id, payment_id=payment_id)
    return len(rows)


@shared_task(base=TenantTask, bind=True)
def payment_recheck(self, *, center_id: int, payment_id: int) -> str:
    from payments.services import payment_recheck as recheck

    payment = recheck(payment_id=payment_id)
    return payment.status if payment is not None else ""
