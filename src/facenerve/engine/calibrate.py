"""Pixel-to-millimetre calibration from the iris, or from a value the user gives.

Default iris (horizontal visible, white-to-white) diameter 11.77 mm: Emotrics' default [S82],
the male mean of Rüfer et al. [S80]. Iris scaling carries about ±3.6 % per-subject error
(0.42 / 11.71 mm, derived from [S80]).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from facenerve.engine.landmarks.base import SIDES, FaceAnatomy, Side
from facenerve.errors import CalibrationError

#: Default iris diameter in mm [S82, S80].
DEFAULT_IRIS_MM = 11.77
#: Warn when the two irises' diameters differ by more than this fraction (issue #2).
IRIS_DISAGREEMENT_FRACTION = 0.10


@dataclass(frozen=True)
class Scale:
    """Millimetres per pixel and where the value came from."""

    mm_per_px: float
    source: Literal["iris", "manual"]
    iris_diameter_px: dict[Side, float | None] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()


def manual_scale(mm_per_px: float) -> Scale:
    """A user-given scale; it must be positive and finite."""
    if not (mm_per_px > 0 and mm_per_px < 1e3):
        raise CalibrationError(f"--mm-per-px must be a positive number, got {mm_per_px}", code="bad_option")
    return Scale(mm_per_px=float(mm_per_px), source="manual")


def check_iris_mm(iris_mm: float) -> float:
    """``iris_mm`` if it is a plausible iris diameter (0–100 mm); else ``CalibrationError`` (``bad_option``)."""
    if not (iris_mm > 0 and iris_mm < 100):
        raise CalibrationError(f"--iris-mm must be a positive number of millimetres, got {iris_mm}", code="bad_option")
    return float(iris_mm)


def iris_scale(anatomy: FaceAnatomy, *, iris_mm: float = DEFAULT_IRIS_MM, open_eyes: dict[Side, bool]) -> Scale:
    """Scale from the irises of the open eyes; both are used when both are open.

    Raises ``CalibrationError`` (code ``eyes_closed``) when no open eye shows its iris.
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
    if len(usable) == 2:
        right, left = usable["right"], usable["left"]
        disagreement = abs(right - left) / ((right + left) / 2)
        if disagreement > IRIS_DISAGREEMENT_FRACTION:
            warnings.append(
                f"iris diameters disagree by {disagreement:.0%} (right {right:.1f} px, left {left:.1f} px); "
                "the scale may be off (head turn or iris detection)"
            )
    else:
        (only,) = usable
        warnings.append(f"scale from the {only} iris only (the other eye is closed or its iris is not visible)")
    mean_px = sum(usable.values()) / len(usable)
    return Scale(mm_per_px=iris_mm / mean_px, source="iris", iris_diameter_px=diameters, warnings=tuple(warnings))
