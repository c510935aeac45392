"""receipts: arrives with its part of issue 4."""
