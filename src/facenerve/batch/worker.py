"""Worker side of a batch: measure one photo by path and return its flat row.

Runs in a local pool process or on a Dask worker. Each process (each thread, on Dask) creates its landmark
detector once and reuses it. Only paths and small dicts cross process boundaries, never pixels.
"""

from __future__ import annotations

import contextlib
import os
import resource
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from facenerve.engine.analyze import analyze_photo
from facenerve.engine.landmarks import LandmarkDetector, create_detector
from facenerve.engine.tuning import tune_process
from facenerve.errors import FaceNerveError
from facenerve.io.exports import flatten_assessment


@dataclass(frozen=True)
class MeasureOptions:
    """Options that change the measurements, the same for every photo of a batch."""

    backend: str = "mediapipe"
    predictor_path: str | None = None
    iris_mm: float | None = None
    mm_per_px: float | None = None
    landmark_passes: int = 1

    def to_dict(self) -> dict[str, Any]:
        return {
            "backend": self.backend,
            "predictor_path": self.predictor_path,
            "iris_mm": self.iris_mm,
            "mm_per_px": self.mm_per_px,
            "landmark_passes": self.landmark_passes,
        }


@dataclass(frozen=True)
class Task:
    """One photo to measure: the journal key, the table label, the absolute file and its expression/mirroring."""

    key: str
    label: str
    file: str
    expression: str
    mirrored: bool


@dataclass(frozen=True)
class Outcome:
    """A measured row (everything but the input columns), and who measured it with how much memory."""

    key: str
    row: dict[str, Any]
    worker: str
    peak_rss_mb: float = field(default=0.0)
    #: The worker process's CPU time (user + system) so far, s: differences give the CPU cost per photo.
    cpu_s: float = field(default=0.0)


class WorkerSetupError(FaceNerveError):
    """A worker could not create its detector: the whole batch stops (every photo would fail the same way)."""

    code = "backend_unavailable"


_local = threading.local()
_SETUP_ERRORS: dict[tuple[str, str | None, int], FaceNerveError] = {}


def silence_native_logs() -> None:
    """Send this process's fd 2 (MediaPipe's native logs) to /dev/null, unless FACENERVE_NATIVE_LOGS=1."""
    if os.environ.get("FACENERVE_NATIVE_LOGS") == "1":
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    os.close(devnull)


def init_pool_worker(options: MeasureOptions) -> None:
    """Local pool initializer: quiet the native logs and create the detector once, before the first photo."""
    silence_native_logs()
    with contextlib.suppress(FaceNerveError):  # raised again, as WorkerSetupError, by the first measure() call
        _detector(options)


def _detector(options: MeasureOptions) -> LandmarkDetector:
    tune_process()
    key = (options.backend, options.predictor_path, options.landmark_passes)
    cache: dict[tuple[str, str | None, int], LandmarkDetector] = getattr(_local, "detectors", None) or {}
    _local.detectors = cache
    if key in _SETUP_ERRORS:
        raise _SETUP_ERRORS[key]
    if key not in cache:
        predictor = Path(options.predictor_path) if options.predictor_path else None
        try:
            cache[key] = create_detector(
                options.backend, predictor_path=predictor, landmark_passes=options.landmark_passes
            )
        except FaceNerveError as exc:
            _SETUP_ERRORS[key] = exc  # fail the next photos at once, without loading again
            raise
    return cache[key]


def measure(task: Task, options: MeasureOptions) -> Outcome:
    """Measure one photo. Never raises for a bad photo (the row carries the error); raises
    :class:`WorkerSetupError` when the detector cannot be created."""
    try:
        detector = _detector(options)
    except FaceNerveError as exc:
        raise WorkerSetupError(exc.message, code=exc.code) from None
    try:
        kwargs: dict[str, Any] = {"iris_mm": options.iris_mm} if options.iris_mm is not None else {}
        result = analyze_photo(
            task.file,
            name=task.label,
            expression=task.expression,
            detector=detector,
            mm_per_px=options.mm_per_px,
            mirrored=task.mirrored,
            **kwargs,
        )
        row = flatten_assessment(result)
    except Exception as exc:  # one photo must never stop the batch
        row = failed_row("internal_error", f"{task.label}: unexpected {type(exc).__name__}: {exc}")
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return Outcome(
        task.key,
        row,
        worker=worker_name(),
        peak_rss_mb=peak_rss_mb(usage),
        cpu_s=usage.ru_utime + usage.ru_stime,
    )


def measure_many(tasks: tuple[Task, ...], options: MeasureOptions) -> list[Outcome]:
    """:func:`measure` on each task in turn: one round trip through a process pool for several photos."""
    return [measure(task, options) for task in tasks]


def peak_rss_mb(usage: resource.struct_rusage | None = None) -> float:
    """Peak resident memory of this process so far, MB.

    Linux's ``VmHWM`` (the peak of this program's own memory) where available: ``ru_maxrss`` also counts the
    parent's memory at the fork that started a spawned worker, which would charge the parent's size to it.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024.0  # kB
    except (OSError, ValueError, IndexError):
        pass
    usage = usage or resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_maxrss / 1024.0  # KiB on Linux


def failed_row(code: str, message: str) -> dict[str, Any]:
    """The measured columns of a photo that could not be measured at all."""
    return flatten_assessment(
        {"backend": None, "error": {"code": code, "message": message.replace("\n", " ")}, "warnings": []}
    )


def worker_name() -> str:
    """This worker: host and process id."""
    return f"{os.uname().nodename}:{os.getpid()}"

