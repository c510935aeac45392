"""Tasks of the donors app: running an uploaded import (thin: the service does the work)."""

from celery import shared_task

from core.tasks import TenantTask


@shared_task(base=TenantTask, bind=True)
def run_import(self, *, center_id: int, run_id: int) -> str:
    """Checks and stores (all or none) the rows of an uploaded file; see ``donors.importing``."""
    from .importing import import_execute
    from .models import ImportRun

    run = ImportRun.objects.filter(pk=run_id, center_id=center_id).first()
    if run is None:
        return "missing"
    return import_execute(run=run).status
