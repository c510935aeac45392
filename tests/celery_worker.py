"""A real Celery worker process for tests: on a queue of its own (so no other worker of this machine takes the
test's jobs), against the test database, with the test process sending its tasks there meanwhile."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import quote

from django.conf import settings
from django.db import connection

from config.celery import app


def database_url() -> str:
    """The test database as a URL, for the worker process."""
    db = connection.settings_dict
    host = quote(db["HOST"], safe="") if db["HOST"].startswith("/") else db["HOST"]
    port = f":{db['PORT']}" if db["PORT"] else ""
    password = f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{host}{port}/{db['NAME']}"


@contextmanager
def celery_worker(prefix: str = "test", env: dict[str, str] | None = None) -> Iterator[subprocess.Popen]:
    """A solo worker on the queue ``<prefix>-<random>``, with ``env`` added to its environment; tasks sent
    meanwhile go to that queue and are not run eagerly. Stopped (and its output closed) on the way out."""
    queue = f"{prefix}-{uuid.uuid4().hex[:8]}"
    proc = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", queue, "--pool", "solo",
         "--concurrency", "1", "--loglevel", "INFO", "--without-gossip", "--without-mingle",
         "--hostname", f"{queue}@%h"],
        cwd=settings.BASE_DIR, env={**os.environ, "DATABASE_URL": database_url(), **(env or {})},
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    previous = (app.conf.task_always_eager, app.conf.task_default_queue)
    app.conf.task_always_eager, app.conf.task_default_queue = False, queue
    try:
        yield proc
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


def wait_for(predicate, timeout: float = 60.0) -> bool:
    """True as soon as ``predicate()`` is, False after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False
