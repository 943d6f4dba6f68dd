"""What every benchmark script needs: its own database, and a description of the machine."""

import os
import platform


def ensure_database() -> None:
    """Create the PostgreSQL database ``DATABASE_URL`` names if it is missing; refuse the
    development database and the test databases, which a benchmark would fill or empty."""
    import psycopg

    url = os.environ["DATABASE_URL"]
    if not url.startswith("postgres"):
        return
    name = url.rsplit("/", 1)[1]
    if name == "stap" or name.startswith("stap_test"):
        raise SystemExit(f"refusing to run on the database {name!r}")
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')


def machine() -> dict[str, str]:
    """Python, platform, cores, memory and the database's version (Django set up)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        row = cursor.fetchone()
    assert row is not None
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": str(os.cpu_count()),
        "memory_gib": str(
            round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)
        ),
        "database": str(row[0]).split(",")[0],
    }
