"""Analyse a photo session: collect the photos, measure each, align them to the rest photo, grade."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from facenerve.engine.analyze import analyze_photo, get_detector, parse_expression
from facenerve.engine.assessment import PhotoAssessment
from facenerve.engine.calibrate import DEFAULT_IRIS_MM, Scale, check_iris_mm, manual_scale, session_rest_scale
from facenerve.engine.landmarks import LandmarkDetector
from facenerve.engine.landmarks.base import Side
from facenerve.engine.remeasure import remeasure
from facenerve.errors import FaceNerveError, ImageError
from facenerve.io.images import ImageSource, load_image
from facenerve.protocol import Expression
from facenerve.session.align import MAX_ANCHOR_RESIDUAL_MM, AlignedPhoto, align, rest_geometry
from facenerve.session.assessment import SessionAssessment
from facenerve.session.measures import compute_measures
from facenerve.session.naming import guess_expression, read_manifest
from facenerve.session.side import session_side

#: File name endings taken as photos when a folder is read.
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".bmp", ".tif", ".tiff")


@dataclass(frozen=True)
class SessionPlan:
    """Which photo shows which expression, and the files that could not be placed."""

    photos: dict[Expression, tuple[ImageSource, str]]
    unrecognised: tuple[str, ...] = ()
    duplicates: tuple[str, ...] = ()


def plan_folder(folder: Path, manifest: Path | None = None) -> SessionPlan:
    """Photos of ``folder`` by expression: the manifest's rows first, then names guessed from the other files.

    Raises ``FaceNerveError`` (code ``bad_session``) when ``folder`` is not a folder.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise FaceNerveError(f"{folder}: not a folder of session photos", code="bad_session")
    photos: dict[Expression, tuple[ImageSource, str]] = {}
    duplicates: list[str] = []
    listed: set[Path] = set()
    if manifest is not None:
        for row in read_manifest(manifest, folder):
            listed.add(row.path.resolve())
            if row.expression in photos:
                duplicates.append(f"{row.path.name} ({row.expression.value})")
                continue
            photos[row.expression] = (row.path, str(row.path))
    unrecognised: list[str] = []
    for path in sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")):
        if path.resolve() in listed or path.suffix.lower() not in IMAGE_SUFFIXES:
            continue
        expression = guess_expression(path.name)
        if expression is None:
            unrecognised.append(path.name)
        elif expression in photos:
            duplicates.append(f"{path.name} ({expression.value})")
        else:
            photos[expression] = (path, str(path))
    return SessionPlan(photos, tuple(unrecognised), tuple(duplicates))


def plan_mapping(photos: Mapping[Expression | str, ImageSource]) -> SessionPlan:
    """A plan from an expression → image mapping; unknown expression names raise ``FaceNerveError``."""
    plan: dict[Expression, tuple[ImageSource, str]] = {}
    for key, image in photos.items():
        expression = parse_expression(key)
        if not isinstance(image, str | os.PathLike | bytes | np.ndarray):
            raise FaceNerveError(
                f"{expression.value}: expected a path, encoded bytes or an RGB array, got {type(image).__name__}",
                code="bad_option",
            )
        name = str(image) if isinstance(image, str | Path) else f"<{expression.value}>"
        plan[expression] = (image, name)
    return SessionPlan(plan)


def analyze_session(
    photos: str | Path | Mapping[Expression | str, ImageSource],
    *,
    manifest: str | Path | None = None,
    iris_mm: float = DEFAULT_IRIS_MM,
    mm_per_px: float | None = None,
    mirrored: bool = False,
    backend: str = "mediapipe",
    detector: LandmarkDetector | None = None,
    affected_side: str | None = None,
    landmark_passes: int = 1,
) -> SessionAssessment:
    """Measure a standard photo session and grade it (schema ``facenerve.session/1``, docs/session.md).

    ``photos`` is a folder (expressions guessed from file names; ``manifest``, a ``path,expression`` CSV,
    overrides) or a mapping expression → image (path, encoded bytes or RGB array). ``iris_mm``/``mm_per_px``
    set the rest photo's scale; the other photos take it through the alignment. ``affected_side`` ("left" or
    "right"), when known, replaces the side found from the excursions. ``landmark_passes`` (1–3) as in
    :func:`~facenerve.analyze_photo`; ignored when ``detector`` is given. Photos that fail are listed,
    the rest still scored. Raises ``FaceNerveError`` only for unusable arguments (not a folder or a folder without
    session photos, bad manifest, unknown expression key).
    """
    if affected_side not in (None, "left", "right"):
        raise FaceNerveError(f"affected side must be left or right, got {affected_side!r}", code="bad_option")
    if mm_per_px is not None:
        manual_scale(mm_per_px)  # validates
    check_iris_mm(iris_mm)
    if isinstance(photos, str | Path):
        plan = plan_folder(Path(photos), Path(manifest) if manifest is not None else None)
        source = str(photos)
        if not plan.photos:
            unknown = f" ({len(plan.unrecognised)} with unrecognised names; use a manifest)" * bool(plan.unrecognised)
            raise FaceNerveError(f"{photos}: no photos of the standard expressions found{unknown}", code="bad_session")
    else:
        plan = plan_mapping(photos)
        source = "<mapping>"
    det = detector or get_detector(backend, landmark_passes=landmark_passes)
    # Each photo is decoded once, here: measured from the array, and kept for drawing the contact sheet.
    inputs = {e: _decoded(image, name) for e, (image, name) in plan.photos.items()}
    results: dict[Expression, PhotoAssessment] = {}
    rest: PhotoAssessment | None = None
    if Expression.REST in plan.photos:
        name = plan.photos[Expression.REST][1]
        rest = analyze_photo(
            inputs[Expression.REST], expression=Expression.REST, detector=det, iris_mm=iris_mm, mm_per_px=mm_per_px,
            mirrored=mirrored, name=name,
        )
        results[Expression.REST] = rest
        if not rest.ok:
            rest = None
    aligned: dict[Expression, AlignedPhoto] = {}
    warnings: list[str] = []
    for expression in Expression:
        if expression is Expression.REST or expression not in plan.photos:
            continue
        image, name = inputs[expression], plan.photos[expression][1]
        # Every other photo is measured at the rest photo's scale, carried over through the alignment: eyes shut or
        # narrowed (eye closure, snarl, a big smile) leave no iris to scale by, and one scale keeps photos comparable.
        borrow = rest is not None and rest.scale is not None and mm_per_px is None
        result = analyze_photo(
            image, expression=expression, detector=det, iris_mm=iris_mm,
            mm_per_px=rest.scale.mm_per_px if borrow and rest is not None and rest.scale else mm_per_px,
            mirrored=mirrored, name=name,
        )
        if result.ok and rest is not None:
            fit = align(result, rest)
            aligned[expression] = fit
            if fit.anchor_residual_mm > MAX_ANCHOR_RESIDUAL_MM:
                warnings.append(
                    f"{expression.value}: the alignment anchors (medial canthi, nasion, pupils) disagree with the "
                    f"rest photo's by {fit.anchor_residual_mm:.1f} mm; its excursions are uncertain"
                )
            if borrow:
                result = _rescaled(result, fit.mm_per_px, rest.scale)
        results[expression] = result
    side: Side | None = "left" if affected_side == "left" else "right" if affected_side == "right" else None
    return _graded(source, results, rest, aligned, side, warnings, plan.unrecognised, plan.duplicates, inputs)


