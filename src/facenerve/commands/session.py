"""``facenerve session PATH``: measure and grade a standard photo session (a folder of expression photos).

Exit status: 0 every photo measured; 1 a photo failed or there is no usable rest photo (the rest is still
reported); 2 bad usage (not a folder, bad manifest, conflicting options).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from facenerve.console import EXIT_FAILED, PASSES_HELP, err, out, usage_error
from facenerve.engine.calibrate import DEFAULT_IRIS_MM
from facenerve.errors import FaceNerveError

if TYPE_CHECKING:
    from facenerve.session.assessment import SessionAssessment


def register(app: typer.Typer) -> None:
    app.command(name="session")(session)


def session(
    path: Annotated[Path, typer.Argument(help="Folder of the session's photos.", show_default=False)],
    manifest: Annotated[
        Path | None, typer.Option(help="CSV with columns path,expression; overrides the names' guesses.")
    ] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print the facenerve.session/1 JSON document.")] = False,
    sheet: Annotated[Path | None, typer.Option(help="Write the contact-sheet PNG here.")] = None,
    mirrored: Annotated[bool, typer.Option(help="The photos are mirrored (front-camera selfies).")] = False,
    iris_mm: Annotated[
        float | None, typer.Option(help=f"Iris diameter for the rest photo's scale, mm (default {DEFAULT_IRIS_MM}).")
    ] = None,
    mm_per_px: Annotated[float | None, typer.Option(help="Known scale of the rest photo in mm per pixel.")] = None,
    backend: Annotated[str, typer.Option(help="Landmark backend: mediapipe or dlib.")] = "mediapipe",
    affected_side: Annotated[
        str | None, typer.Option(help="The affected side if known: left or right (else found from the photos).")
    ] = None,
    passes: Annotated[int, typer.Option(help=PASSES_HELP)] = 1,
) -> None:
    """Measure each expression against rest, find synkinesis, and estimate eFACE, Sunnybrook and House–Brackmann."""
    from facenerve.engine.analyze import get_detector
    from facenerve.session import analyze_session

    if iris_mm is not None and mm_per_px is not None:
        usage_error("give either --iris-mm or --mm-per-px, not both")
    if affected_side not in (None, "left", "right"):
        usage_error(f"--affected-side must be left or right, got {affected_side!r}")
    if not path.is_dir():
        usage_error(f"{path}: not a folder of session photos")
    if manifest is not None and not manifest.is_file():
        usage_error(f"manifest {manifest} not found")
    if sheet is not None and not sheet.parent.exists():
        usage_error(f"cannot write {sheet}: folder {sheet.parent} does not exist")
    try:
        detector = get_detector(backend, landmark_passes=passes)  # validates passes against the backend
        result = analyze_session(
            path,
            manifest=manifest,
            iris_mm=iris_mm if iris_mm is not None else DEFAULT_IRIS_MM,
            mm_per_px=mm_per_px,
            mirrored=mirrored,
            detector=detector,
            affected_side=affected_side,
        )
    except FaceNerveError as exc:
        usage_error(exc.message)
    if sheet is not None:
        from facenerve.session.sheet import save_sheet

        try:
            save_sheet(result, sheet)
        except OSError as exc:
            err.print(f"error: could not write {sheet}: {exc.strerror}", markup=False)
            raise typer.Exit(EXIT_FAILED) from None
    if json_out:
        out.print(result.to_json(), markup=False)
    else:
        _print(result)
    for name in result.unrecognised:
        err.print(f"warning: {name}: expression not recognised from the file name (use --manifest)", markup=False)
    for name in result.duplicates:
        err.print(f"warning: {name}: a second photo of the same expression; ignored", markup=False)
    for photo in result.failed.values():
        err.print(f"error: {photo.error}", markup=False)
    if result.failed or result.measures.rest is None:
        if result.measures.rest is None:
            err.print("error: no usable rest photo: excursions and grades need it", markup=False)
        raise typer.Exit(EXIT_FAILED)


def _print(result: SessionAssessment) -> None:
    m = result.measures
    out.print(f"session {result.source} · affected side: {m.affected_side} ({m.affected_side_basis})")
    table = Table(title="excursion from rest", title_justify="left", show_edge=False)
    for column in ("expression", "measure", "unit", "right", "left", "ratio"):
        table.add_column(column, justify="left" if column in ("expression", "measure") else "right")
    for expression, values in m.dynamics.items():
        for name, v in values.items():
            ratio = "—" if v.ratio is None else f"{v.ratio:.2f}"
            table.add_row(expression.value, name, v.unit, f"{v.right:.2f}", f"{v.left:.2f}", ratio)
    if m.dynamics:
        out.print(table)
    if m.synkinesis:
        syn = Table(title="synkinesis (excess of the affected side)", title_justify="left")
        for column in ("kind", "expression", "unit", "right", "left", "excess"):
            syn.add_column(column, justify="left" if column in ("kind", "expression") else "right")
        for s in m.synkinesis:
            syn.add_row(s.kind, s.expression, s.unit, f"{s.right:.1f}", f"{s.left:.1f}", f"{s.excess:.1f}")
        out.print(syn)
    for name, score in result.scores.items():
        value = score.scores.get(score.headline, "not computed")
        flag = (" (partial)" if score.scores.get("partial") else "") + (" (provisional)" if score.provisional else "")
        out.print(f"{name}: {score.headline} {value}{flag}", markup=False)
        if score.missing:
            out.print(f"  not estimated: {', '.join(score.missing)}", markup=False)
    if result.missing:
        out.print(f"missing photos: {', '.join(e.value for e in result.missing)}", markup=False)
    for warning in result.warnings:
        out.print(f"warning: {warning}", markup=False)
