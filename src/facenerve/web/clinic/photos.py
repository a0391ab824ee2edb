"""Turn an uploaded photo session into stored images and engine results (the web's only bridge to the engine).

Every photo is validated with :func:`facenerve.io.images.load_image` (format, size, pixel limits), the session is
measured and graded with :func:`facenerve.analyze_session` (``facenerve.session/1``) and each photo drawn with
:mod:`facenerve.engine.draw`. Originals and annotated PNGs go to the content-addressed store; nothing here computes
a clinical figure: the automated grades are the session's own estimates.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

from facenerve.engine.assessment import PhotoAssessment
from facenerve.engine.remeasure import landmarks_document
from facenerve.errors import ImageError
from facenerve.io.images import load_image
from facenerve.protocol import Expression
from facenerve.web.clinic.scrub import stored_original
from facenerve.web.storage import ImageStore


class UploadError(ValueError):
    """The upload cannot be used; the message is one line for the user (answered with a 4xx)."""


@dataclass(frozen=True)
class StoredPhoto:
    """One analysed and stored photo of a session."""

    expression: Expression
    image_sha256: str
    annotated_sha256: str
    width_px: int
    height_px: int
    result: dict[str, Any]
    #: The measuring landmarks (:func:`facenerve.engine.remeasure.landmarks_document`), None when not measured.
    landmarks: dict[str, Any] | None = None

    @property
    def ok(self) -> bool:
        return self.result.get("error") is None


@dataclass(frozen=True)
class AnalysedSession:
    """The stored photos, the summary figures for the assessment row, and per-photo problems."""

    photos: list[StoredPhoto]
    asymmetry_index_mm: float | None
    affected_side: str
    problems: list[str] = field(default_factory=list)
    #: The ``facenerve.session/1`` document without its per-photo part (kept on each photo row).
    engine_result: dict[str, Any] = field(default_factory=dict)
    #: Automated grade estimates for the assessment's summary columns (column → value), when complete.
    automated: dict[str, float | int] = field(default_factory=dict)


#: Automated session grades that fill an assessment's summary columns: (scale, score key, column).
AUTOMATED_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("house_brackmann", "grade_number", "house_brackmann"),
    ("sunnybrook", "composite", "sunnybrook_composite"),
    ("sunnybrook", "synkinesis", "synkinesis_score"),
    ("eface", "total", "eface_total"),
)


def analyse_session(
    files: dict[Expression, tuple[str, bytes]], store: ImageStore, *, landmark_passes: int
) -> AnalysedSession:
    """Validate, measure (with ``landmark_passes``, as :func:`facenerve.analyze_session`), draw and store each
    photo. Raises ``UploadError`` if a file is not a usable image or no photo could be measured."""
    if not files:
        raise UploadError("choose at least one photo")
    decoded = {}
    for expression, (filename, data) in files.items():
        try:
            decoded[expression] = (filename, data, load_image(data, name=filename).rgb)
        except ImageError as exc:
            raise UploadError(f"{expression.value} photo: {exc.message}") from None
    from facenerve.session import analyze_session

    session = analyze_session(
        {expression: rgb for expression, (_, _, rgb) in decoded.items()}, landmark_passes=landmark_passes
    )
    measured: dict[Expression, PhotoAssessment] = {e: session.photos[e] for e in decoded if session.photos[e].ok}
    problems = [f"{e.value} photo: {session.photos[e].error}" for e in decoded if not session.photos[e].ok]
    if not measured:  # refused before anything is stored: no patient photo is kept without its assessment
        raise UploadError("no photo could be measured: " + "; ".join(problems))
    photos: list[StoredPhoto] = []
    for expression, (_, data, rgb) in decoded.items():
        result = session.photos[expression]
        annotated = store.put(annotated_png(rgb, result)) if result.ok else ""
        height, width = rgb.shape[:2]
        # The client's file name (often a name and a birth date) is not kept, nor the file's metadata (GPS, serial).
        doc = {**result.to_dict(), "image": f"{expression.value} photo"}
        landmarks = landmarks_document(result) if result.ok else None
        original = store.put(stored_original(data, rgb))
        photos.append(StoredPhoto(expression, original, annotated, int(width), int(height), doc, landmarks))
    # The session-level figures come from the core (facenerve.session.side): every photo pooled, not one picked.
    pooled = session.side
    side = session.affected_side if session.affected_side in ("left", "right") else ""  # no side is stored as ""
    engine_result = {k: v for k, v in session.to_dict().items() if k != "photos"}
    return AnalysedSession(
        photos=photos,
        asymmetry_index_mm=None if pooled is None or pooled.index_mm is None else round(pooled.index_mm, 2),
        affected_side=side,
        problems=problems + list(session.warnings),
        engine_result=engine_result,
        automated=_automated(engine_result.get("scores") or {}),
    )


def _automated(scores: dict[str, Any]) -> dict[str, float | int]:
    values: dict[str, float | int] = {}
    for scale, key, column in AUTOMATED_COLUMNS:
        value = (scores.get(scale) or {}).get(key)
        if isinstance(value, int | float) and not isinstance(value, bool):
            values[column] = int(value) if column == "house_brackmann" else float(value)
    return values


def annotated_png(rgb: Any, result: PhotoAssessment) -> bytes:
    from facenerve.engine.draw import render_annotation

    buffer = io.BytesIO()
    # Fast zlib level: the default level spends ~0.5 s per picture for a few percent smaller files.
    render_annotation(rgb, result).save(buffer, format="PNG", compress_level=1)
    return buffer.getvalue()
