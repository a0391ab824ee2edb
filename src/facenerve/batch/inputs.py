"""Batch inputs: a folder searched recursively, or a manifest CSV (``path,expression,subject,session,mirrored``)."""

from __future__ import annotations

import csv
import hashlib
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from facenerve.engine.analyze import parse_expression
from facenerve.errors import FaceNerveError
from facenerve.protocol import Expression

#: File extensions taken from a folder (case-insensitive); other files are counted as ignored.
IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".jpe", ".mpo", ".png", ".webp", ".bmp", ".tif", ".tiff"})
#: Manifest columns; only ``path`` is required.
MANIFEST_COLUMNS = ("path", "expression", "subject", "session", "mirrored")
#: Threads hashing the input files (I/O and SHA-256 overlap; results keep the input order).
HASH_THREADS = 4
_TRUE = frozenset({"1", "true", "yes", "y"})
_FALSE = frozenset({"0", "false", "no", "n"})


@dataclass(frozen=True)
class BatchItem:
    """One photo to measure. ``path`` is the label written to the table; ``file`` is the absolute file path."""

    path: str
    file: str
    expression: str
    subject: str | None = None
    session: str | None = None
    mirrored: bool = False
    sha256: str | None = None

    @property
    def key(self) -> str:
        """The journal key: the input path, the file's content hash and every input that changes the row."""
        parts = (self.path, self.sha256 or "", self.expression, self.subject or "", self.session or "")
        text = "\x00".join((*parts, "1" if self.mirrored else "0"))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def input_columns(self) -> dict[str, object]:
        """The table's input columns for this item."""
        return {
            "path": self.path,
            "expression": self.expression,
            "subject": self.subject,
            "session": self.session,
            "mirrored": self.mirrored,
            "sha256": self.sha256,
        }


@dataclass(frozen=True)
class BatchInput:
    """The items of a batch in table order, and how many folder files were ignored (not an image extension)."""

    items: tuple[BatchItem, ...]
    ignored_files: int = 0


def collect_items(
    source: Path, *, expression: str | Expression = Expression.REST, mirrored: bool = False
) -> BatchInput:
    """The photos of a folder (recursive, sorted) or of a manifest CSV, each with its content hash.

    ``expression`` and ``mirrored`` are the defaults for folder photos and empty manifest cells. Raises
    ``FaceNerveError`` (code ``bad_input``) for a missing input or a malformed manifest, naming the line.
    """
    default_expression = parse_expression(expression).value
    if source.is_dir():
        files, ignored = _scan_folder(source)
        items = [
            BatchItem(path=str(source / rel), file=str((source / rel).resolve()), expression=default_expression,
                      mirrored=mirrored)
            for rel in files
        ]
    elif source.is_file() and source.suffix.lower() == ".csv":
        items, ignored = _read_manifest(source, default_expression, mirrored), 0
    elif source.exists():
        raise FaceNerveError(f"{source}: give a folder of photos or a manifest .csv", code="bad_input")
    else:
        raise FaceNerveError(f"{source}: no such file or folder", code="bad_input")
    with ThreadPoolExecutor(max_workers=HASH_THREADS) as pool:  # hashlib releases the GIL on large reads
        return BatchInput(tuple(pool.map(_with_hash, items)), ignored)


def _scan_folder(folder: Path) -> tuple[list[Path], int]:
    """Relative paths of the image files under ``folder``, sorted; hidden files and folders are skipped."""
    found: list[Path] = []
    ignored = 0
    for root, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in names:
            if name.startswith("."):
                continue
            if Path(name).suffix.lower() in IMAGE_SUFFIXES:
                found.append(Path(root, name).relative_to(folder))
            else:
                ignored += 1
    return sorted(found, key=lambda p: p.as_posix()), ignored


def _read_manifest(manifest: Path, default_expression: str, default_mirrored: bool) -> list[BatchItem]:
    try:
        with manifest.open(newline="", encoding="utf-8-sig") as fh:
            reader = csv.reader(fh)
            header = [h.strip().lower() for h in next(reader, [])]
            _check_header(manifest, header)
            rows = [(reader.line_num, row) for row in reader]
    except UnicodeDecodeError:
        raise FaceNerveError(f"{manifest}: not a UTF-8 CSV file", code="bad_input") from None
    except csv.Error as exc:
        raise FaceNerveError(f"{manifest}: malformed CSV ({exc})", code="bad_input") from None
    except OSError as exc:
        raise FaceNerveError(f"{manifest}: cannot read ({exc.strerror})", code="bad_input") from None
    base = manifest.parent
    items = []
    for line, row in rows:
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(header):
            raise FaceNerveError(
                f"{manifest} line {line}: {len(row)} cells for {len(header)} columns", code="bad_input"
            )
        cells = dict(zip(header, (cell.strip() for cell in row), strict=False))
        path = cells.get("path", "")
        if not path:
            raise FaceNerveError(f"{manifest} line {line}: empty path", code="bad_input")
        file = Path(path) if Path(path).is_absolute() else base / path
        items.append(
            BatchItem(
                path=path,
                file=str(file.resolve()),
                expression=_expression_cell(manifest, line, cells.get("expression", ""), default_expression),
                subject=cells.get("subject") or None,
                session=cells.get("session") or None,
                mirrored=_mirrored_cell(manifest, line, cells.get("mirrored", ""), default_mirrored),
            )
        )
    return items


def _check_header(manifest: Path, header: list[str]) -> None:
    if "path" not in header:
        raise FaceNerveError(
            f"{manifest}: the first line must name the columns, with at least 'path' "
            f"(columns: {','.join(MANIFEST_COLUMNS)})",
            code="bad_input",
        )
    unknown = [h for h in header if h not in MANIFEST_COLUMNS]
    if unknown:
        raise FaceNerveError(
            f"{manifest}: unknown column {unknown[0]!r}; columns are {','.join(MANIFEST_COLUMNS)}", code="bad_input"
        )
    duplicated = {h for h in header if header.count(h) > 1}
    if duplicated:
        raise FaceNerveError(f"{manifest}: column {sorted(duplicated)[0]!r} appears twice", code="bad_input")


def _expression_cell(manifest: Path, line: int, cell: str, default: str) -> str:
    if not cell:
        return default
    try:
        return parse_expression(cell.lower()).value
    except FaceNerveError as exc:
        raise FaceNerveError(f"{manifest} line {line}: {exc.message}", code="bad_input") from None


def _mirrored_cell(manifest: Path, line: int, cell: str, default: bool) -> bool:
    value = cell.lower()
    if not value:
        return default
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise FaceNerveError(
        f"{manifest} line {line}: mirrored must be true/false (or 1/0, yes/no), not {cell!r}", code="bad_input"
    )


def _with_hash(item: BatchItem) -> BatchItem:
    """``item`` with the SHA-256 of its file's content (None when the file cannot be read; the worker says why)."""
    from dataclasses import replace

    if not os.path.isfile(item.file):  # a pipe or device would block or never end; the worker reports it
        return item
    try:
        with open(item.file, "rb") as fh:
            digest = hashlib.file_digest(fh, "sha256").hexdigest()
    except OSError:
        return item
    return replace(item, sha256=digest)
