"""Where the photos are measured: a local process pool, or a Dask distributed cluster.

Both take :class:`~facenerve.batch.worker.Task` objects (paths, not pixels) and yield
:class:`~facenerve.batch.worker.Outcome` objects as they finish, in any order. Both keep a bounded number of
photos in flight, so memory stays flat and progress is smooth however large the batch.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
import uuid
from collections import deque
from collections.abc import Iterable, Iterator, Sized
from concurrent.futures import FIRST_COMPLETED, CancelledError, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Protocol

from facenerve.batch.worker import (
    MeasureOptions,
    Outcome,
    Task,
    failed_row,
    init_pool_worker,
    measure_many,
)
from facenerve.errors import FaceNerveError

#: Photos in flight per worker: enough to keep every worker busy, few enough to keep memory flat.
IN_FLIGHT_PER_WORKER = 4
#: Tasks in flight per worker, at least: the one it measures and one queued behind it. With a single task per
#: worker, each worker sat idle while its results went back to the parent and the next task came out.
MIN_TASKS_PER_WORKER = 2
#: Photos sent to a pool worker in one task, at most. Each task's round trip through the pool costs the parent
#: about 1 ms of CPU, taken from the cores the workers measure on (benchmarks/results/batch.md); a small batch
#: still goes one photo per task, so that every worker gets a share.
PHOTOS_PER_TASK = 4
#: Photos sent to a Dask worker in one task, at most. Every Dask task costs the scheduler, the client and the
#: worker more than a pool round trip (Dask's best practices: up to about 1 ms of scheduler time per task, so tasks
#: should run for 100 ms or so); 8 photos are about 200 ms of work. Against 4, they cut the client's CPU time per
#: photo from 4.2–4.6 to 2.5–2.8 ms on a loopback cluster, and raised its rate by 15–30% (docs/batch.md).
DASK_PHOTOS_PER_TASK = 8
#: The message of a photo whose measurement crashed its worker process (alone, so it is the cause).
CRASH_CODE = "worker_crashed"
#: After this many photos in a row crash their worker, the batch stops: the workers themselves are broken.
MAX_CRASHES_IN_A_ROW = 3


class Executor(Protocol):
    """Runs tasks somewhere and yields their outcomes as they finish."""

    workers: int

    def run(self, tasks: Iterable[Task]) -> Iterator[Outcome]: ...

    def close(self) -> None: ...


def default_workers() -> int:
    """All the cores this process may run on."""
    return max(1, len(os.sched_getaffinity(0)))


def task_size(
    tasks: Iterable[Task], workers: int, photos_per_task: int | None = None, *, largest: int = PHOTOS_PER_TASK
) -> int:
    """Photos per task: ``photos_per_task`` if set; else up to ``largest``, so that the window still holds one
    task per photo slot when the batch is small (one photo per task when its length is unknown)."""
    if photos_per_task is not None:
        return max(1, photos_per_task)
    if not isinstance(tasks, Sized):
        return 1
    return max(1, min(largest, len(tasks) // (workers * IN_FLIGHT_PER_WORKER)))


def tasks_in_flight(workers: int, size: int) -> int:
    """Tasks to keep submitted: :data:`IN_FLIGHT_PER_WORKER` photos per worker in tasks of ``size`` photos, and at
    least :data:`MIN_TASKS_PER_WORKER` tasks per worker."""
    return max(1, workers) * max(MIN_TASKS_PER_WORKER, IN_FLIGHT_PER_WORKER // max(1, size))


def crashed_outcome(task: Task) -> Outcome:
    """The failed row of a photo that crashed the worker measuring it, on its own."""
    message = f"{task.label}: the worker process crashed while measuring this photo"
    return Outcome(task.key, failed_row(CRASH_CODE, message), worker="")


class LocalExecutor:
    """A pool of ``workers`` processes (spawned, never forked), each creating its detector once.

    If a photo crashes a worker process (a native fault), the pool is restarted and the photos that were in
    flight are run again one at a time: the one that crashes alone is recorded as failed (``worker_crashed``),
    the others are measured normally.
    """

    def __init__(
        self, options: MeasureOptions, workers: int | None = None, *, photos_per_task: int | None = None
    ) -> None:
        if workers is not None and workers < 1:
            raise FaceNerveError(f"--workers must be at least 1, not {workers}", code="bad_option")
        self.workers = workers or default_workers()
        self.options = options
        self.photos_per_task = photos_per_task
        self._pool: ProcessPoolExecutor | None = None

    def _new_pool(self) -> ProcessPoolExecutor:
        self.close()
        self._pool = ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=init_pool_worker,
            initargs=(self.options,),
        )
        return self._pool

    def run(self, tasks: Iterable[Task]) -> Iterator[Outcome]:
        size = task_size(tasks, self.workers, self.photos_per_task)
        pending = iter(tasks)
        suspects: deque[Task] = deque()
        in_flight: dict[Future[list[Outcome]], tuple[Task, ...]] = {}
        pool = self._new_pool()
        window = tasks_in_flight(self.workers, size)
        exhausted = alone = False
        crashes_in_a_row = 0
        while True:
            if suspects:
                if not in_flight:
                    task = suspects.popleft()
                    in_flight[pool.submit(measure_many, (task,), self.options)] = (task,)
                    alone = True
            else:
                alone = False
                while not exhausted and len(in_flight) < window:
                    fresh = tuple(itertools.islice(pending, size))
                    if not fresh:
                        exhausted = True
                        break
                    in_flight[pool.submit(measure_many, fresh, self.options)] = fresh
            if not in_flight:
                return
            done, _ = wait(in_flight, return_when=FIRST_COMPLETED)
            broken = False
            for future in done:
                chunk = in_flight.pop(future)
                try:
                    outcomes = future.result()
                except BrokenProcessPool:
                    broken = True
                    if not alone:
                        suspects.extend(chunk)
                        continue
                    task = chunk[0]
                    crashes_in_a_row += 1
                    if crashes_in_a_row >= MAX_CRASHES_IN_A_ROW:
                        raise FaceNerveError(
                            f"worker processes crashed on {crashes_in_a_row} photos in a row; "
                            "set FACENERVE_NATIVE_LOGS=1 to see why",
                            code=CRASH_CODE,
                        ) from None
                    outcomes = [crashed_outcome(task)]
                else:
                    crashes_in_a_row = 0
                yield from outcomes
            if broken:
                for chunk in in_flight.values():
                    suspects.extend(chunk)
                in_flight.clear()
                pool = self._new_pool()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


class DaskExecutor:
    """Runs the same tasks on a Dask distributed cluster (``tcp://HOST:8786``).

    Workers read the photos by absolute path, so they must see the same files (a shared file system). Each
    worker thread creates its detector once. A large batch sends up to :data:`DASK_PHOTOS_PER_TASK` photos per
    task: each task costs the client, the scheduler and the worker CPU time. When a task of several photos keeps killing
    workers (Dask's ``KilledWorker``), each of its photos is sent again on its own; a photo that does so alone
    is recorded as failed (``worker_crashed``).
    """

    def __init__(
        self,
        options: MeasureOptions,
        address: str,
        *,
        connect_timeout_s: float = 10.0,
        photos_per_task: int | None = None,
    ) -> None:
        try:
            import distributed
        except ImportError:
            raise FaceNerveError("--cluster needs Dask: pip install 'facenerve[batch]'", code="bad_option") from None
        self.options = options
        self.address = address
        self.photos_per_task = photos_per_task
        try:
            client_class: Any = distributed.Client
            self._client: Any = client_class(address, timeout=f"{connect_timeout_s}s", set_as_default=False)
        except (OSError, TimeoutError, ValueError) as exc:
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise FaceNerveError(
                f"cannot reach the Dask scheduler at {address} ({reason})", code="cluster_unreachable"
            ) from None
        self.workers = max(1, sum(self._client.nthreads().values()))
        #: Photos sent again on their own because the task that held them kept killing workers.
        self.photos_resent = 0
        self._run_token = uuid.uuid4().hex[:12]

    def run(self, tasks: Iterable[Task]) -> Iterator[Outcome]:
        import distributed
        from distributed.scheduler import KilledWorker

        as_completed: Any = distributed.as_completed

        size = task_size(tasks, self.workers, self.photos_per_task, largest=DASK_PHOTOS_PER_TASK)
        pending = iter(tasks)
        window = tasks_in_flight(self.workers, size)
        in_flight: dict[Any, tuple[Task, ...]] = {}

        def submit(chunk: tuple[Task, ...], retry: bool = False) -> Any:
            key = f"facenerve-{self._run_token}-{chunk[0].key}-{len(chunk)}{'-alone' if retry else ''}"
            future = self._client.submit(measure_many, chunk, self.options, pure=False, key=key)
            in_flight[future] = chunk
            return future

        def submit_fresh(count: int) -> list[Any]:
            futures = []
            for _ in range(count):
                chunk = tuple(itertools.islice(pending, size))
                if not chunk:
                    break
                futures.append(submit(chunk))
            return futures

        first = submit_fresh(window)
        if not first:
            return
        finished: Any = as_completed(first, loop=self._client.loop)
        for future in finished:
            chunk = in_flight.pop(future)
            try:
                outcomes: list[Outcome] = future.result()
            except KilledWorker:
                if len(chunk) > 1:  # which photo kills workers is unknown: each goes again on its own
                    for task in chunk:
                        finished.add(submit((task,), retry=True))
                    self.photos_resent += len(chunk)
                    continue
                outcomes = [crashed_outcome(chunk[0])]
            except (CancelledError, OSError, TimeoutError) as exc:  # the scheduler went away
                raise FaceNerveError(
                    f"lost the Dask cluster at {self.address} ({type(exc).__name__}); "
                    "finished photos are kept: run again to resume",
                    code="cluster_lost",
                ) from None
            finally:
                future.release()
            yield from outcomes
            for more in submit_fresh(1):
                finished.add(more)

    def close(self) -> None:
        self._client.close()


def create_executor(options: MeasureOptions, *, workers: int | None = None, cluster: str | None = None) -> Executor:
    """A :class:`DaskExecutor` when ``cluster`` is given, else a :class:`LocalExecutor`."""
    if cluster:
        if workers is not None:
            raise FaceNerveError("--workers applies to local runs; a cluster has its own workers", code="bad_option")
        return DaskExecutor(options, cluster)
    return LocalExecutor(options, workers)
