"""admin of the receipts area: arrives with its part of issue 4."""
