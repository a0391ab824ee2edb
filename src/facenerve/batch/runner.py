"""The batch runner: inputs → executor → journal → table. No UI here; the CLI passes a progress reporter."""

from __future__ import annotations

import tempfile
import time
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from facenerve.batch.executors import create_executor
from facenerve.batch.inputs import BatchItem, collect_items
from facenerve.batch.journal import Journal, remove_journal
from facenerve.batch.worker import MeasureOptions, Outcome, Task
from facenerve.engine.calibrate import check_iris_mm, manual_scale
from facenerve.engine.landmarks import BACKENDS, check_passes_for_backend
from facenerve.errors import FaceNerveError
from facenerve.io.exports import XLSX_MAX_ROWS, output_format, rows_to_frame, write_table
from facenerve.protocol import Expression

if TYPE_CHECKING:
    import pandas as pd

JOURNAL_SUFFIX = ".journal"


class BatchProgress(Protocol):
    """Receives progress: the total and the items already done, then each finished row."""

    def start(self, total: int, already_done: int) -> None: ...

    def advance(self, row: Mapping[str, Any]) -> None: ...

    def stop(self) -> None: ...


@dataclass(frozen=True)
class BatchSummary:
    """What a run did. ``processed`` were measured in this run, ``skipped`` came from the journal (already
    done); ``ok``/``failed``/``failures`` count every row of the table, failures by error code."""

    total: int
    processed: int
    skipped: int
    ok: int
    failed: int
    failures: dict[str, int]
    workers: int
    elapsed_s: float
    duplicates: int = 0
    ignored_files: int = 0
    peak_rss_mb_by_worker: dict[str, float] = field(default_factory=dict)
    #: Workers' CPU time per photo (user + system), ms, each worker's first photo (model loading) left out.
    cpu_ms_per_photo: float | None = None

    @property
    def photos_per_s(self) -> float:
        """Photos measured per second in this run (0 when none were)."""
        return self.processed / self.elapsed_s if self.processed and self.elapsed_s > 0 else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "processed": self.processed,
            "skipped": self.skipped,
            "ok": self.ok,
            "failed": self.failed,
            "failures": dict(self.failures),
            "duplicates": self.duplicates,
            "ignored_files": self.ignored_files,
            "workers": self.workers,
            "elapsed_s": round(self.elapsed_s, 3),
            "photos_per_s": round(self.photos_per_s, 2),
            "peak_rss_mb_by_worker": {k: round(v, 1) for k, v in self.peak_rss_mb_by_worker.items()},
            "cpu_ms_per_photo": None if self.cpu_ms_per_photo is None else round(self.cpu_ms_per_photo, 2),
        }

    def lines(self) -> list[str]:
        """The summary for people, a few short lines."""
        rate = f" in {self.elapsed_s:.1f} s ({self.photos_per_s:.1f} photos/s, {self.workers} workers)"
        lines = [
            f"processed {self.processed}{rate if self.processed else ''}",
            f"skipped {self.skipped} (already done)",
            f"measured {self.ok} of {self.total} photos, failed {self.failed}",
        ]
        if self.failures:
            lines.append("failed by reason: " + ", ".join(f"{code} {n}" for code, n in sorted(self.failures.items())))
        if self.duplicates:
            lines.append(f"ignored {self.duplicates} repeated input lines (each photo is measured once)")
        if self.ignored_files:
            lines.append(f"ignored {self.ignored_files} files without an image extension")
        return lines


@dataclass(frozen=True)
class BatchReport:
    """The table (one row per photo, in input order) and the run's summary."""

    frame: pd.DataFrame
    summary: BatchSummary


def default_journal(out: Path) -> Path:
    """The journal kept next to the output: ``OUT.journal`` (e.g. ``results.csv.journal``)."""
    return out.with_name(out.name + JOURNAL_SUFFIX)


