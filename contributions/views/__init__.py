"""Trustee and public pages of the contributions app, one module per area."""
