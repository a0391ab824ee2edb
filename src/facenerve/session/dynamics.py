"""Dynamic measures: each side's excursion from rest, in mm, in the rest photo's frame and scale.

Geometry is per side, mirrored so x is the lateral distance from the midline (outward +) and y the distance below
the rest pupil line (chin-ward +), as in ``facenerve.engine.metrics``. Vertical positions are read at the rest
photo's pupil (or paramedian point) so that a closed eye's unreliable iris does not move the reading point.

* ``brow_elevation_mm`` (brow_raise): rise of the upper brow margin above the pupil [S1, S88];
* ``eye_closure_mm`` (gentle/tight_eye_closure): fall of the lid gap through the pupil, rest gap − residual gap
  [S2, S12];
* ``residual_gap_mm`` (gentle/tight_eye_closure): lid gap left through the pupil (lagophthalmos), ≥ 0 [S2, S12];
* ``commissure_excursion_mm`` (smile_open/closed): length of the commissure's movement [S1, S82, S88];
* ``commissure_direction_deg`` (smile_open/closed): its direction, 0° lateral, 90° straight up [S82];
* ``nasolabial_fold_angle_change_deg`` (smile_open/closed): change of the alar-base→commissure line's angle [S12];
* ``lower_lip_depression_mm`` (lower_teeth): fall of the lower lip's outer margin at the paramedian point [S12];
* ``commissure_medial_mm`` (pucker): medial movement of the commissure [S4];
* ``snarl_elevation_mm`` (snarl): mean rise of the alar base and the upper lip's paramedian outer margin [S4].
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from facenerve.engine.asymmetry import MINIMAL_DETECTABLE_CHANGE_MM as MINIMAL_DETECTABLE_CHANGE_MM
from facenerve.engine.landmarks.base import SIDES, Side
from facenerve.engine.metrics import SideGeometry, nasolabial_fold_angle, paramedian_x, y_at
from facenerve.protocol import Expression

# Movements smaller than MINIMAL_DETECTABLE_CHANGE_MM are not told apart from measurement noise: the test–retest
# minimal detectable change of 3-D smile measures, MDC95 1.3 mm (lower bound of 1.3–1.5) [S91]. One definition, in
# the engine; applying it to 2-D photo measures is a FaceNerve convention (every grade built on it is provisional).
#: Angle changes below this are not used as a ratio's denominator (an engineering floor, not a clinical value).
MIN_ANGLE_CHANGE_DEG = 1.0


def _pupil_x(rest: SideGeometry) -> float:
    return float(rest.pupil[0])


def lid_gap_mm(g: SideGeometry, x_mm: float) -> float:
    """Lower minus upper lid margin at lateral position ``x_mm`` (mm), never below 0."""
    return max(0.0, y_at(g.anatomy.lower_lid, x_mm) - y_at(g.anatomy.upper_lid, x_mm))


def brow_elevation_mm(rest: SideGeometry, expr: SideGeometry) -> float:
    """Rise of the upper brow margin above the rest pupil (mm, + up) [S1, S88]."""
    x = _pupil_x(rest)
    return y_at(rest.anatomy.brow_upper, x) - y_at(expr.anatomy.brow_upper, x)


def eye_closure_mm(rest: SideGeometry, expr: SideGeometry) -> float:
    """Fall of the lid gap through the rest pupil (mm): rest gap − residual gap [S2, S12]."""
    x = _pupil_x(rest)
    return lid_gap_mm(rest, x) - lid_gap_mm(expr, x)


def residual_gap_mm(rest: SideGeometry, expr: SideGeometry) -> float:
    """Lid gap left through the rest pupil (mm): lagophthalmos when the eye should be closed [S2, S12]."""
    return lid_gap_mm(expr, _pupil_x(rest))


def _commissure_shift(rest: SideGeometry, expr: SideGeometry) -> tuple[float, float]:
    """(lateral +, upward +) movement of the commissure, mm."""
    d = expr.anatomy.commissure - rest.anatomy.commissure
    return float(d[0]), float(-d[1])


def commissure_excursion_mm(rest: SideGeometry, expr: SideGeometry) -> float:
    """Length of the commissure's movement from rest (mm) [S1, S82, S88]."""
    lateral, up = _commissure_shift(rest, expr)
    return math.hypot(lateral, up)


def commissure_direction_deg(rest: SideGeometry, expr: SideGeometry) -> float:
    """Direction of the commissure's movement (deg): 0 lateral, 90 straight up, 180 medial, < 0 downward [S82]."""
    lateral, up = _commissure_shift(rest, expr)
    return math.degrees(math.atan2(up, lateral))


def commissure_medial_mm(rest: SideGeometry, expr: SideGeometry) -> float:
    """Medial movement of the commissure (mm, + toward the midline): pucker [S4]."""
    return -_commissure_shift(rest, expr)[0]


def lower_lip_depression_mm(rest: SideGeometry, expr: SideGeometry) -> float:
    """Fall of the lower lip's outer margin at the rest paramedian point (mm, + down) [S12]."""
    x = paramedian_x(rest)
    return y_at(expr.anatomy.lower_lip_outer, x) - y_at(rest.anatomy.lower_lip_outer, x)


def snarl_elevation_mm(rest: SideGeometry, expr: SideGeometry) -> float:
    """Mean rise of the alar base and the upper lip's outer margin at the paramedian point (mm, + up) [S4]."""
    x = paramedian_x(rest)
    lip = y_at(rest.anatomy.upper_lip_outer, x) - y_at(expr.anatomy.upper_lip_outer, x)
    ala = float(rest.anatomy.alar_base[1] - expr.anatomy.alar_base[1])
    return (lip + ala) / 2.0


