"""Executor-level helpers: a folder's tasks as the runner makes them, and outcomes back as a sorted table."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from facenerve.batch.executors import Executor
from facenerve.batch.inputs import collect_items
from facenerve.batch.worker import Outcome, Task
from facenerve.io.exports import rows_to_frame


def batch_tasks(folder: Path) -> tuple[list[Task], dict[str, dict[str, object]]]:
    """The folder's photos as executor tasks, and each one's input columns by key."""
    items = collect_items(folder).items
    tasks = [Task(i.key, i.path, i.file, i.expression, i.mirrored) for i in items]
    return tasks, {i.key: i.input_columns() for i in items}


def outcomes_frame(outcomes: list[Outcome], inputs: dict[str, dict[str, object]]) -> pd.DataFrame:
    """The batch table of ``outcomes``, rows sorted by path."""
    rows = sorted(({**inputs[o.key], **o.row} for o in outcomes), key=lambda row: str(row["path"]))
    return rows_to_frame(rows)


def assert_same_rows_as_local(executor: Executor, folder: Path, local_frame: pd.DataFrame) -> None:
    """Run the folder's tasks on ``executor`` (closed afterwards): every photo once, and the local run's rows."""
    tasks, inputs = batch_tasks(folder)
    try:
        outcomes = list(executor.run(tasks))
    finally:
        executor.close()
    assert sorted(o.key for o in outcomes) == sorted(t.key for t in tasks)
    pd.testing.assert_frame_equal(outcomes_frame(outcomes, inputs), local_frame.sort_values("path", ignore_index=True))
