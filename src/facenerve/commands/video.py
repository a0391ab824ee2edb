"""``facenerve video FILE``: movement, blinks, twitches, synkinesis and exercise repetitions from a face video.

Exit status: 0 analysed; 1 the video could not be analysed (one line on stderr says why); 2 bad usage.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from facenerve.console import EXIT_FAILED, err, out, usage_error
from facenerve.engine.calibrate import DEFAULT_IRIS_MM
from facenerve.errors import FaceNerveError
from facenerve.protocol import Expression

#: Declared lengths above this show a progress bar, s.
PROGRESS_MIN_S = 15.0


def register(app: typer.Typer) -> None:
    app.command(name="video")(video)


def video(
    file: Annotated[Path, typer.Argument(help="Face video (MP4, MOV, AVI, WebM, ...).", show_default=False)],
    protocol: Annotated[
        str | None,
        typer.Option(help="Expressions in recorded order, comma-separated, e.g. rest,smile_closed,brow_raise."),
    ] = None,
    exercise: Annotated[
        str | None,
        typer.Option(help=f"Exercise to count: {', '.join(e.value for e in Expression if e.value != 'rest')}."),
    ] = None,
    reps: Annotated[
        bool, typer.Option("--reps", help="Count the --exercise repetitions (on by default with it).")
    ] = False,
    json_out: Annotated[bool, typer.Option("--json", help="Print the facenerve.video/1 JSON document.")] = False,
    csv_path: Annotated[Path | None, typer.Option("--csv", help="Write the per-frame time series as CSV.")] = None,
    plot: Annotated[Path | None, typer.Option(help="Write a PNG plot of both sides' curves.")] = None,
    annotate: Annotated[Path | None, typer.Option(help="Write an MP4 with the tracked contours drawn.")] = None,
    mirrored: Annotated[bool, typer.Option(help="The video is mirrored (front-camera selfie).")] = False,
    hemiface: Annotated[
        bool,
        typer.Option(
            "--hemiface/--whole-face",
            help="Measure each side on a mirror composite of its half: truer one-sided values (the whole-face mesh "
            "lets a weak side read too strong), but a full eye closure moves that side's mouth corner ~1.3 mm.",
        ),
    ] = False,
    affected_side: Annotated[str | None, typer.Option(help="The affected side if known: left or right.")] = None,
    iris_mm: Annotated[float, typer.Option(help="Iris diameter for the scale, mm.")] = DEFAULT_IRIS_MM,
    mm_per_px: Annotated[float | None, typer.Option(help="Known scale in mm per pixel (overrides the iris).")] = None,
) -> None:
    """Analyse a face video: movement per side, blinks, twitches, synkinesis and exercise repetitions."""
    from facenerve.video.analyze import analyze_video, parse_exercise, parse_protocol

    if reps and exercise is None:
        usage_error("--reps needs --exercise NAME (the exercise to count)")
    if affected_side not in (None, "left", "right"):
        usage_error(f"--affected-side must be left or right, got {affected_side!r}")
    for target in (csv_path, plot, annotate):
        if target is not None and not target.parent.exists():
            usage_error(f"cannot write {target}: folder {target.parent} does not exist")
    try:
        parse_protocol(protocol)
        parse_exercise(_exercise_name(exercise))
    except FaceNerveError as exc:
        usage_error(exc.message)
    annotator: Any = None
    try:
        with _Progress(file) as progress:
            if annotate is not None:
                from facenerve.video.annotate import Annotator

                annotator = Annotator(annotate)
            result = analyze_video(
                file,
                protocol=protocol,
                exercise=_exercise_name(exercise),
                affected_side=affected_side,  # type: ignore[arg-type]
                mirrored=mirrored,
                hemiface=hemiface,
                iris_mm=iris_mm,
                mm_per_px=mm_per_px,
                progress=progress.update,
                frame_hook=annotator.add if annotator is not None else None,
            )
        if annotator is not None:
            annotator.close()
        if csv_path is not None:
            from facenerve.video.export import write_csv

            write_csv(result, csv_path)
        if plot is not None:
            from facenerve.video.export import write_plot

            write_plot(result, plot)
    except FaceNerveError as exc:
        if annotator is not None:
            annotator.close()
        message = exc.message if exc.message.startswith(str(file)) else f"{file}: {exc.message}"
        err.print(f"error: {message}", markup=False)
        raise typer.Exit(EXIT_FAILED) from None
    except MemoryError:
        err.print(f"error: {file}: out of memory while analysing the video", markup=False)
        raise typer.Exit(EXIT_FAILED) from None
    if json_out:
        out.print(result.to_json(), markup=False)
    else:
        _print_summary(result.to_dict())


def _exercise_name(name: str | None) -> str | None:
    """``smile`` is short for ``smile_closed``."""
    return "smile_closed" if name == "smile" else name


class _Progress:
    """A rich progress bar on stderr for long videos (by declared length); silent otherwise."""

    def __init__(self, file: Path) -> None:
        self._file = file
        self._bar: Any = None
        self._task: Any = None

    def __enter__(self) -> _Progress:
        return self

    def update(self, time_s: float, total_s: float | None) -> None:
        if self._bar is None:
            if total_s is None or total_s < PROGRESS_MIN_S or not err.is_terminal:
                return
            from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

            self._bar = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                TextColumn("{task.percentage:>3.0f}%"),
                TimeRemainingColumn(),
                console=err,
                transient=True,
            )
            self._bar.start()
            self._task = self._bar.add_task(f"analysing {self._file.name}", total=total_s)
        self._bar.update(self._task, completed=min(time_s, total_s or time_s))

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()


def _print_summary(d: dict[str, Any]) -> None:
    frames = d["frames"]
    affected = d["affected_side"]
    out.print(
        f"{d['video']} · {frames['duration_s']:.1f} s · {frames['decoded']} frames "
        f"({frames['with_face']} with a face) · "
        f"scale {d['scale']['mm_per_px']:.4f} mm/px from {d['scale']['source']} · affected side: "
        f"{affected['side'] or 'none'} ({affected['source']})"
    )
    table = Table(title="movement segments", title_justify="left")
    for col in (
        "#",
        "expression",
        "from–to s",
        "right mm",
        "left mm",
        "ratio",
        "onset lag s",
        "right mm/s",
        "left mm/s",
    ):
        table.add_column(col, justify="left" if col == "expression" else "right")
    for s in d["segments"]:
        label = s["expression"] + ("" if s["label_source"] == "protocol" else " (guess)")
        table.add_row(
            str(s["index"]),
            label,
            f"{s['start_s']:.2f}–{s['end_s']:.2f}",
            _f(s["right"]["excursion_mm"]),
            _f(s["left"]["excursion_mm"]),
            _f(s["ratio"]),
            _f(s["onset_lag_s"]),
            _f(s["right"]["peak_velocity_mm_s"], 0),
            _f(s["left"]["peak_velocity_mm_s"], 0),
        )
    out.print(table)
    b = d["blinks"]
    out.print(
        f"blinks: {b['count']} · per min right {_f(b['rate_per_min']['right'], 1)}, "
        f"left {_f(b['rate_per_min']['left'], 1)} · "
        f"completeness right {_f(b['mean_completeness']['right'])}, left {_f(b['mean_completeness']['left'])} · "
        f"incomplete right {b['incomplete']['right']}, left {b['incomplete']['left']}"
    )
    tw = d["twitches"]
    out.print(
        f"twitches: {tw['count']} · per min right {_f(tw['per_min']['right'], 1)}, left {_f(tw['per_min']['left'], 1)}"
    )
    for e in tw["events"]:
        out.print(
            f"  {e['time_s']:.2f} s {e['side']} {e['region']}: {e['amplitude_mm']:.1f} mm, "
            f"{e['duration_s'] * 1000:.0f} ms"
        )
    for m in d["synkinesis"]["measures"]:
        out.print(
            f"synkinesis ({m['kind']}, segment {m['segment']} {m['expression']}, provisional): right {_f(m['right'])} "
            f"{m['unit']}, left {_f(m['left'])} {m['unit']}, index {_f(m['index'])}"
        )
    if d["exercise"] is not None:
        ex = d["exercise"]
        out.print(f"exercise {ex['expression']}: {ex['repetitions']} repetitions")
        for r in ex["reps"]:
            out.print(
                f"  #{r['number']} at {r['peak_s']:.2f} s: right {_f(r['range_mm']['right'])} mm, "
                f"left {_f(r['range_mm']['left'])} mm, symmetry {_f(r['symmetry'])}"
            )
    for warning in d["warnings"]:
        out.print(f"warning: {warning}", markup=False)


def _f(value: float | None, digits: int = 2) -> str:
    return "—" if value is None else f"{value:.{digits}f}"
