"""The durable batch journal: one SQLite row per finished photo, committed as it arrives.

SQLite in WAL mode with ``synchronous=FULL``: each result is one committed transaction, so a run killed at any
moment (SIGKILL, power loss) keeps every result committed before it and no half-written one. Rows are keyed by
:attr:`BatchItem.key` (input path + content hash + manifest fields); ``INSERT OR IGNORE`` keeps a row from being
written twice. The journal also records the measuring options and the FaceNerve version, and refuses to resume
with different ones, so one table never mixes measurements made two ways.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from facenerve.errors import FaceNerveError

SCHEMA = "facenerve.batch-journal/1"


class Journal:
    """Finished rows of a batch, by item key. Use as a context manager, or call :meth:`close`."""

    def __init__(self, path: Path, options: Mapping[str, Any]) -> None:
        self.path = path
        self._options = json.dumps(dict(options), sort_keys=True)
        try:
            self._db = sqlite3.connect(path, isolation_level=None, timeout=30.0)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            self._db.execute("CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)")
            self._db.execute("CREATE TABLE IF NOT EXISTS results (key TEXT PRIMARY KEY, row TEXT NOT NULL)")
            self._check_meta()
        except sqlite3.DatabaseError as exc:
            raise FaceNerveError(f"{path}: not a usable batch journal ({exc})", code="bad_journal") from None

    def _check_meta(self) -> None:
        meta = dict(self._db.execute("SELECT name, value FROM meta").fetchall())
        if not meta:
            with self._db:
                self._db.execute("BEGIN IMMEDIATE")
                self._db.executemany(
                    "INSERT OR IGNORE INTO meta VALUES (?, ?)", [("schema", SCHEMA), ("options", self._options)]
                )
            return
        if meta.get("schema") != SCHEMA:
            raise FaceNerveError(f"{self.path}: not a {SCHEMA} journal", code="bad_journal")
        if meta.get("options") != self._options:
            raise FaceNerveError(
                f"{self.path}: this journal was written with other options ({meta.get('options')}); "
                "run with the same options, or with --restart to start over",
                code="bad_journal",
            )

    def done_keys(self) -> set[str]:
        """Keys of the items already in the journal."""
        return {key for (key,) in self._db.execute("SELECT key FROM results")}

    def add(self, key: str, row: Mapping[str, Any]) -> bool:
        """Commit one finished row; False if the key was already there (the row is not written twice)."""
        cursor = self._db.execute(
            "INSERT OR IGNORE INTO results (key, row) VALUES (?, ?)", (key, json.dumps(dict(row), sort_keys=True))
        )
        return cursor.rowcount == 1

    def rows(self, keys: Iterable[str], *, chunk: int = 500) -> Iterator[list[dict[str, Any]]]:
        """The rows of ``keys`` that are in the journal, in the order of ``keys``, ``chunk`` keys at a time."""
        batch: list[str] = []
        for key in keys:
            batch.append(key)
            if len(batch) == chunk:
                yield self._fetch(batch)
                batch = []
        if batch:
            yield self._fetch(batch)

    def _fetch(self, keys: list[str]) -> list[dict[str, Any]]:
        marks = ",".join("?" * len(keys))
        stored = dict(self._db.execute(f"SELECT key, row FROM results WHERE key IN ({marks})", keys))
        return [json.loads(stored[key]) for key in keys if key in stored]

    def count(self) -> int:
        """Number of rows in the journal."""
        return int(self._db.execute("SELECT count(*) FROM results").fetchone()[0])

    def close(self) -> None:
        """Close the database (a WAL checkpoint folds the log into the main file)."""
        self._db.close()

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def remove_journal(path: Path) -> None:
    """Delete a journal and its WAL side files (for ``--restart``)."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
