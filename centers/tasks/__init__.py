"""Celery tasks of the centers app (autodiscovered through this package)."""

from . import board, lifecycle, supervision  # noqa: F401
from .tenancy import notify_appointment  # noqa: F401
