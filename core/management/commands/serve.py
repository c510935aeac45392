"""Serves the portal the way ``make run`` promises: gunicorn on 127.0.0.1:PORT plus a Celery worker (with
beat), both stopped together on Ctrl-C. Background jobs really run in the worker: over Redis when
REDIS_URL is set, otherwise over kombu's filesystem transport under .data/broker."""

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the web server (gunicorn) and a Celery worker with beat, for development and demos."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--workers", type=int, default=2)

    def handle(self, *args, port, host, workers, **options):
        bin_dir = os.path.dirname(sys.executable)
        web = [os.path.join(bin_dir, "gunicorn"), "config.wsgi:application", "--bind", f"{host}:{port}",
               "--workers", str(workers), "--access-logfile", "-", "--graceful-timeout", "5"]
        worker = [os.path.join(bin_dir, "celery"), "-A", "config", "worker", "--beat", "--loglevel", "INFO",
                  "--concurrency", "2", "--schedule", settings.CELERY_BEAT_SCHEDULE_FILENAME]
        children = [subprocess.Popen(worker), subprocess.Popen(web)]  # noqa: S603 - our own fixed commands
        url = f"http://{host}:{port}/"
        self.stdout.write(self.style.SUCCESS(f"\nThe portal is at {url}"))
        self.stdout.write(f"Demo logins (username, password, role, center or region): "
                          f"{settings.DATA_DIR / 'demo-users.json'}")
        self.stdout.write("Supervisors' entries carry a TOTP secret for their authenticator app. Ctrl-C stops.\n")

        def stop(*_args):
            for child in children:
                if child.poll() is None:
                    child.terminate()
            deadline = time.monotonic() + 10
            for child in children:
                try:
                    child.wait(max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    child.kill()
            sys.exit(0)

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        while all(child.poll() is None for child in children):
            time.sleep(0.5)
        self.stderr.write("A child process stopped; stopping the other.")
        stop()
