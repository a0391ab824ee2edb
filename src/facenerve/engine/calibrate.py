"""Pixel-to-millimetre calibration: from the iris, the rest photo, a value the user gives, or a face proportion.

Default iris (horizontal visible, white-to-white) diameter 11.77 mm: Emotrics' default [S82],
the male mean of Rüfer et al. [S80]. Iris scaling carries about ±3.6 % per-subject error
(0.42 / 11.71 mm, derived from [S80]).

Every scale says where it came from (``source``) and how uncertain it is (``relative_uncertainty``, one
standard deviation as a fraction of the value; ``None`` for a scale the user gave). The sources, best first:

* ``iris``: both open eyes' irises;
* ``iris_one_eye``: one eye is closed or narrowed; the other eye's iris;
* ``session_rest``: neither iris is usable; the rest photo of the same session, carried over through the
  alignment (``facenerve.session``);
* ``manual``: ``--mm-per-px`` (when given it is used as given, before any of the above);
* ``population``: the last resort, when no open iris and no rest photo exist. The clinical reference gives
  no interpupillary or intercanthal norm, only the iris diameter [S80, S81], so this is **not** a published
  norm: it is the ratio of the iris diameter to the distance between the lateral canthi, measured by FaceNerve
  (:data:`IRIS_PER_BIOCULAR_WIDTH`), times the iris diameter. Its spread is carried into the uncertainty.
  The iris model's own diameter is not used here: on closed eyes it reads about 8 % small
  (FaceNerve's exploration, docs/metrics.md).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Literal

import numpy as np

from facenerve.engine.landmarks.base import SIDES, FaceAnatomy, Side
from facenerve.errors import CalibrationError

#: Default iris diameter in mm [S82, S80].
DEFAULT_IRIS_MM = 11.77
#: Warn when the two irises' diameters differ by more than this fraction (issue #2).
IRIS_DISAGREEMENT_FRACTION = 0.10
#: Per-subject spread of the iris diameter, as a fraction: 0.42 / 11.71 mm (derived from [S80]).
IRIS_POPULATION_FRACTION = round(0.42 / 11.71, 4)
#: One iris's measurement error, as a fraction: the median disagreement between the two irises' diameters on
#: 70 open-eye photos and video frames of 12 people (FaceNerve's measurement, MediaPipe; engineering value).
ONE_IRIS_MEASUREMENT_FRACTION = 0.035
#: Iris diameter / distance between the lateral canthi (both in px, frontal face, eyes open): 0.138, SD 0.0074
#: between people (n = 12: the two shipped faces of tests/synth/faces.py, 0.140 and 0.139, and 10 people of the
#: project's exploration set of web photos and phone videos; per-person means of 70 open-eye photos/frames).
#: Measured by FaceNerve with MediaPipe, not a published norm (the clinical reference has none).
IRIS_PER_BIOCULAR_WIDTH = 0.138
IRIS_PER_BIOCULAR_WIDTH_SD = 0.0074
#: The last-resort scale's relative uncertainty: the iris's spread [S80] and the proportion's, combined.
POPULATION_RELATIVE_UNCERTAINTY = round(
    math.hypot(IRIS_POPULATION_FRACTION, IRIS_PER_BIOCULAR_WIDTH_SD / IRIS_PER_BIOCULAR_WIDTH), 4
)
#: Beyond this yaw (deg) the foreshortening correction of the canthal width is not extrapolated.
MAX_CORRECTED_YAW_DEG = 60.0

ScaleSource = Literal["iris", "iris_one_eye", "session_rest", "manual", "population"]


@dataclass(frozen=True)
class Scale:
    """Millimetres per pixel, where the value came from and its relative uncertainty (1 SD; None if unknown)."""

    mm_per_px: float
    source: ScaleSource
    iris_diameter_px: dict[Side, float | None] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()
    relative_uncertainty: float | None = None


def manual_scale(mm_per_px: float) -> Scale:
    """A user-given scale; it must be positive and finite. Its uncertainty is the user's (``None``)."""
    if not (mm_per_px > 0 and mm_per_px < 1e3):
        raise CalibrationError(f"--mm-per-px must be a positive number, got {mm_per_px}", code="bad_option")
    return Scale(mm_per_px=float(mm_per_px), source="manual")


def session_rest_scale(mm_per_px: float, rest: Scale | None) -> Scale:
    """The rest photo's scale carried over to another photo of the same session (``source`` ``session_rest``).

    Keeps the rest photo's uncertainty; the alignment adds little (its anchors are checked by the session).
    """
    checked = manual_scale(mm_per_px)
    return Scale(
        mm_per_px=checked.mm_per_px,
        source="session_rest",
        warnings=(),
        relative_uncertainty=rest.relative_uncertainty if rest is not None else None,
    )


