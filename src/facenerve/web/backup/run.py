"""Back up, verify and restore (database snapshot + image store + ``manifest.json`` of sha256 sums)."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from facenerve.web.backup.database import is_empty, load, snapshot, snapshot_rows
from facenerve.web.backup.errors import BackupError, BackupUsageError

SCHEMA = "facenerve.backup/1"
MANIFEST = "manifest.json"
IMAGES = "images"
_BLOB = re.compile(r"^[0-9a-f]{2}/[0-9a-f]{2}/[0-9a-f]{64}$")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _blobs(root: Path) -> list[Path]:
    """The image store's blobs (``ab/cd/<sha256>``), relative to ``root``; temporary files are left out."""
    if not root.is_dir():
        return []
    return sorted(p.relative_to(root) for p in root.glob("*/*/*") if _BLOB.match(p.relative_to(root).as_posix()))


def _copy(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    shutil.copyfile(source, target)
    os.chmod(target, 0o600)


def backup(dest: Path, connection: Any, image_root: Path) -> dict[str, Any]:
    """Snapshot the database, then copy the image store (blobs are written before the rows naming them, so every
    image the snapshot names is there), then write the manifest last. ``dest`` must be new or empty."""
    dest = Path(dest)
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise BackupUsageError(f"{dest} is not an empty folder; back up into a new one")
    dest.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(dest, 0o700)
    database = snapshot(connection, dest)
    files = {database: _sha256(dest / database)}
    for blob in _blobs(Path(image_root)):
        _copy(Path(image_root) / blob, dest / IMAGES / blob)
        files[f"{IMAGES}/{blob.as_posix()}"] = _sha256(dest / IMAGES / blob)
    manifest = {"schema": SCHEMA, "created": datetime.now(UTC).isoformat(timespec="seconds"),
                "vendor": connection.vendor, "database": database, "rows": snapshot_rows(dest, database),
                "files": files}
    (dest / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    os.chmod(dest / MANIFEST, 0o600)
    return manifest


def _manifest(src: Path) -> dict[str, Any]:
    path = Path(src) / MANIFEST
    if not path.is_file():
        raise BackupUsageError(f"{src} is not a FaceNerve backup (no {MANIFEST})")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError):
        raise BackupError(f"{path} is not valid JSON") from None
    if not isinstance(manifest, dict) or manifest.get("schema") != SCHEMA or not isinstance(manifest.get("files"),
                                                                                             dict):
        raise BackupError(f"{path} is not a {SCHEMA} manifest")
    return manifest


def verify(src: Path) -> list[str]:
    """Problems found in the backup at ``src`` (empty: every file is there with its sha256, and nothing else)."""
    src = Path(src)
    manifest = _manifest(src)
    problems = []
    for name, digest in sorted(manifest["files"].items()):
        path = src / name
        if ".." in Path(name).parts or not path.is_file():
            problems.append(f"missing: {name}")
        elif _sha256(path) != digest:
            problems.append(f"sha256 differs: {name}")
        elif name.startswith(f"{IMAGES}/") and Path(name).name != digest:
            problems.append(f"image not named by its sha256: {name}")
    listed = set(manifest["files"]) | {MANIFEST}
    extra = [p.relative_to(src).as_posix() for p in src.rglob("*") if p.is_file()]
    problems += [f"not in the manifest: {name}" for name in sorted(set(extra) - listed)]
    return problems


def restore(src: Path, connection: Any, image_root: Path) -> dict[str, Any]:
    """Check the backup, then load it into an empty database and an empty image store (refuses anything else)."""
    src = Path(src)
    problems = verify(src)
    if problems:
        raise BackupError(f"the backup does not verify ({len(problems)} problems, first: {problems[0]})")
    manifest = _manifest(src)
    image_root = Path(image_root)
    if _blobs(image_root):
        raise BackupUsageError(f"the image store {image_root} is not empty; restore into a fresh data folder")
    if not is_empty(connection):
        raise BackupUsageError("the database is not empty; restore into a fresh database")
    load(connection, src, str(manifest["database"]))
    image_root.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(image_root, 0o700)
    for name in manifest["files"]:
        if name.startswith(f"{IMAGES}/"):
            _copy(src / name, image_root / name.removeprefix(f"{IMAGES}/"))
    return manifest
