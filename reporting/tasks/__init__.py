"""Issue 7. Each module exports its beat entries; ``BEAT_SCHEDULE`` joins them (installed by config/celery.py)."""

from . import runs

BEAT_SCHEDULE = {**runs.RUNS_BEAT_SCHEDULE}