def run_batch(
    source: str | Path,
    out: str | Path | None = None,
    *,
    expression: str | Expression = Expression.REST,
    mirrored: bool = False,
    backend: str = "mediapipe",
    predictor_path: str | Path | None = None,
    iris_mm: float | None = None,
    mm_per_px: float | None = None,
    workers: int | None = None,
    cluster: str | None = None,
    journal: str | Path | None = None,
    restart: bool = False,
    progress: BatchProgress | None = None,
    landmark_passes: int = 1,
) -> pd.DataFrame:
    """Measure every photo of a folder (recursive) or a manifest CSV; return one row per photo.

    The table has the columns of :data:`facenerve.io.exports.COLUMNS` in that order, rows in input order, and
    ``frame.attrs["summary"]`` holds :meth:`BatchSummary.to_dict`. With ``out`` the table is also written
    (CSV, Parquet or XLSX by extension). Results are journalled as they finish (``journal``, by default
    ``OUT.journal``; a temporary one when neither is given), so a killed run started again resumes where it
    stopped. ``cluster`` is a Dask scheduler
    address; otherwise ``workers`` local processes are used (default: all cores). ``landmark_passes``: see
    :func:`facenerve.analyze_photo`. Raises ``FaceNerveError``
    for bad options or input; a bad photo never raises, its row carries the error.
    """
    report = execute_batch(
        Path(source),
        Path(out) if out is not None else None,
        expression=expression,
        mirrored=mirrored,
        options=measure_options(backend, predictor_path, iris_mm, mm_per_px, landmark_passes),
        workers=workers,
        cluster=cluster,
        journal=Path(journal) if journal is not None else None,
        restart=restart,
        progress=progress,
    )
    report.frame.attrs["summary"] = report.summary.to_dict()
    return report.frame


def measure_options(
    backend: str,
    predictor_path: str | Path | None,
    iris_mm: float | None,
    mm_per_px: float | None,
    landmark_passes: int = 1,
) -> MeasureOptions:
    """Validated measuring options; raises ``FaceNerveError`` (code ``bad_option``) naming the bad one."""
    if backend not in BACKENDS:
        raise FaceNerveError(f"unknown backend {backend!r}; choose from {', '.join(BACKENDS)}", code="bad_option")
    if predictor_path is not None and backend != "dlib":
        raise FaceNerveError("--predictor applies to the dlib backend only", code="bad_option")
    check_passes_for_backend(backend, landmark_passes)
    if iris_mm is not None and mm_per_px is not None:
        raise FaceNerveError("give either --iris-mm or --mm-per-px, not both", code="bad_option")
    if iris_mm is not None:
        check_iris_mm(iris_mm)
    if mm_per_px is not None:
        manual_scale(mm_per_px)
    if predictor_path is not None and not Path(predictor_path).is_file():
        raise FaceNerveError(f"{predictor_path}: predictor file not found", code="bad_option")
    predictor = str(Path(predictor_path).resolve()) if predictor_path is not None else None
    return MeasureOptions(
        backend=backend, predictor_path=predictor, iris_mm=iris_mm, mm_per_px=mm_per_px, landmark_passes=landmark_passes
    )


def execute_batch(
    source: Path,
    out: Path | None,
    *,
    options: MeasureOptions,
    expression: str | Expression = Expression.REST,
    mirrored: bool = False,
    workers: int | None = None,
    cluster: str | None = None,
    journal: Path | None = None,
    restart: bool = False,
    progress: BatchProgress | None = None,
) -> BatchReport:
    """:func:`run_batch` with validated options, returning the table and the summary."""
    if out is not None:
        output_format(out)
        if not out.parent.is_dir():
            raise FaceNerveError(f"{out}: the folder {out.parent} does not exist", code="bad_option")
        if out.is_dir():  # refused before measuring, not after
            raise FaceNerveError(f"{out}: is a folder; give the output table's file name", code="bad_option")
    if workers is not None and workers < 1:
        raise FaceNerveError(f"--workers must be at least 1, not {workers}", code="bad_option")
    if workers is not None and cluster:
        raise FaceNerveError("--workers applies to local runs; a cluster has its own workers", code="bad_option")
    batch_input = collect_items(source, expression=expression, mirrored=mirrored)
    items = _unique(batch_input.items)
    if not items:
        raise FaceNerveError(f"{source}: no photos found", code="bad_input")
    if out is not None and output_format(out) == "xlsx" and len(items) + 1 > XLSX_MAX_ROWS:
        raise FaceNerveError(
            f"{out}: {len(items)} photos do not fit in an XLSX sheet; write .csv or .parquet", code="bad_option"
        )
    with tempfile.TemporaryDirectory(prefix="facenerve-batch-") as scratch:
        journal_path = journal or (default_journal(out) if out is not None else Path(scratch) / "batch.journal")
        if restart:
            remove_journal(journal_path)
        with Journal(journal_path, {**options.to_dict(), "facenerve": _version()}) as store:
            started = time.perf_counter()
            usage = _measure_missing(items, store, options, workers=workers, cluster=cluster, progress=progress)
            elapsed_s = time.perf_counter() - started
            frame = _table(store, items)
    if out is not None:
        write_table(frame, out)
    failures = Counter(str(code) for code in frame["error_code"].dropna())
    summary = BatchSummary(
        total=len(items),
        processed=usage.processed,
        skipped=len(items) - usage.processed,
        ok=len(frame) - sum(failures.values()),
        failed=sum(failures.values()),
        failures=dict(failures),
        workers=usage.workers,
        elapsed_s=elapsed_s,
        duplicates=len(batch_input.items) - len(items),
        ignored_files=batch_input.ignored_files,
        peak_rss_mb_by_worker=usage.peak_rss_mb,
        cpu_ms_per_photo=usage.cpu_ms_per_photo(),
    )
    return BatchReport(frame, summary)


