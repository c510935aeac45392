"""pledges: arrives with its part of issue 4."""
