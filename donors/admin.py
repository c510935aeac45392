"""Admin of the donors app: arrives with its part of issue 4."""
