"""Process tuning: per-photo page faults under Dask's nanny environment, and who applies the tuning."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

CODE = """
import json, resource, sys
from facenerve import analyze_photo
from facenerve.engine.tuning import tune_malloc
from facenerve.engine.landmarks import create_detector
path, detector = sys.argv[1], create_detector()  # not get_detector(), which tunes
analyze_photo(path, detector=detector)

def faults():
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(3):
        analyze_photo(path, detector=detector).raise_for_error()
    return (resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before) / 3

untuned = faults()
tuned = tune_malloc()
print(json.dumps({"untuned": untuned, "tuned": tuned, "after": faults()}))
"""


def test_tuned_malloc_stops_per_photo_page_faults_under_a_dask_nanny_environment(batch_folder: Path) -> None:
    env = {**os.environ, "MALLOC_TRIM_THRESHOLD_": "65536"}  # what Dask's nanny gives its workers
    proc = subprocess.run(
        [sys.executable, "-c", CODE, str(batch_folder / "astronaut.jpg")],
        capture_output=True, text=True, env=env, timeout=300, check=True,
    )
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["tuned"] is True
    assert result["after"] < result["untuned"] / 4, result


WHO_TUNES = """
import json, cv2
from facenerve.engine import tuning
from facenerve import get_detector
before = tuning._tuned
get_detector()
print(json.dumps({"before": before, "after": tuning._tuned, "opencv_threads": cv2.getNumThreads()}))
"""


def test_the_process_wide_detector_tunes_the_process() -> None:
    proc = subprocess.run([sys.executable, "-c", WHO_TUNES], capture_output=True, text=True, timeout=300, check=True)
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result == {"before": False, "after": True, "opencv_threads": 1}


WORKER_SETUP = """
import json, cv2
from facenerve.batch.worker import MeasureOptions, init_pool_worker
from facenerve.engine import tuning
init_pool_worker(MeasureOptions())
print(json.dumps({"opencv_threads": cv2.getNumThreads(), "malloc_tuned": tuning._tuned}))
"""


def test_a_pool_worker_runs_opencv_single_threaded_with_tuned_malloc() -> None:
    """Workers are the parallelism: OpenCV's own thread pool would only spin next to them."""
    proc = subprocess.run([sys.executable, "-c", WORKER_SETUP], capture_output=True, text=True, timeout=300, check=True)
    assert json.loads(proc.stdout.strip().splitlines()[-1]) == {"opencv_threads": 1, "malloc_tuned": True}
