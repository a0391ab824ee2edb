"""Database snapshots: SQLite's online backup API, or ``pg_dump`` / ``pg_restore`` for PostgreSQL."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

from facenerve.web.backup.errors import BackupError, BackupUsageError

SQLITE_FILE, PG_FILE = "database.sqlite3", "database.pgdump"


def _pg_tool(name: str) -> str:
    """The newest PostgreSQL client tool ``name`` (a newer pg_dump reads older servers, not the reverse)."""
    found = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), key=lambda p: int(p.parts[-3]), reverse=True)
    tool = str(found[0]) if found else shutil.which(name)
    if not tool:
        raise BackupError(f"{name} not found; install the PostgreSQL client tools (apt-get install postgresql-client)")
    return tool


def _pg_env(db: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    args = ["--host", str(db.get("HOST") or "localhost"), "--port", str(db.get("PORT") or 5432),
            "--username", str(db.get("USER") or "postgres"), "--no-password"]
    env = {**os.environ, "PGPASSWORD": str(db.get("PASSWORD") or "")}
    return args, env


def _pg(args: list[str], env: dict[str, str], what: str) -> None:
    done = subprocess.run(args, env=env, capture_output=True, text=True, timeout=3600, check=False)
    if done.returncode != 0:
        raise BackupError(f"{what} failed: {(done.stderr.strip().splitlines() or ['no message'])[-1]}")


def snapshot(connection: Any, folder: Path) -> str:
    """Write a consistent snapshot of ``connection``'s database into ``folder``; return the file's name."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        target = sqlite3.connect(folder / SQLITE_FILE)
        try:
            connection.connection.backup(target)  # the online backup API: consistent while the app writes
        finally:
            target.close()
        os.chmod(folder / SQLITE_FILE, 0o600)
        return SQLITE_FILE
    if connection.vendor == "postgresql":
        args, env = _pg_env(db)
        _pg([_pg_tool("pg_dump"), *args, "--format=custom", "--no-owner", "--no-privileges",
             "--file", str(folder / PG_FILE), str(db["NAME"])], env, "pg_dump")
        os.chmod(folder / PG_FILE, 0o600)
        return PG_FILE
    raise BackupError(f"backups of a {connection.vendor} database are not supported")


def is_empty(connection: Any) -> bool:
    """True when the database has no tables, or only empty ones (a fresh ``migrate`` is allowed)."""
    tables = connection.introspection.table_names()
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT 1 FROM {connection.ops.quote_name(table)} LIMIT 1")
            if cursor.fetchone() is not None and table != "django_migrations":
                return False
    return True


def load(connection: Any, folder: Path, name: str) -> None:
    """Load the snapshot ``folder/name`` into ``connection``'s (empty) database."""
    if name == SQLITE_FILE and connection.vendor == "sqlite":
        source = sqlite3.connect(folder / name)
        connection.ensure_connection()
        try:
            source.backup(connection.connection)
        finally:
            source.close()
        return
    if name == PG_FILE and connection.vendor == "postgresql":
        connection.close()
        args, env = _pg_env(connection.settings_dict)
        _pg([_pg_tool("pg_restore"), *args, "--no-owner", "--no-privileges", "--clean", "--if-exists",
             "--exit-on-error", "--dbname", str(connection.settings_dict["NAME"]), str(folder / name)], env,
            "pg_restore")
        return
    raise BackupUsageError(f"this backup holds {name}, which cannot be loaded into a {connection.vendor} database")


def snapshot_rows(folder: Path, name: str) -> dict[str, int] | None:
    """Rows per table in the snapshot itself (SQLite); None for a PostgreSQL dump."""
    if name != SQLITE_FILE:
        return None
    db = sqlite3.connect(f"file:{folder / name}?mode=ro", uri=True)
    try:
        tables = [row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                               "AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        return {table: int(db.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]) for table in tables}
    finally:
        db.close()