def nasolabial_fold_angle_change_deg(rest: SideGeometry, expr: SideGeometry) -> float:
    """Change of the alar-base→commissure line's angle to the midline (deg, + more oblique): the landmark proxy
    for the nasolabial fold's orientation with smile (eFACE [S12])."""
    return nasolabial_fold_angle(expr) - nasolabial_fold_angle(rest)


def commissure_movement_mm(rest: SideGeometry, expr: SideGeometry) -> float:
    """Any movement of the commissure from rest (mm); used for oral synkinesis [S91]."""
    return commissure_excursion_mm(rest, expr)


def eye_narrowing_percent(rest: SideGeometry, expr: SideGeometry) -> float | None:
    """Narrowing of the lid gap through the rest pupil, % of the rest gap (ocular synkinesis [S85])."""
    x = _pupil_x(rest)
    gap = lid_gap_mm(rest, x)
    if gap < MINIMAL_DETECTABLE_CHANGE_MM:
        return None
    return 100.0 * (1.0 - lid_gap_mm(expr, x) / gap)


Measure = Callable[[SideGeometry, SideGeometry], float]


@dataclass(frozen=True)
class DynamicSpec:
    """A dynamic measure: its name, the expressions it is taken on, unit, definition, and whether it is the
    expression's excursion (``primary``: used for ratios and grades)."""

    name: str
    expressions: tuple[Expression, ...]
    unit: str
    measure: Measure
    primary: bool
    source: str
    #: False for directions, where a ratio of the sides means nothing.
    has_ratio: bool = True


DYNAMIC_MEASURES: tuple[DynamicSpec, ...] = (
    DynamicSpec("brow_elevation_mm", (Expression.BROW_RAISE,), "mm", brow_elevation_mm, True, "S1, S88"),
    DynamicSpec(
        "eye_closure_mm",
        (Expression.GENTLE_EYE_CLOSURE, Expression.TIGHT_EYE_CLOSURE),
        "mm",
        eye_closure_mm,
        True,
        "S2, S12",
    ),
    DynamicSpec(
        "residual_gap_mm",
        (Expression.GENTLE_EYE_CLOSURE, Expression.TIGHT_EYE_CLOSURE),
        "mm",
        residual_gap_mm,
        False,
        "S2, S12",
    ),
    DynamicSpec(
        "commissure_excursion_mm",
        (Expression.SMILE_OPEN, Expression.SMILE_CLOSED),
        "mm",
        commissure_excursion_mm,
        True,
        "S1, S82, S88",
    ),
    DynamicSpec(
        "commissure_direction_deg",
        (Expression.SMILE_OPEN, Expression.SMILE_CLOSED),
        "deg",
        commissure_direction_deg,
        False,
        "S82",
        has_ratio=False,
    ),
    DynamicSpec(
        "nasolabial_fold_angle_change_deg",
        (Expression.SMILE_OPEN, Expression.SMILE_CLOSED),
        "deg",
        nasolabial_fold_angle_change_deg,
        False,
        "S12",
    ),
    DynamicSpec("lower_lip_depression_mm", (Expression.LOWER_TEETH,), "mm", lower_lip_depression_mm, True, "S12"),
    DynamicSpec("commissure_medial_mm", (Expression.PUCKER,), "mm", commissure_medial_mm, True, "S4"),
    DynamicSpec("snarl_elevation_mm", (Expression.SNARL,), "mm", snarl_elevation_mm, True, "S4"),
)


@dataclass(frozen=True)
class SideValues:
    """A per-side value with the affected/healthy ratio.

    ``ratio`` is the ``compared_side`` value over the ``reference_side`` value: affected over healthy when the
    session found an affected side, otherwise the smaller over the larger. It is None when the reference side
    moved less than the minimal detectable change (1.3 mm [S91]; 1° for angles) or for directions.
    """

    name: str
    expression: str
    unit: str
    left: float
    right: float
    reference_side: Side | None
    ratio: float | None

    def of(self, side: Side) -> float:
        return self.left if side == "left" else self.right

    def to_dict(self) -> dict[str, object]:
        return {
            "left": _r(self.left),
            "right": _r(self.right),
            "unit": self.unit,
            "reference_side": self.reference_side,
            "ratio": _r(self.ratio, 3),
        }


def measure_expression(
    spec: DynamicSpec, rest: dict[Side, SideGeometry], expr: dict[Side, SideGeometry]
) -> dict[Side, float]:
    """Both sides' value of ``spec`` for one expression photo."""
    return {side: float(spec.measure(rest[side], expr[side])) for side in SIDES}


def with_ratio(spec: DynamicSpec, expression: str, values: dict[Side, float], affected: Side | None) -> SideValues:
    """Attach the affected/healthy ratio (see ``SideValues``)."""
    name, unit = spec.name, spec.unit
    if not spec.has_ratio:
        return SideValues(name, expression, unit, values["left"], values["right"], None, None)
    if affected is not None:
        reference: Side = "left" if affected == "right" else "right"
    else:
        reference = "left" if values["left"] >= values["right"] else "right"
    compared: Side = "left" if reference == "right" else "right"
    ref_value = values[reference]
    floor = MIN_ANGLE_CHANGE_DEG if unit == "deg" else MINIMAL_DETECTABLE_CHANGE_MM
    ratio = values[compared] / ref_value if ref_value >= floor else None
    return SideValues(name, expression, unit, values["left"], values["right"], reference, ratio)


def _r(value: float | None, digits: int = 2) -> float | None:
    if value is None or not math.isfinite(value):
        return None
    return round(float(value), digits)


def finite(values: list[float]) -> float:
    """Mean of finite values (nan if none)."""
    arr = np.array([v for v in values if math.isfinite(v)], dtype=float)
    return float(arr.mean()) if arr.size else float("nan")
