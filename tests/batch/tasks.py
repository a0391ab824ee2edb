"""Executor-level helpers: a folder's tasks as the runner makes them, and outcomes back as a sorted table."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

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
