"""Tasks of the yearbook: render one part, join the parts. Thin (STYLE): ids in, ``reporting.yearbook.build``
does the work. A part covers a province or the nation, not one center, so these are not ``TenantTask``s; the
part opens the scope of its run's centers itself."""

from celery import shared_task
from django.db import OperationalError


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def render_section_task(section_id: int) -> str:
    from reporting.yearbook.build import section_render

    return section_render(int(section_id))


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def merge_task(run_id: int) -> str:
    from reporting.yearbook.build import yearbook_merge

    return yearbook_merge(int(run_id))
