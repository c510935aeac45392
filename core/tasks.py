"""The base class of every task that touches a center's data.

Tasks take ids, never objects, open the tenant scope themselves, and are queued only once the transaction
that created their rows has committed (``TenantTask.enqueue``), so a worker never looks for a row that is
not there yet (STYLE: "Queue them with transaction.on_commit").
"""

from __future__ import annotations

from celery import Task
from django.db import OperationalError, transaction
from django_scopes import scope


class TenantTask(Task):
    """A task run inside ``scope(center=[center_id])``; its first keyword argument is ``center_id``."""

    abstract = True
    autoretry_for = (OperationalError,)
    retry_backoff = True
    retry_kwargs = {"max_retries": 5}  # noqa: RUF012 - Celery reads this class attribute

    def __call__(self, *args, center_id: int, **kwargs):
        with scope(center=[int(center_id)]):
            return super().__call__(*args, center_id=center_id, **kwargs)

    def enqueue(self, *, center_id: int, **kwargs) -> None:
        """Queue the task after the current transaction commits (at once when there is none)."""
        payload = {"center_id": int(center_id), **kwargs}
        transaction.on_commit(lambda: self.apply_async(kwargs=payload))
