"""Backup, verify and restore (issue 21) through the real command line, on SQLite and on PostgreSQL."""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from facenerve.web.backup import BackupError, backup, restore, verify
from facenerve.web.backup.errors import BackupUsageError
from facenerve.web.storage import ImageStore

from .pgcluster import Cluster, running_cluster

pytestmark = pytest.mark.skipif(os.environ.get("FACENERVE_WEB_ON_POSTGRES") == "1",
                                reason="runs its own databases (SQLite files and a PostgreSQL cluster)")


PASSWORD = "correct horse battery staple 42\n"
#: A user in a care team: rows in several tables (the demo would also analyse its photos: slower).
CREATEUSER = ["createuser", "dr-backup", "--role", "clinician", "--team", "Clinic", "--password-stdin"]


def _web(args: list[str], data: Path, database_url: str = "", stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FACENERVE_") and k != "DATABASE_URL"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.update({"FACENERVE_DATA_DIR": str(data), "FACENERVE_SECRET_KEY": secrets.token_urlsafe(64)})
    if database_url:
        env["DATABASE_URL"] = database_url
    return subprocess.run([sys.executable, "-m", "facenerve", "web", *args], env=env, capture_output=True, text=True,
                          timeout=300, check=False, input=stdin)


def _ok(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def _one_line_error(done: subprocess.CompletedProcess[str], status: int, words: str) -> None:
    assert done.returncode == status, done.stdout + done.stderr
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert words in done.stderr


def _images(root: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in root.rglob("*") if p.is_file()}


def test_backup_verify_restore_on_sqlite(tmp_path: Path) -> None:
    live = tmp_path / "live"
    _ok(_web(CREATEUSER, live, stdin=PASSWORD))
    for i in range(3):
        ImageStore(live / "images").put(secrets.token_bytes(1000 + i))
    dest = tmp_path / "backup"
    blobs = len([p for p in (live / "images").glob("*/*/*") if not p.name.startswith(".")])
    assert blobs >= 3 and f"backed up {blobs} images" in _ok(_web(["backup", str(dest)], live))
    manifest = json.loads((dest / "manifest.json").read_text())
    assert manifest["schema"] == "facenerve.backup/1" and manifest["rows"]["auth_user"] == 1
    assert oct((dest / "database.sqlite3").stat().st_mode & 0o777) == "0o600"
    assert "verifies" in _ok(_web(["verify-backup", str(dest)], tmp_path / "other"))

    fresh = tmp_path / "fresh"
    _ok(_web(["restore", str(dest)], fresh))
    restored = sqlite3.connect(fresh / "facenerve.sqlite3")
    for table, rows in manifest["rows"].items():
        assert restored.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0] == rows, table
    assert _images(fresh / "images") == _images(live / "images")
    assert all(name == digest for name, digest in _images(fresh / "images").items())

    _one_line_error(_web(["restore", str(dest)], live), 2, "not empty")
    with pytest.raises(BackupUsageError, match="not an empty folder"):
        backup(dest, None, live / "images")
    with pytest.raises(BackupUsageError, match="not a FaceNerve backup"):
        verify(tmp_path)

    victim = next((dest / "images").rglob("*/*/*"))
    victim.write_bytes(b"corrupted" + victim.read_bytes()[9:])
    _one_line_error(_web(["verify-backup", str(dest)], live), 1, "sha256 differs")
    with pytest.raises(BackupError, match="does not verify"):
        restore(dest, None, tmp_path / "fresh2" / "images")


#: Writes as the app does while a backup runs: an image first, then the row naming it (a patient whose identifier
#: is the image's sha256 prefix), until the stop file appears.
WRITER = """
import os, sys, secrets, django
from pathlib import Path
django.setup()
from facenerve.web.clinic.models import CareTeam, Patient
from facenerve.web.storage import ImageStore
team = CareTeam.objects.get(name="Clinic")
store = ImageStore(Path(os.environ["FACENERVE_DATA_DIR"]) / "images")
stop = Path(sys.argv[1])
while not stop.exists():
    digest = store.put(secrets.token_bytes(20000))
    Patient.objects.create(identifier=digest[:60], birth_date="1970-01-01", care_team=team)
"""


def test_a_backup_taken_while_the_app_writes_is_consistent(tmp_path: Path) -> None:
    """Backup during a stream of writes: the snapshot is one moment (its manifest counts are its own rows, an
    intact database), every image a snapshot row names is in the backup, and the restore matches the manifest."""
    live = tmp_path / "live"
    _ok(_web(CREATEUSER, live, stdin=PASSWORD))
    env = {k: v for k, v in os.environ.items() if not k.startswith("FACENERVE_") and k != "DATABASE_URL"}
    env.update({"FACENERVE_DATA_DIR": str(live), "FACENERVE_SECRET_KEY": secrets.token_urlsafe(64),
                "DJANGO_SETTINGS_MODULE": "facenerve.web.settings"})
    stop = tmp_path / "stop"
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(stop)], env=env)
    try:
        database = live / "facenerve.sqlite3"
        for _ in range(600):
            with sqlite3.connect(database) as db:
                if db.execute("SELECT COUNT(*) FROM clinic_patient").fetchone()[0] >= 20:
                    break
            time.sleep(0.05)
        dest = tmp_path / "backup"
        _ok(_web(["backup", str(dest)], live))
    finally:
        stop.touch()
        assert writer.wait(timeout=60) == 0
    with sqlite3.connect(live / "facenerve.sqlite3") as db:
        written = db.execute("SELECT COUNT(*) FROM clinic_patient").fetchone()[0]
    manifest = json.loads((dest / "manifest.json").read_text())
    snapshot = sqlite3.connect(dest / "database.sqlite3")
    assert snapshot.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    taken = snapshot.execute("SELECT COUNT(*) FROM clinic_patient").fetchone()[0]
    assert manifest["rows"]["clinic_patient"] == taken and 20 <= taken < written  # taken mid-stream
    backed_up = {Path(name).name[:60] for name in manifest["files"] if name.startswith("images/")}
    named = {row[0] for row in snapshot.execute("SELECT identifier FROM clinic_patient")}
    assert named <= backed_up
    assert "verifies" in _ok(_web(["verify-backup", str(dest)], tmp_path / "other"))
    _ok(_web(["restore", str(dest)], tmp_path / "fresh"))
    with sqlite3.connect(tmp_path / "fresh" / "facenerve.sqlite3") as restored:
        assert restored.execute("SELECT COUNT(*) FROM clinic_patient").fetchone()[0] == taken


