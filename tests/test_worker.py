"""Background jobs go through a real Celery worker process: Redis when REDIS_URL is set (as in CI),
kombu's filesystem transport otherwise (the default mode)."""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection, transaction
from django_scopes import scope

from centers.models import BoardRole
from centers.services.tenancy import appointment_create
from config.celery import app

# serialized_rollback: a transactional test empties every table afterwards; this puts the geography and
# organisations that migrations loaded back for the tests that follow.
pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _database_url() -> str:
    db = connection.settings_dict
    host = quote(db["HOST"], safe="") if db["HOST"].startswith("/") else db["HOST"]
    port = f":{db['PORT']}" if db["PORT"] else ""
    password = f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{host}{port}/{db['NAME']}"


@pytest.fixture
def worker(tmp_path):
    """A worker process on its own queue (so no other worker of this machine takes the test's jobs)."""
    queue = f"test-{uuid.uuid4().hex[:8]}"
    mail_dir = tmp_path / "mail"
    env = {**os.environ, "DATABASE_URL": _database_url(), "EMAIL_FILE_PATH": str(mail_dir),
           "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", queue, "--pool", "solo",
         "--concurrency", "1", "--loglevel", "INFO", "--without-gossip", "--without-mingle",
         "--hostname", f"{queue}@%h"],
        cwd=settings.BASE_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    previous = (app.conf.task_always_eager, app.conf.task_default_queue)
    app.conf.task_always_eager, app.conf.task_default_queue = False, queue
    try:
        yield proc, mail_dir
    finally:
        app.conf.task_always_eager, app.conf.task_default_queue = previous
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if proc.stdout:
            proc.stdout.close()


def _wait_for(predicate, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def test_appointment_notice_is_sent_by_a_real_worker_inside_the_centers_scope(world, worker):
    proc, mail_dir = worker
    center = world.center(name="مرکز نیکوکاری مسجد نور")
    user = world.user(email="new.trustee@example.org")
    with scope(center=[center.pk]), transaction.atomic():
        appointment_create(center=center, user=user, role=BoardRole.VICE_CHAIR)
    sent = _wait_for(lambda: mail_dir.exists() and any(mail_dir.iterdir()))
    if not sent:
        proc.terminate()
        output = proc.communicate(timeout=15)[0]
        pytest.fail(f"the worker did not send the notice in time; its output:\n{output[-4000:]}")
    message = next(Path(mail_dir).iterdir()).read_text()
    assert "new.trustee@example.org" in message
    assert "Subject:" in message
