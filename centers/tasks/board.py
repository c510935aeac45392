"""Tasks of the board area (filled by issue 3)."""
