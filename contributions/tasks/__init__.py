"""Celery tasks of the contributions app, one module per area; each exports a ``BEAT_SCHEDULE``."""

from . import gifts, pledges, receipts, stock

BEAT_SCHEDULE = {**gifts.BEAT_SCHEDULE, **stock.BEAT_SCHEDULE, **pledges.BEAT_SCHEDULE,
                 **receipts.BEAT_SCHEDULE}
