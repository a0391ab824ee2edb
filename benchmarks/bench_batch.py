"""FaceNerve batch benchmark: throughput of ``run_batch`` on 1024-px JPEGs with 1 worker and with all workers,
steady-state photos/s, 1→N scaling efficiency, peak memory per worker, and the batch layer's overhead against the
bare engine (one process, no pool, same photos, same run).

Usage: python benchmarks/bench_batch.py [--quick]   (writes benchmarks/results/batch.md)
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]

#: Targets from issue #5.
TARGET_PHOTOS_PER_S = 80.0
TARGET_RSS_MB = 300.0
TARGET_SCALING = 0.85


def make_photos(folder: Path, count: int) -> list[Path]:
    """``count`` 1024×1024 JPEGs (quality 90): the shipped faces and their mirror images, repeated."""
    import cv2
    import numpy as np
    from PIL import Image

    sys.path.insert(0, str(ROOT))
    from tests.synth.faces import FACE_NAMES, face_photo

    sources = []
    for name in FACE_NAMES:
        rgb = cv2.resize(face_photo(name), (1024, 1024), interpolation=cv2.INTER_CUBIC)
        sources += [rgb, np.ascontiguousarray(rgb[:, ::-1])]
    encoded = []
    for i, rgb in enumerate(sources):
        path = folder / f"source_{i}.jpg"
        Image.fromarray(rgb).save(path, quality=90)
        encoded.append(path.read_bytes())
    paths = []
    for i in range(count):
        path = folder / "photos" / f"photo_{i:04d}.jpg"
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(encoded[i % len(encoded)])
        paths.append(path)
    return paths


class Timestamps:
    """A progress reporter that records when each photo finished."""

    def __init__(self) -> None:
        self.finished: list[float] = []
        self.started = 0.0

    def start(self, total: int, already_done: int) -> None:
        self.started = time.perf_counter()

    def advance(self, row: Mapping[str, Any]) -> None:
        self.finished.append(time.perf_counter())

    def stop(self) -> None:
        pass


def steady_rate(finished: list[float], warm: int) -> float:
    """Photos/s after the first ``warm`` photos (every worker has loaded its model and measured one)."""
    if len(finished) <= warm + 1:
        return float("nan")
    return (len(finished) - 1 - warm) / (finished[-1] - finished[warm])


def run_workers(photos: Path, workers: int, scratch: Path, cluster: str | None = None) -> dict[str, Any]:
    """One timed batch run: wall time (pool start included), steady-state rate, peak RSS per worker."""
    from facenerve.batch import run_batch

    stamps = Timestamps()
    t0, parent_cpu0 = time.perf_counter(), time.process_time()
    frame = run_batch(
        photos,
        journal=scratch / f"w{workers}-{'dask' if cluster else 'local'}.journal",
        workers=None if cluster else workers,
        cluster=cluster,
        restart=True,
        progress=stamps,
    )
    wall_s = time.perf_counter() - t0
    parent_cpu_ms = 1e3 * (time.process_time() - parent_cpu0) / max(len(frame), 1)
    summary = frame.attrs["summary"]
    assert summary["failed"] == 0, summary["failures"]
    return {
        "executor": "Dask (loopback)" if cluster else "local pool",
        "workers": workers,
        "photos": len(frame),
        "wall_s": wall_s,
        "wall_rate": len(frame) / wall_s,
        "steady_rate": steady_rate(stamps.finished, warm=workers),
        "startup_s": stamps.finished[0] - t0 if stamps.finished else float("nan"),
        "peak_rss_mb": sorted(summary["peak_rss_mb_by_worker"].values()),
        "cpu_ms": summary["cpu_ms_per_photo"],
        "parent_cpu_ms": parent_cpu_ms,
    }


def run_dask(photos: Path, workers: int, scratch: Path) -> dict[str, Any]:
    """The same batch on a Dask cluster of ``workers`` single-thread processes on loopback, started as
    docs/batch.md advises: with Dask's statistical profiler off."""
    import dask
    import distributed

    with (
        dask.config.set({"distributed.worker.profile.enabled": False}),
        distributed.LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None, host="127.0.0.1"
        ) as cluster,
    ):
        return run_workers(photos, workers, scratch, cluster=cluster.scheduler_address)


