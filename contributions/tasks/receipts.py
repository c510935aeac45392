"""Tasks of the receipts area: none. A receipt is issued inside the confirming transaction (never later, so
its number cannot be lost) and a PDF is rendered on request in well under a second."""

BEAT_SCHEDULE = {}
