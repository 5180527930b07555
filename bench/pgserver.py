"""PostgreSQL for a benchmark, started the way the test suite starts it (tests/services.py).

Call :func:`use_postgres` before ``bench.harness`` is imported (it sets Django up): it
starts a throw-away cluster, creates the ``portal`` database and exports ``DATABASE_URL``.
A ``DATABASE_URL`` already set is used as it is. Without PostgreSQL installed the
benchmark runs on the embedded defaults (SQLite) and says so.
"""

from __future__ import annotations

import atexit
import os
import subprocess
from urllib.parse import urlsplit


def use_postgres() -> str:
    """Which database the run uses, in words; sets ``DATABASE_URL`` when it starts one."""
    if os.environ.get("DATABASE_URL"):
        return f"DATABASE_URL as given ({urlsplit(os.environ['DATABASE_URL']).scheme})"
    from tests.services import Servers

    servers = Servers()
    try:
        url = servers.start_postgres()
    except (RuntimeError, OSError, KeyError, subprocess.CalledProcessError) as exc:
        servers.stop()
        return f"embedded defaults (SQLite): PostgreSQL could not be started ({exc})"
    atexit.register(servers.stop)
    import psycopg

    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute("CREATE DATABASE portal")
    os.environ["DATABASE_URL"] = url
    return f"PostgreSQL, throw-away cluster ({url})"
