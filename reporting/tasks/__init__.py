"""Issue 7."""

from . import rollups

BEAT_SCHEDULE = {**rollups.ROLLUPS_BEAT_SCHEDULE}
