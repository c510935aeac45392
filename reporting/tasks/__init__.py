"""Issue 7. Each module exports its beat entries; ``BEAT_SCHEDULE`` joins them (installed by config/celery.py)."""

from . import rollups, runs, yearbook  # noqa: F401 - yearbook's tasks register with Celery on import

BEAT_SCHEDULE = {**rollups.ROLLUPS_BEAT_SCHEDULE, **runs.RUNS_BEAT_SCHEDULE}
