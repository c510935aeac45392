"""tasks of the pledges area: arrives with its part of issue 4."""

BEAT_SCHEDULE = {}
