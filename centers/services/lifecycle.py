"""Services of the lifecycle area (filled by issue 3)."""
