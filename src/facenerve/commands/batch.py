"""``facenerve batch INPUT --out FILE``: measure a folder or a manifest of photos into one table."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text

from facenerve.console import EXIT_FAILED, PASSES_HELP, err, out, usage_error
from facenerve.errors import FaceNerveError
from facenerve.protocol import Expression

#: Exit status after Ctrl-C (128 + SIGINT), as the rest of the CLI.
EXIT_INTERRUPTED = 130


class _RateColumn(ProgressColumn):
    """Photos per second over the last seconds."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text("— photos/s" if speed is None else f"{speed:.1f} photos/s")


class RichProgress:
    """A progress bar on stderr: done/total, rate, elapsed time and ETA; failures counted as they come."""

    def __init__(self, enabled: bool = True) -> None:
        self._progress = Progress(
            TextColumn("measuring"),
            BarColumn(),
            MofNCompleteColumn(),
            _RateColumn(),
            TimeElapsedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            TextColumn("{task.fields[failed]} failed"),
            console=err,
            disable=not enabled,
        )
        self._task = self._progress.add_task("batch", total=None, failed=0, start=False)
        self._failed = 0

    def start(self, total: int, already_done: int) -> None:
        # The bar counts this run's photos only, so rate and ETA are not skewed by the skipped ones.
        self._progress.update(self._task, total=total - already_done)
        self._progress.start_task(self._task)
        self._progress.start()

    def advance(self, row: Mapping[str, Any]) -> None:
        if row.get("status") != "ok":
            self._failed += 1
        self._progress.update(self._task, advance=1, failed=self._failed)

    def stop(self) -> None:
        self._progress.stop()


def batch(
    source: Annotated[
        Path, typer.Argument(metavar="INPUT", help="A folder (searched recursively) or a manifest .csv.")
    ],
    output: Annotated[Path, typer.Option("--out", "-o", help="Output table: .csv, .parquet or .xlsx.")],
    workers: Annotated[
        int | None, typer.Option(help="Local worker processes (default: all cores).", show_default=False)
    ] = None,
    cluster: Annotated[
        str | None, typer.Option(help="Dask scheduler address, e.g. tcp://HOST:8786 (workers need the same files).")
    ] = None,
    expression: Annotated[
        str, typer.Option(help="Expression for folder photos and empty manifest cells.")
    ] = Expression.REST.value,
    mirrored: Annotated[
        bool, typer.Option("--mirrored", help="Photos are mirrored unless the manifest says otherwise.")
    ] = False,
    iris_mm: Annotated[float | None, typer.Option(help="Iris diameter for the scale, mm.")] = None,
    mm_per_px: Annotated[float | None, typer.Option(help="Known scale in mm per pixel (overrides the iris).")] = None,
    backend: Annotated[str, typer.Option(help="Landmark backend: mediapipe or dlib.")] = "mediapipe",
    predictor: Annotated[Path | None, typer.Option(help="dlib 68-point predictor file (dlib backend).")] = None,
    passes: Annotated[int, typer.Option(help=PASSES_HELP)] = 1,
    journal: Annotated[
        Path | None, typer.Option(help="Journal of finished photos (default: OUT.journal).", show_default=False)
    ] = None,
    restart: Annotated[
        bool, typer.Option("--restart", help="Forget the journal and measure everything again.")
    ] = False,
    progress: Annotated[bool, typer.Option(help="Show the progress bar.")] = True,
) -> None:
    """Measure every photo of a folder or manifest into one table, in parallel, resumable after a crash.

    Exit status: 0 all photos measured, 1 some failed (see the summary and the error columns), 2 bad usage.
    """
    from facenerve.batch.runner import default_journal, execute_batch, measure_options

    try:
        options = measure_options(backend, predictor, iris_mm, mm_per_px, passes)
        report = execute_batch(
            source,
            output,
            options=options,
            expression=expression,
            mirrored=mirrored,
            workers=workers,
            cluster=cluster,
            journal=journal,
            restart=restart,
            progress=RichProgress(enabled=progress),
        )
    except FaceNerveError as exc:
        usage_error(exc.message)
    except KeyboardInterrupt:
        kept = journal or default_journal(output)
        err.print(f"interrupted: finished photos are kept in {kept}; run the same command to resume", markup=False)
        raise typer.Exit(EXIT_INTERRUPTED) from None
    for line in report.summary.lines():
        out.print(line, markup=False)
    out.print(f"wrote {output}", markup=False)
    if report.summary.failed:
        raise typer.Exit(EXIT_FAILED)


def register(app: typer.Typer) -> None:
    """Add the ``batch`` command."""
    app.command()(batch)
