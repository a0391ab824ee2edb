"""Research batches: many photos measured in parallel (local processes or Dask), journalled, exported as a table.

>>> from facenerve.batch import run_batch
>>> frame = run_batch("photos/", "results.parquet", workers=2)      # doctest: +SKIP
>>> frame.attrs["summary"]["failed"]                                 # doctest: +SKIP
"""

from facenerve.batch.inputs import BatchInput, BatchItem, collect_items
from facenerve.batch.runner import BatchProgress, BatchReport, BatchSummary, default_journal, execute_batch, run_batch

__all__ = [
    "BatchInput",
    "BatchItem",
    "BatchProgress",
    "BatchReport",
    "BatchSummary",
    "collect_items",
    "default_journal",
    "execute_batch",
    "run_batch",
]
