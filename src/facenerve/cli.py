"""The ``facenerve`` command line: thin wrappers over the Python API.

Exit status: 0 all images measured; 1 at least one image failed; 2 bad usage.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import numpy as np
import typer
from rich.table import Table

from facenerve.commands import register_all
from facenerve.console import EXIT_FAILED, PASSES_HELP, err, out, usage_error
from facenerve.engine.analyze import analyze_photo, get_detector, parse_expression
from facenerve.engine.assessment import PhotoAssessment
from facenerve.engine.calibrate import DEFAULT_IRIS_MM
from facenerve.errors import FaceNerveError, ImageError
from facenerve.io.images import load_image
from facenerve.protocol import Expression

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="FaceNerve: objective facial palsy measurement from photos.",
)

@app.callback()
def _root() -> None:
    """FaceNerve: objective facial palsy measurement from photos."""


@app.command()
def analyze(
    images: Annotated[list[Path], typer.Argument(help="Face photos (JPEG, PNG, WEBP, BMP, TIFF).", show_default=False)],
    expression: Annotated[
        str, typer.Option(help=f"Expression shown: {', '.join(e.value for e in Expression)}.")
    ] = "rest",
    json_lines: Annotated[
        bool, typer.Option("--json", help="Print one facenerve.photo/1 JSON object per line.")
    ] = False,
    annotate: Annotated[Path | None, typer.Option(help="Write annotated PNGs into this folder.")] = None,
    iris_mm: Annotated[
        float | None, typer.Option(help=f"Iris diameter for the scale, mm (default {DEFAULT_IRIS_MM}).")
    ] = None,
    mm_per_px: Annotated[float | None, typer.Option(help="Known scale in mm per pixel (overrides the iris).")] = None,
    mirrored: Annotated[bool, typer.Option(help="The photos are mirrored (front-camera selfies).")] = False,
    backend: Annotated[str, typer.Option(help="Landmark backend: mediapipe or dlib.")] = "mediapipe",
    predictor: Annotated[Path | None, typer.Option(help="dlib 68-point predictor file (dlib backend).")] = None,
    passes: Annotated[int, typer.Option(help=PASSES_HELP)] = 1,
) -> None:
    """Measure each side of the face in millimetres and find the affected side."""
    if iris_mm is not None and mm_per_px is not None:
        usage_error("give either --iris-mm or --mm-per-px, not both")
    try:
        expr = parse_expression(expression)
        detector = get_detector(backend, predictor, landmark_passes=passes)
    except FaceNerveError as exc:
        usage_error(exc.message)
    if annotate is not None:
        try:  # a folder that cannot be made is a usage error up front, not a warning per photo and exit 0
            annotate.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            usage_error(f"--annotate {annotate}: cannot create the folder ({exc.strerror})")
    failed = 0
    for path in images:
        rgb = _decode_for_drawing(path) if annotate is not None else None
        result = analyze_photo(
            path if rgb is None else rgb,
            name=str(path),
            expression=expr,
            detector=detector,
            iris_mm=iris_mm if iris_mm is not None else DEFAULT_IRIS_MM,
            mm_per_px=mm_per_px,
            mirrored=mirrored,
        )
        if result.ok and rgb is not None and annotate is not None:
            result = _annotate(path, rgb, result, annotate)
        if json_lines:
            out.print(result.to_json(), markup=False)
        if not result.ok:
            failed += 1
            err.print(f"error: {result.error}", markup=False)
        elif not json_lines:
            _print_table(result)
    if failed:
        raise typer.Exit(EXIT_FAILED)


def _decode_for_drawing(path: Path) -> np.ndarray | None:
    """The decoded photo, kept for drawing so it is decoded once; None if unreadable (analyze says why)."""
    try:
        return load_image(path).rgb
    except ImageError:
        return None


def _annotate(path: Path, rgb: np.ndarray, result: PhotoAssessment, folder: Path) -> PhotoAssessment:
    from dataclasses import replace

    from facenerve.engine.draw import save_annotation

    target = folder / f"{path.stem}.annotated.png"
    try:
        save_annotation(rgb, result, target)
    except OSError as exc:
        return replace(result, warnings=(*result.warnings, f"could not write {target}: {exc.strerror}"))
    return result


def _print_table(result: PhotoAssessment) -> None:
    a = result.asymmetry
    title = f"{result.image} · {result.expression}"
    if a is not None:
        title += (
            f" · affected side: {a.affected_side} (confidence {a.confidence:.2f}) · asymmetry index {a.index:.2f} mm"
        )
    table = Table(title=title, title_justify="left")
    for column in ("measure", "unit", "right", "left", "left − right", "% of reference"):
        table.add_column(column, justify="left" if column == "measure" else "right")
    for name, m in result.metrics.items():
        table.add_row(
            name,
            m.unit,
            _fmt(m.right),
            _fmt(m.left),
            _fmt(m.difference),
            "—" if m.percent_of_reference is None else f"{m.percent_of_reference:.0f}% of {m.reference_side}",
        )
    out.print(table)
    if result.lip_midpoint_deviation_mm is not None:
        out.print(
            f"lip midpoint: {result.lip_midpoint_deviation_mm:+.2f} mm from the facial midline (+ = patient's left)"
        )
    if result.scale is not None:
        out.print(f"scale: {result.scale.mm_per_px:.4f} mm/px from {result.scale.source}")
    for warning in result.warnings:
        out.print(f"warning: {warning}", markup=False)


def _fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def _route_native_logs_away() -> None:
    """Send fd 2 (where MediaPipe's C++ side logs) to /dev/null; Python's stderr keeps the terminal.

    Set FACENERVE_NATIVE_LOGS=1 to keep the native logs.
    """
    if os.environ.get("FACENERVE_NATIVE_LOGS") == "1":
        return
    try:
        sys.stderr.flush()
        python_stderr = os.fdopen(os.dup(2), "w", buffering=1, encoding=sys.stderr.encoding, errors="replace")
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        return
    sys.stderr = python_stderr


register_all(app)


def main() -> None:
    """Entry point: run the app, turning any unexpected failure into one line and status 1."""
    _route_native_logs_away()
    try:
        app()
    except KeyboardInterrupt:
        err.print("interrupted")
        sys.exit(130)
    except FaceNerveError as exc:
        err.print(f"error: {exc.message}", markup=False)
        sys.exit(EXIT_FAILED)
