"""Tasks of the donors' pages: sending SMS (retried while the provider is unreachable or busy), the receipt
link after a gift is confirmed, and the daily pledge reminders (a few days before an instalment is due)."""

import datetime

from celery import shared_task
from celery.schedules import crontab
from django.db import OperationalError
from django_scopes import scopes_disabled

from core.sms import SmsTransientError
from core.tasks import TenantTask

BEAT_SCHEDULE = {
    "donor-portal-pledge-reminders": {
        "task": "donor_portal.tasks.pledge_reminder_scan",
        "schedule": crontab(hour=9, minute=30),  # daily, in the morning (Tehran time)
    },
    "donor-portal-login-codes-purge": {
        "task": "donor_portal.tasks.login_codes_purge",
        "schedule": crontab(hour=3, minute=15),
    },
}

RETRY = {"autoretry_for": (OperationalError, SmsTransientError), "retry_backoff": 30, "retry_backoff_max": 3600,
         "retry_jitter": True, "max_retries": 8}


@shared_task(**RETRY)
def send_login_code_task(*, mobile: str, code: str, text: str) -> str:
    """Sends a login code (no center: a code belongs to a mobile number)."""
    from core.sms import send_login_code

    return send_login_code(mobile, code, text)


@shared_task(base=TenantTask, bind=True, **RETRY)
def deliver_message(self, *, center_id: int, message_id: int) -> str:
    """Sends one queued ``DonorMessage`` (once: a sent one is left alone)."""
    from .notifications import message_deliver

    return message_deliver(message_id=message_id)


@shared_task(base=TenantTask, bind=True)
def notify_receipt(self, *, center_id: int, contribution_id: int) -> str:
    from .notifications import receipt_message_queue

    return receipt_message_queue(contribution_id=contribution_id)


@shared_task
def pledge_reminder_scan(today: str | None = None) -> int:
    """Queues each center's reminders of instalments due soon; returns how many centers."""
    from contributions.models import Pledge

    with scopes_disabled():  # reviewed: a periodic scan reading center ids only; each center's work runs in
        # that center's own scope
        center_ids = sorted(set(Pledge.objects.filter(status=Pledge.Status.ACTIVE)
                                .values_list("center_id", flat=True)))
    for center_id in center_ids:
        remind_upcoming_instalments.enqueue(center_id=center_id, today=today)
    return len(center_ids)


@shared_task(base=TenantTask, bind=True)
def remind_upcoming_instalments(self, *, center_id: int, today: str | None = None) -> int:
    from centers.models import Center

    from .notifications import pledge_reminders_queue

    center = Center.objects.filter(pk=center_id).first()
    if center is None:
        return 0
    return pledge_reminders_queue(center=center,
                                  today=datetime.date.fromisoformat(today) if today else None)


@shared_task
def login_codes_purge() -> int:
    """Deletes login codes older than a day (used, expired or replaced long ago): they prove nothing more."""
    from django.utils import timezone

    from .models import LoginCode

    deleted, _rows = LoginCode.objects.filter(created_at__lt=timezone.now() - datetime.timedelta(days=1)).delete()
    return deleted
