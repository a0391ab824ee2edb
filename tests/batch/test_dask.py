"""The same batch on a real Dask cluster: a ``dask scheduler`` and two ``dask worker`` processes on loopback.

(The ``dask-scheduler``/``dask-worker`` scripts of older releases are ``dask scheduler``/``dask worker`` now.)
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from facenerve.batch import run_batch
from facenerve.batch.executors import DaskExecutor
from facenerve.batch.worker import MeasureOptions
from facenerve.errors import FaceNerveError
from tests.batch.tasks import assert_same_rows_as_local, batch_tasks, outcomes_frame

DASK = str(Path(sys.executable).with_name("dask"))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _stop(address: str, procs: list[subprocess.Popen[bytes]]) -> None:
    """Ask the cluster to shut down; terminate, then kill, whatever is still running."""
    import distributed

    try:
        with distributed.Client(address, timeout="5s") as client:
            client.shutdown()
    except (OSError, TimeoutError):
        pass
    for proc in procs:
        for sig in (signal.SIGTERM, signal.SIGKILL):
            if proc.poll() is not None:
                break
            os.killpg(proc.pid, sig)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                continue


def _wait_for_workers(address: str, count: int, timeout_s: float) -> None:
    import distributed

    with distributed.Client(address, timeout="30s") as client:
        client.wait_for_workers(count, timeout=timeout_s)


def _start_cluster(
    workdir: Path, *, nanny: bool, scheduler_env: dict[str, str] | None = None
) -> tuple[str, list[subprocess.Popen[bytes]]]:
    """A scheduler and two single-thread workers on random free loopback ports (with or without nannies)."""
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    common = {"cwd": workdir, "stdout": subprocess.DEVNULL, "start_new_session": True}
    procs: list[subprocess.Popen[bytes]] = []
    try:
        with (workdir / "scheduler.log").open("wb") as log:
            procs.append(subprocess.Popen(
                [DASK, "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
                stderr=log, env={**os.environ, **(scheduler_env or {})}, **common,  # type: ignore[arg-type]
            ))
        for name in ("w1", "w2"):
            with (workdir / f"{name}.log").open("wb") as log:
                procs.append(subprocess.Popen(
                    [DASK, "worker", address, "--nthreads", "1", "--nanny" if nanny else "--no-nanny",
                     "--no-dashboard", "--host", "127.0.0.1", "--name", name,
                     "--local-directory", str(workdir / name)],
                    stderr=log, **common,  # type: ignore[arg-type]
                ))
        _wait_for_workers(address, 2, timeout_s=120)
    except BaseException:
        _stop(address, procs)
        raise
    return address, procs


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A scheduler and two single-thread workers without nannies; always torn down."""
    address, procs = _start_cluster(tmp_path_factory.mktemp("dask"), nanny=False)
    try:
        yield address
    finally:
        _stop(address, procs)


def test_cluster_results_equal_the_local_run(cluster: str, batch_folder: Path, local_frame: pd.DataFrame,
                                             tmp_path: Path) -> None:
    frame = run_batch(batch_folder, tmp_path / "dask.parquet", cluster=cluster)
    summary = frame.attrs["summary"]
    assert summary["workers"] == 2 and summary["processed"] == 8
    assert len(summary["peak_rss_mb_by_worker"]) == 2  # both workers measured photos
    pd.testing.assert_frame_equal(frame, local_frame)
    resumed = run_batch(batch_folder, tmp_path / "dask.parquet", cluster=cluster)
    assert resumed.attrs["summary"]["skipped"] == 8
    pd.testing.assert_frame_equal(resumed, local_frame)


def test_unreachable_scheduler_is_a_clear_error() -> None:
    started = time.monotonic()
    with pytest.raises(FaceNerveError, match="cannot reach the Dask scheduler") as info:
        DaskExecutor(MeasureOptions(), f"tcp://127.0.0.1:{_free_port()}", connect_timeout_s=1.0)
    assert info.value.code == "cluster_unreachable" and time.monotonic() - started < 30


def test_tasks_of_several_photos_give_the_same_rows(
    cluster: str, batch_folder: Path, local_frame: pd.DataFrame
) -> None:
    executor = DaskExecutor(MeasureOptions(), cluster, photos_per_task=3)
    assert_same_rows_as_local(executor, batch_folder, local_frame)
    assert executor.photos_resent == 0


def test_a_task_that_kills_its_worker_is_sent_again_photo_by_photo(
    tmp_path: Path, batch_folder: Path, local_frame: pd.DataFrame
) -> None:
    """Workers under nannies, and a scheduler that gives up on a task after one worker death (Dask's
    ``allowed-failures`` 0): SIGKILLing a worker in the middle of a 3-photo task makes it fail with
    ``KilledWorker``, and its photos are measured again one by one; none is lost, doubled or blamed."""
    import distributed

    address, procs = _start_cluster(
        tmp_path, nanny=True, scheduler_env={"DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES": "0"}
    )
    try:
        with distributed.Client(address, timeout="30s") as watcher:
            pids = watcher.run(os.getpid)
            tasks, inputs = batch_tasks(batch_folder)
            executor = DaskExecutor(MeasureOptions(), address, photos_per_task=3)
            killed: list[int] = []

            def kill_a_busy_worker() -> None:
                deadline = time.monotonic() + 60
                while time.monotonic() < deadline:
                    busy = [worker for worker, keys in watcher.processing().items() if keys]
                    if busy:
                        os.kill(pids[busy[0]], signal.SIGKILL)
                        killed.append(pids[busy[0]])
                        return
                    time.sleep(0.01)

            killer = threading.Thread(target=kill_a_busy_worker)
            killer.start()
            try:
                outcomes = list(executor.run(tasks))
            finally:
                killer.join()
                executor.close()
    finally:
        _stop(address, procs)
    assert killed and executor.photos_resent >= 1
    assert sorted(o.key for o in outcomes) == sorted(t.key for t in tasks)  # none lost, none twice
    assert "worker_crashed" not in {o.row.get("error_code") for o in outcomes}
    pd.testing.assert_frame_equal(outcomes_frame(outcomes, inputs), local_frame.sort_values("path", ignore_index=True))
