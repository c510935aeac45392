"""Tasks of the supervision area: complaints left unanswered move up a level by themselves (seed 000 §7)."""

from celery import shared_task

from centers.services import supervision as services

BEAT_SCHEDULE = {
    "supervision-escalate-overdue-complaints": {
        "task": "centers.tasks.supervision.escalate_overdue_complaints",
        "schedule": 3600.0,  # hourly: a deadline is missed by at most an hour
    },
}


@shared_task
def escalate_overdue_complaints() -> int:
    """The periodic scan over every center's overdue complaints (the service holds the reviewed
    ``scopes_disabled`` block); returns how many moved or were flagged."""
    return services.complaint_escalate_overdue()
