"""The web test suite, run again against a real PostgreSQL (a throwaway cluster), in a child pytest."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from .pgcluster import Cluster, running_cluster

ROOT = Path(__file__).resolve().parents[2]
ON_POSTGRES = os.environ.get("FACENERVE_WEB_ON_POSTGRES") == "1"


cluster = pytest.fixture(scope="module", name="cluster")(running_cluster)


@pytest.mark.skipif(ON_POSTGRES, reason="already the PostgreSQL run")
def test_web_suite_on_postgresql(cluster: Cluster, tmp_path: Path) -> None:
    # The child gets its own throwaway data folder, named here: it inherits DJANGO_SETTINGS_MODULE, so
    # pytest-django loads the settings before tests/web/conftest.py could choose one, and without this the
    # uploads of the child's tests landed in the user's real ~/.local/share/facenerve/images.
    env = {**os.environ, "DATABASE_URL": cluster.url, "FACENERVE_WEB_ON_POSTGRES": "1",
           "FACENERVE_DATA_DIR": str(tmp_path / "data")}
    env.pop("FACENERVE_IMAGE_DIR", None)
    child = subprocess.run(
        # The CLI tests run their own SQLite subprocesses, the 9-photo session test exercises the engine, and the
        # browser tests check rendering, keyboard and accessibility in Chromium, not the database: all three are
        # left to the SQLite run (the pages themselves run here through the test client).
        [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", str(ROOT / "tests" / "web"),
         "-k", "not test_cli_web and not full_session and not browser"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=900, check=False,
    )
    tail = "\n".join((child.stdout + child.stderr).splitlines()[-25:])
    assert child.returncode == 0, tail
    assert " passed" in tail and "test_database_vendor" not in tail, tail
    assert any((tmp_path / "data" / "images").rglob("*")), "the child's uploads went elsewhere"


@pytest.mark.django_db
def test_database_vendor() -> None:
    """In the PostgreSQL run the app really talks to PostgreSQL (and to SQLite otherwise)."""
    assert connection.vendor == ("postgresql" if ON_POSTGRES else "sqlite")
