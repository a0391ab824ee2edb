"""Worker-process details: malloc tuning under Dask's nanny environment."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

CODE = """
import json, resource, sys
from facenerve import analyze_photo, get_detector
from facenerve.batch.worker import tune_malloc
path, detector = sys.argv[1], get_detector()
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