def bare_engine(paths: list[Path], repeats: int) -> dict[str, float]:
    """The baseline: ``analyze_photo`` in this process (model loaded once), plus the JPEG decode on its own."""
    from facenerve import analyze_photo, get_detector
    from facenerve.io.images import load_image

    detector = get_detector()
    analyze_photo(paths[0], detector=detector)
    analyze_ms, decode_ms, cpu_s = [], [], 0.0
    for _ in range(repeats):
        for path in paths:
            t = time.perf_counter()
            load_image(path)
            decode_ms.append((time.perf_counter() - t) * 1e3)
            t, c = time.perf_counter(), time.process_time()
            analyze_photo(path, detector=detector).to_dict()
            analyze_ms.append((time.perf_counter() - t) * 1e3)
            cpu_s += time.process_time() - c
    return {
        "analyze_ms": statistics.median(analyze_ms),
        "decode_ms": statistics.median(decode_ms),
        "cpu_ms": 1e3 * cpu_s / len(analyze_ms),
    }


def machine_lines() -> list[str]:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = os.getloadavg()
    return [
        f"- date: {time.strftime('%Y-%m-%d %H:%M %Z')}",
        f"- machine: {platform.machine()}, {cpu}, {len(os.sched_getaffinity(0))} usable cores "
        f"({os.cpu_count()} online), {platform.platform()}",
        f"- Python {platform.python_version()}; load average at start {load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f}"
        " (a shared machine: other processes take CPU time from the workers)",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer photos and one repeat")
    args = parser.parse_args()
    from facenerve.batch.executors import default_workers

    count = 48 if args.quick else 160
    repeats = 1 if args.quick else 3
    all_workers = default_workers()
    lines = ["# Batch benchmark", "", *machine_lines()]
    lines += [
        f"- input: {count} JPEGs of 1024×1024 px (quality 90; scikit-image's astronaut and matplotlib's Grace "
        "Hopper, and their mirror images), a folder read by `run_batch`, MediaPipe backend",
        f"- runs: 1 worker and {all_workers} workers, best of {repeats}; each run starts its own process pool",
        "",
    ]
    with tempfile.TemporaryDirectory(prefix="facenerve-bench-") as tmp:
        scratch = Path(tmp)
        paths = make_photos(scratch, count)
        photos = paths[0].parent
        baseline = bare_engine(paths[:8], repeats=2 if args.quick else 4)
        runs: dict[int, dict[str, Any]] = {}
        for workers in sorted({1, all_workers}):
            best = None
            for _ in range(repeats):
                result = run_workers(photos, workers, scratch)
                if best is None or result["steady_rate"] > best["steady_rate"]:
                    best = result
            assert best is not None
            runs[workers] = best
            print(f"{workers} worker(s): {best['steady_rate']:.1f} photos/s", flush=True)
        dask_run = run_dask(photos, all_workers, scratch)
    engine_rate = 1000.0 / baseline["analyze_ms"]
    one, many = runs[1], runs[all_workers]
    scaling = many["steady_rate"] / (all_workers * one["steady_rate"])
    peak_rss = max(mb for run in runs.values() for mb in run["peak_rss_mb"])
    lines += [
        "## Throughput",
        "",
        "| executor | workers | photos | wall time (s) | photos/s, wall (pool start included) |"
        " photos/s, steady state | first result after (s) | worker CPU ms per photo | cores the workers got |"
        " parent CPU ms per photo | peak RSS per worker (MB) |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for run in [*runs.values(), dask_run]:
        rss = ", ".join(f"{mb:.0f}" for mb in run["peak_rss_mb"])
        lines.append(
            f"| {run['executor']} | {run['workers']} | {run['photos']} | {run['wall_s']:.1f} | "
            f"{run['wall_rate']:.1f} | {run['steady_rate']:.1f} | {run['startup_s']:.1f} | "
            f"{run['cpu_ms']:.1f} | {run['steady_rate'] * run['cpu_ms'] / 1000:.2f} | {run['parent_cpu_ms']:.1f} | "
            f"{rss} |"
        )
    cpu_scaling = one["cpu_ms"] / many["cpu_ms"]
    lines += [
        "",
        "Steady state: photos finished per second after each worker's first photo (model loading excluded).",
        "Cores the workers got: steady-state photos/s × CPU s per photo; below the worker count, other processes",
        "on the machine were taking the rest, and wall-clock rates and scaling understate what idle cores give.",
        f"Dask: a scheduler and {all_workers} single-thread worker processes on loopback (`LocalCluster`); its",
        "workers' memory includes the Dask worker runtime. The workers run with Dask's statistical profiler off",
        "(`DASK_DISTRIBUTED__WORKER__PROFILE__ENABLED=False`), as docs/batch.md advises.",
        "Parent CPU ms per photo: the batch process itself (listing, hashing, journal, export, pool start), over",
        "the whole run; it shares the cores with the workers.",
        "Worker CPU ms per photo: user + system time of the worker processes per photo (first photo excluded);",
        "it does not depend on what else the machine runs, so it shows the cost of running workers side by side",
        f"(1 → {all_workers} workers: CPU cost per photo × {many['cpu_ms'] / one['cpu_ms']:.2f}, "
        f"CPU-time scaling efficiency {cpu_scaling:.0%}; on {all_workers} otherwise idle cores this allows "
        f"{all_workers * 1000.0 / many['cpu_ms']:.1f} photos/s).",
        "",
        "## Baseline in the same run",
        "",
        f"- bare engine, one process, no pool: {baseline['analyze_ms']:.1f} ms per photo wall, "
        f"{baseline['cpu_ms']:.1f} ms CPU ({engine_rate:.1f} photos/s); JPEG decoding {baseline['decode_ms']:.1f} ms",
        f"- batch layer with 1 worker: {one['steady_rate'] / engine_rate:.2f}× the bare engine's wall-clock rate, "
        f"{one['cpu_ms'] / baseline['cpu_ms']:.2f}× its CPU time per photo "
        "(1.00 = no overhead from the pool, hashing, journal and export)",
        "",
        "## Targets",
        "",
        "| target | measured | met |",
        "|---|---|---|",
        f"| ≥ {TARGET_PHOTOS_PER_S:.0f} photos/s with {all_workers} workers | {many['steady_rate']:.1f} photos/s | "
        f"{'yes' if many['steady_rate'] >= TARGET_PHOTOS_PER_S else 'no'} |",
        f"| ≤ {TARGET_RSS_MB:.0f} MB per worker | {peak_rss:.0f} MB (largest) | "
        f"{'yes' if peak_rss <= TARGET_RSS_MB else 'no'} |",
        f"| 1 → {all_workers} workers scales within 15% of linear | efficiency {scaling:.0%} | "
        f"{'yes' if scaling >= TARGET_SCALING else 'no'} |",
        "",
        f"The rate is bounded by the engine: the workers' {many['cpu_ms']:.1f} ms of CPU per photo allow at most "
        f"{all_workers * 1000.0 / many['cpu_ms']:.0f} photos/s on {all_workers} idle cores. The parent's "
        f"{many['parent_cpu_ms']:.1f} ms per photo is spread over the whole run (listing, hashing, pool start, "
        "export), most of it outside the steady state. Each worker keeps a task queued behind the one it "
        "measures, so it never waits for the parent between tasks.",
    ]
    out = ROOT / "benchmarks" / "results" / "batch.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
