"""Trustee pages of the board area (filled by issue 3)."""

urlpatterns: list = []
