"""Writes of the bases app (keyword-only, atomic), one module per area."""
