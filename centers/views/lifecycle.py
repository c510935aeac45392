"""Trustee pages of the lifecycle area (filled by issue 3)."""

urlpatterns: list = []
