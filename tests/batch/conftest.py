"""Fixtures of the batch tests: the small batch folder (tests/batch/photos.py) and its local reference run."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from facenerve.batch import run_batch
from tests.batch.photos import write_batch_folder


@pytest.fixture(scope="session")
def batch_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_batch_folder(tmp_path_factory.mktemp("batch") / "photos")


@pytest.fixture(scope="session")
def local_frame(batch_folder: Path, tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    """The batch measured locally with 2 worker processes (the reference for resume and Dask runs)."""
    out = tmp_path_factory.mktemp("local") / "local.parquet"
    return run_batch(batch_folder, out, workers=2)


@pytest.fixture()
def batch_copy(batch_folder: Path, tmp_path: Path) -> Path:
    """A private copy of the batch folder, for tests that change files."""
    return Path(shutil.copytree(batch_folder, tmp_path / "photos"))
