"""Celery tasks of the centers app (autodiscovered through this package).

Each area module may define ``BEAT_SCHEDULE`` (Celery's beat_schedule format); they are merged here and
installed by config/celery.py, so a periodic task lives next to the task it runs.
"""

from . import board, lifecycle, supervision
from .tenancy import notify_appointment  # noqa: F401

BEAT_SCHEDULE: dict = {}
for _area in (lifecycle, board, supervision):
    BEAT_SCHEDULE.update(getattr(_area, "BEAT_SCHEDULE", {}))