cluster = pytest.fixture(scope="module", name="cluster")(running_cluster)


def test_backup_and_restore_on_postgresql(cluster: Cluster, tmp_path: Path) -> None:
    import psycopg

    with psycopg.connect(cluster.url, autocommit=True) as admin:
        admin.execute("CREATE DATABASE live")
        admin.execute("CREATE DATABASE fresh")
    live_url, fresh_url = cluster.url.rsplit("/", 1)[0] + "/live", cluster.url.rsplit("/", 1)[0] + "/fresh"
    _ok(_web(CREATEUSER, tmp_path / "live", live_url, stdin=PASSWORD))
    ImageStore(tmp_path / "live" / "images").put(b"an image's bytes" * 100)
    dest = tmp_path / "backup"
    _ok(_web(["backup", str(dest)], tmp_path / "live", live_url))
    assert (dest / "database.pgdump").is_file()
    _ok(_web(["restore", str(dest)], tmp_path / "fresh", fresh_url))
    counts = []
    for url in (live_url, fresh_url):
        with psycopg.connect(url) as db:
            counts.append(db.execute("SELECT (SELECT COUNT(*) FROM clinic_careteammember), (SELECT COUNT(*) FROM "
                                     "accounts_profile), (SELECT COUNT(*) FROM auth_user)").fetchone())
    assert counts[0] == counts[1] and counts[0][0] == 1
    assert _images(tmp_path / "fresh" / "images") == _images(tmp_path / "live" / "images")
    _one_line_error(_web(["restore", str(dest)], tmp_path / "again", fresh_url), 2, "database is not empty")
