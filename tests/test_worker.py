"""Background jobs go through a real Celery worker process: Redis when REDIS_URL is set (as in CI),
kombu's filesystem transport otherwise (the default mode)."""

from pathlib import Path

import pytest
from django.db import transaction
from django_scopes import scope

from centers.models import BoardRole
from centers.services.tenancy import appointment_create
from tests.celery_worker import celery_worker, wait_for

# serialized_rollback: a transactional test empties every table afterwards; this puts the geography and
# organisations that migrations loaded back for the tests that follow.
pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def worker(tmp_path):
    """A worker process on its own queue that writes its mail into the test's folder."""
    mail_dir = tmp_path / "mail"
    with celery_worker(env={"EMAIL_FILE_PATH": str(mail_dir),
                            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend"}) as proc:
        yield proc, mail_dir


def test_appointment_notice_is_sent_by_a_real_worker_inside_the_centers_scope(world, worker):
    proc, mail_dir = worker
    center = world.center(name="مرکز نیکوکاری مسجد نور")
    user = world.user(email="new.trustee@example.org")
    with scope(center=[center.pk]), transaction.atomic():
        appointment_create(center=center, user=user, role=BoardRole.VICE_CHAIR)
    sent = wait_for(lambda: mail_dir.exists() and any(mail_dir.iterdir()))
    if not sent:
        proc.terminate()
        output = proc.communicate(timeout=15)[0]
        pytest.fail(f"the worker did not send the notice in time; its output:\n{output[-4000:]}")
    message = next(Path(mail_dir).iterdir()).read_text()
    assert "new.trustee@example.org" in message
    assert "Subject:" in message
