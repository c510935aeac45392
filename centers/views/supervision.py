"""Trustee pages of the supervision area (filled by issue 3)."""

urlpatterns: list = []
