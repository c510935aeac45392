"""tasks of the receipts area: arrives with its part of issue 4."""

BEAT_SCHEDULE = {}
