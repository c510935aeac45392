"""Services of the supervision area (filled by issue 3)."""
