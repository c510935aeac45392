"""Tasks of the beneficiaries app (thin: the services do the work)."""

from celery import shared_task

from core.tasks import TenantTask


@shared_task(base=TenantTask, bind=True)
def run_household_import(self, *, center_id: int, run_id: int) -> str:
    """Checks the rows of an uploaded household register and registers the good households; see
    ``beneficiaries.importing``."""
    from beneficiaries.importing import household_import_execute
    from beneficiaries.models import HouseholdImport

    run = HouseholdImport.objects.filter(pk=run_id, center_id=center_id).first()
    if run is None:
        return "missing"
    return household_import_execute(run=run).status
