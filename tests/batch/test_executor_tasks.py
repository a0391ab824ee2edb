"""Several photos per pool task: the same rows, fewer round trips, and a crash still blames no photo wrongly."""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from facenerve.batch.executors import (
    DASK_PHOTOS_PER_TASK,
    IN_FLIGHT_PER_WORKER,
    PHOTOS_PER_TASK,
    LocalExecutor,
    task_size,
    tasks_in_flight,
)
from facenerve.batch.runner import measure_options
from facenerve.batch.worker import Outcome, Task
from tests.batch.tasks import assert_same_rows_as_local, batch_tasks, outcomes_frame


def test_task_size_grows_with_the_batch_and_never_starves_a_worker() -> None:
    task = Task("k", "p", "p", "rest", False)
    window = 2 * IN_FLIGHT_PER_WORKER
    assert task_size([task] * window, workers=2) == 1  # a small batch: one photo per task, as before
    assert task_size([task] * (2 * window), workers=2) == 2
    assert task_size([task] * 1000, workers=2) == PHOTOS_PER_TASK
    assert task_size(iter([task] * 1000), workers=2) == 1  # unknown length: one per task
    assert task_size([task] * 1000, workers=2, photos_per_task=3) == 3
    assert task_size([task] * 1000, workers=2, largest=DASK_PHOTOS_PER_TASK) == DASK_PHOTOS_PER_TASK  # Dask
    assert task_size([task] * (3 * window), workers=2, largest=DASK_PHOTOS_PER_TASK) == 3


def test_every_worker_has_a_task_queued_behind_the_one_it_measures() -> None:
    """With one task per worker in flight, a worker idled while its results went back and the next task came out
    (benchmarks/results/batch.md); tasks of 4 photos made that the case for every large batch."""
    for workers in (1, 2, 8):
        assert tasks_in_flight(workers, PHOTOS_PER_TASK) >= 2 * workers
        assert tasks_in_flight(workers, 1) == workers * IN_FLIGHT_PER_WORKER  # one photo per task: as before
        assert tasks_in_flight(workers, 100) >= 2 * workers


class _CountedTasks(list[Task]):
    """Tasks that count how many the executor has taken out to submit."""

    taken = 0

    def __iter__(self) -> Iterator[Task]:
        for task in super().__iter__():
            self.taken += 1
            yield task


def test_a_worker_gets_its_next_task_before_it_returns_the_current_one(batch_folder: Path) -> None:
    tasks = _CountedTasks(batch_tasks(batch_folder)[0])
    assert len(tasks) == 8
    executor = LocalExecutor(measure_options("mediapipe", None, None, None), workers=1, photos_per_task=4)
    outcomes = executor.run(tasks)
    try:
        next(outcomes)
        assert tasks.taken == 8  # both 4-photo tasks were submitted before the first result came back
    finally:
        outcomes.close()
        executor.close()


def test_several_photos_per_task_give_the_same_rows(batch_folder: Path, local_frame: pd.DataFrame) -> None:
    executor = LocalExecutor(measure_options("mediapipe", None, None, None), workers=2, photos_per_task=3)
    assert_same_rows_as_local(executor, batch_folder, local_frame)


def test_a_crash_during_a_task_of_several_photos_reruns_each_alone(
    batch_folder: Path, local_frame: pd.DataFrame
) -> None:
    tasks, inputs = batch_tasks(batch_folder)
    executor = LocalExecutor(measure_options("mediapipe", None, None, None), workers=2, photos_per_task=2)
    outcomes: list[Outcome] = []
    killed = False
    try:
        for outcome in executor.run(tasks):
            outcomes.append(outcome)
            if not killed:  # SIGKILL one worker: a native crash as seen from outside
                victim = multiprocessing.active_children()[0]
                os.kill(victim.pid or 0, signal.SIGKILL)
                killed = True
    finally:
        executor.close()
    assert killed
    assert sorted(o.key for o in outcomes) == sorted(t.key for t in tasks)  # none lost, none twice
    assert "worker_crashed" not in {o.row.get("error_code") for o in outcomes}
    pd.testing.assert_frame_equal(outcomes_frame(outcomes, inputs), local_frame.sort_values("path", ignore_index=True))