def biocular_scale(anatomy: FaceAnatomy, *, iris_mm: float = DEFAULT_IRIS_MM, yaw_deg: float = 0.0) -> Scale:
    """The last-resort scale from the distance between the lateral canthi (see the module docstring).

    ``yaw_deg`` undoes the distance's foreshortening by a turned head (cos yaw). Raises ``CalibrationError``
    (``no_scale``) only when the canthi coincide (no face to measure).
    """
    check_iris_mm(iris_mm)
    width_px = biocular_width_px(anatomy, yaw_deg)
    if not width_px > 1.0:
        raise CalibrationError("the eye corners coincide, so no scale can be found", code="no_scale")
    uncertainty = POPULATION_RELATIVE_UNCERTAINTY
    warning = (
        f"no open eye shows its iris and no rest photo gives the scale: scale estimated from the width between "
        f"the outer eye corners (a face proportion measured by FaceNerve, not a published norm), "
        f"uncertain by about ±{uncertainty:.0%}; give --mm-per-px or a rest photo for a better one"
    )
    diameters: dict[Side, float | None] = {s: anatomy.side(s).iris_diameter_px for s in SIDES}
    return Scale(
        mm_per_px=biocular_mm_per_px(width_px, iris_mm),
        source="population",
        iris_diameter_px=diameters,
        warnings=(warning,),
        relative_uncertainty=uncertainty,
    )


def biocular_width_px(anatomy: FaceAnatomy, yaw_deg: float = 0.0) -> float:
    """Distance between the lateral canthi (px), divided by cos(yaw) to undo a head turn's foreshortening."""
    width_px = float(np.linalg.norm(anatomy.left.lateral_canthus - anatomy.right.lateral_canthus))
    return width_px / math.cos(math.radians(min(abs(yaw_deg), MAX_CORRECTED_YAW_DEG)))


def biocular_mm_per_px(width_px: float, iris_mm: float = DEFAULT_IRIS_MM) -> float:
    """The last-resort scale from a lateral-canthal width (px): ``iris_mm`` / (``IRIS_PER_BIOCULAR_WIDTH`` × width)."""
    return iris_mm / (IRIS_PER_BIOCULAR_WIDTH * width_px)


def check_iris_mm(iris_mm: float) -> float:
    """``iris_mm`` if it is a plausible iris diameter (0–100 mm); else ``CalibrationError`` (``bad_option``)."""
    if not (iris_mm > 0 and iris_mm < 100):
        raise CalibrationError(f"--iris-mm must be a positive number of millimetres, got {iris_mm}", code="bad_option")
    return float(iris_mm)


def iris_scale(anatomy: FaceAnatomy, *, iris_mm: float = DEFAULT_IRIS_MM, open_eyes: dict[Side, bool]) -> Scale:
    """Scale from the irises of the open eyes; both are used when both are open (``iris``), else the open one
    (``iris_one_eye``).

    Raises ``CalibrationError`` (code ``eyes_closed``) when no open eye shows its iris; :func:`photo_scale`
    then falls back (module docstring).
    """
    check_iris_mm(iris_mm)
    diameters: dict[Side, float | None] = {s: anatomy.side(s).iris_diameter_px for s in SIDES}
    usable = {s: d for s, d in diameters.items() if d and d > 0 and open_eyes.get(s, False)}
    if not usable:
        raise CalibrationError(
            "eyes closed or iris not visible, so the iris cannot give the scale; "
            "give --mm-per-px or use the rest photo's scale",
            code="eyes_closed",
        )
    warnings: list[str] = []
    source: ScaleSource
    if len(usable) == 2:
        right, left = usable["right"], usable["left"]
        disagreement = abs(right - left) / ((right + left) / 2)
        if disagreement > IRIS_DISAGREEMENT_FRACTION:
            warnings.append(
                f"iris diameters disagree by {disagreement:.0%} (right {right:.1f} px, left {left:.1f} px); "
                "the scale may be off (head turn or iris detection)"
            )
        # The mean of two irises: each off by about half their disagreement.
        source, measurement = "iris", disagreement / 2
    else:
        (only,) = usable
        warnings.append(f"scale from the {only} iris only (the other eye is closed or its iris is not visible)")
        source, measurement = "iris_one_eye", ONE_IRIS_MEASUREMENT_FRACTION
    mean_px = sum(usable.values()) / len(usable)
    return Scale(
        mm_per_px=iris_mm / mean_px,
        source=source,
        iris_diameter_px=diameters,
        warnings=tuple(warnings),
        relative_uncertainty=round(math.hypot(IRIS_POPULATION_FRACTION, measurement), 4),
    )


def photo_scale(
    anatomy: FaceAnatomy,
    *,
    open_eyes: dict[Side, bool],
    iris_mm: float = DEFAULT_IRIS_MM,
    mm_per_px: float | None = None,
    fallback: Scale | None = None,
    yaw_deg: float = 0.0,
) -> Scale:
    """One photo's scale by the rules of the module docstring: ``mm_per_px`` when given, else the irises, else
    ``fallback`` (the session's rest-photo scale, when there is one), else the face proportion.
    """
    if mm_per_px is not None:
        return manual_scale(mm_per_px)
    try:
        return iris_scale(anatomy, iris_mm=iris_mm, open_eyes=open_eyes)
    except CalibrationError as exc:
        if exc.code != "eyes_closed":
            raise
    if fallback is not None:
        note = "no open eye shows its iris: scale taken from the rest photo of the same session"
        return replace(session_rest_scale(fallback.mm_per_px, fallback), warnings=(note,))
    return biocular_scale(anatomy, iris_mm=iris_mm, yaw_deg=yaw_deg)
