"""The SQLite journal on its own: commit, no duplicates, order, option checks, and a file that is not a journal."""

from __future__ import annotations

from pathlib import Path

import pytest

from facenerve.batch.journal import Journal, remove_journal
from facenerve.errors import FaceNerveError

OPTIONS = {"backend": "mediapipe", "mm_per_px": None}


def test_rows_are_committed_once_and_read_back_in_key_order(tmp_path: Path) -> None:
    path = tmp_path / "j.journal"
    with Journal(path, OPTIONS) as journal:
        for i in range(7):
            assert journal.add(f"k{i}", {"path": f"p{i}", "value": i / 3})
        assert not journal.add("k3", {"path": "other"})  # a key is written once
    with Journal(path, OPTIONS) as reopened:  # committed: visible to a new connection
        assert reopened.done_keys() == {f"k{i}" for i in range(7)} and reopened.count() == 7
        keys = ["k6", "missing", "k0", "k3", "k5", "k1"]
        chunks = list(reopened.rows(keys, chunk=2))
    assert [len(c) for c in chunks] == [1, 2, 2]
    assert [row["path"] for chunk in chunks for row in chunk] == ["p6", "p0", "p3", "p5", "p1"]
    assert chunks[1][1]["value"] == 1.0  # k3 kept its first row


def test_other_options_and_foreign_files_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "j.journal"
    Journal(path, OPTIONS).close()
    with pytest.raises(FaceNerveError, match="other options") as info:
        Journal(path, {**OPTIONS, "mm_per_px": 0.1})
    assert info.value.code == "bad_journal"
    remove_journal(path)
    assert not path.exists()
    Journal(path, {**OPTIONS, "mm_per_px": 0.1}).close()
    foreign = tmp_path / "photo.jpg"
    foreign.write_bytes(b"\xff\xd8\xff\xe0 not a database" * 100)
    with pytest.raises(FaceNerveError, match="not a usable batch journal") as info:
        Journal(foreign, OPTIONS)
    assert info.value.code == "bad_journal"