def _version() -> str:
    """The installed FaceNerve version: a journal is resumed only by the version that wrote it."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("facenerve")
    except PackageNotFoundError:
        return "unknown"


def _table(store: Journal, items: list[BatchItem]) -> pd.DataFrame:
    """The table of ``items`` from the journal, built a chunk at a time so memory stays near the table's size."""
    import pandas as pd

    frames = [rows_to_frame(rows) for rows in store.rows(item.key for item in items)]
    if len(frames) == 1:
        return frames[0]
    return pd.concat(frames, ignore_index=True) if frames else rows_to_frame([])


def _unique(items: tuple[BatchItem, ...]) -> list[BatchItem]:
    seen: set[str] = set()
    unique = []
    for item in items:
        if item.key not in seen:
            seen.add(item.key)
            unique.append(item)
    return unique


@dataclass
class _Usage:
    """What the workers did in this run: photos processed, peak memory and CPU time by worker."""

    workers: int = 0
    processed: int = 0
    peak_rss_mb: dict[str, float] = field(default_factory=dict)
    cpu_first_s: dict[str, float] = field(default_factory=dict)
    cpu_last_s: dict[str, float] = field(default_factory=dict)
    photos: Counter[str] = field(default_factory=Counter)

    def record(self, outcome: Outcome) -> None:
        worker = outcome.worker
        if not worker:
            return
        self.peak_rss_mb[worker] = max(self.peak_rss_mb.get(worker, 0.0), outcome.peak_rss_mb)
        self.cpu_first_s.setdefault(worker, outcome.cpu_s)
        self.cpu_last_s[worker] = max(self.cpu_last_s.get(worker, 0.0), outcome.cpu_s)
        self.photos[worker] += 1

    def cpu_ms_per_photo(self) -> float | None:
        photos = sum(n - 1 for n in self.photos.values())
        if photos <= 0:
            return None
        cpu_s = sum(self.cpu_last_s[w] - self.cpu_first_s[w] for w in self.photos)
        return 1000.0 * cpu_s / photos


def _measure_missing(
    items: list[BatchItem],
    store: Journal,
    options: MeasureOptions,
    *,
    workers: int | None,
    cluster: str | None,
    progress: BatchProgress | None,
) -> _Usage:
    """Measure the items not yet in the journal, committing each row as it comes."""
    done = store.done_keys()
    todo = {item.key: item for item in items if item.key not in done}
    usage = _Usage()
    if not todo:
        return usage
    executor = create_executor(options, workers=workers, cluster=cluster)
    usage.workers = executor.workers
    try:
        if progress is not None:
            progress.start(len(items), len(items) - len(todo))
        tasks = [Task(i.key, i.path, i.file, i.expression, i.mirrored) for i in todo.values()]
        for outcome in executor.run(tasks):
            row = {**todo[outcome.key].input_columns(), **outcome.row}
            if store.add(outcome.key, row):
                usage.processed += 1
            usage.record(outcome)
            if progress is not None:
                progress.advance(row)
    finally:
        if progress is not None:
            progress.stop()
        executor.close()
    return usage