def grade_photos(
    photos: Mapping[Expression, PhotoAssessment], *, affected_side: Side | None = None
) -> SessionAssessment:
    """Grade a session from photos already measured (e.g. one with landmarks corrected by hand): align them to
    the rest photo, pool the side, measure excursions and synkinesis, estimate the scales. No detection, no image.
    """
    results = dict(photos)
    rest = results.get(Expression.REST)
    if rest is not None and not rest.ok:
        rest = None
    aligned: dict[Expression, AlignedPhoto] = {}
    warnings: list[str] = []
    for expression, result in results.items():
        if expression is not Expression.REST and result.ok and rest is not None:
            aligned[expression] = fit = align(result, rest)
            if fit.anchor_residual_mm > MAX_ANCHOR_RESIDUAL_MM:
                warnings.append(f"{expression.value}: the alignment anchors (medial canthi, nasion, pupils) disagree "
                                f"with the rest photo's by {fit.anchor_residual_mm:.1f} mm; its excursions are "
                                "uncertain")
    return _graded("<landmarks>", results, rest, aligned, affected_side, warnings, (), (), {})


def _graded(
    source: str, results: dict[Expression, PhotoAssessment], rest: PhotoAssessment | None,
    aligned: dict[Expression, AlignedPhoto], side: Side | None, warnings: list[str],
    unrecognised: tuple[str, ...], duplicates: tuple[str, ...], inputs: dict[Expression, ImageSource],
) -> SessionAssessment:
    rest_geo = rest_geometry(rest) if rest is not None else None
    measures = compute_measures(rest, rest_geo, aligned, side)
    found = session_side(results, measures.dynamics)
    if side is None:  # the pooled call names the side the excursion ratios and grades compare against
        basis = (
            f"all photos pooled: {found.side} (probability {found.confidence:.2f}); "
            "evidence in units of normal asymmetry (docs/metrics.md)"
        )
        measures = compute_measures(rest, rest_geo, aligned, None, decided=(found.side, basis))
    from facenerve.scales.auto import estimate_all  # here: facenerve.scales.auto imports this package's types

    scores = estimate_all(measures)
    if rest is None:
        warnings.append("no usable rest photo: excursions, synkinesis and grades need it")
    return SessionAssessment(
        source=source,
        photos=results,
        unrecognised=unrecognised,
        duplicates=duplicates,
        alignment=aligned,
        measures=measures,
        scores=scores,
        side=found,
        warnings=tuple(warnings),
        inputs=inputs,
    )


def _decoded(image: ImageSource, name: str) -> ImageSource:
    """The photo as an RGB array, or as given when it cannot be decoded (``analyze_photo`` then reports why)."""
    if isinstance(image, np.ndarray):
        return image
    try:
        return load_image(image, name=name).rgb
    except (ImageError, MemoryError):
        return image


def _rescaled(result: PhotoAssessment, mm_per_px: float, rest_scale: Scale | None) -> PhotoAssessment:
    """A photo re-measured at the scale carried over from the rest photo (``scale.source`` ``session_rest``)."""
    assert result.anatomy is not None and result.frame is not None
    note = "scale carried over from the rest photo through the alignment anchors (medial canthi, nasion)"
    again = remeasure(result, result.anatomy, scale=session_rest_scale(mm_per_px, rest_scale), frame=result.frame)
    return replace(again, warnings=(*result.warnings, note))
