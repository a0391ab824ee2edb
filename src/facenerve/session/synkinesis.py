"""Synkinesis measures: movement, on expressions that should not produce it, of the affected side against the
healthy side.

* **ocular-oral**: eye narrowing (% of the rest lid gap through the pupil) during mouth expressions (smile, pucker,
  snarl, lower teeth). Normal narrowing during smile is 21.6 ± 13.4 %, synkinetic 32.7 ± 13.7 % [S85].
* **oral-ocular**: commissure movement (mm) during eye expressions (gentle and tight eye closure, brow raise),
  judged against the minimal detectable change MDC95 1.3 mm [S91].

``excess`` is affected − healthy when the session found an affected side; otherwise the absolute left − right
difference (either side may be the synkinetic one).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from facenerve.engine.landmarks.base import SIDES, Side
from facenerve.engine.metrics import SideGeometry
from facenerve.protocol import Expression
from facenerve.session.dynamics import commissure_movement_mm, eye_narrowing_percent

OCULAR_ORAL_EXPRESSIONS = (Expression.SMILE_OPEN, Expression.SMILE_CLOSED, Expression.PUCKER, Expression.SNARL,
                           Expression.LOWER_TEETH)
ORAL_OCULAR_EXPRESSIONS = (Expression.GENTLE_EYE_CLOSURE, Expression.TIGHT_EYE_CLOSURE, Expression.BROW_RAISE)


@dataclass(frozen=True)
class SynkinesisValue:
    """One synkinesis reading on one expression: per-side value and the affected-minus-healthy excess."""

    kind: str  # "ocular_oral" | "oral_ocular"
    expression: str
    unit: str  # "%" | "mm"
    left: float
    right: float
    excess: float
    affected_side: Side | None

    def to_dict(self) -> dict[str, object]:
        return {
            "left": round(self.left, 2),
            "right": round(self.right, 2),
            "unit": self.unit,
            "excess": round(self.excess, 2),
            "excess_of": self.affected_side or "either side",
        }


def _excess(values: dict[Side, float], affected: Side | None) -> float:
    if affected is None:
        return abs(values["left"] - values["right"])
    healthy: Side = "left" if affected == "right" else "right"
    return values[affected] - values[healthy]


def ocular_oral(
    expression: Expression, rest: dict[Side, SideGeometry], expr: dict[Side, SideGeometry], affected: Side | None
) -> SynkinesisValue | None:
    """Eye narrowing (%) during a mouth expression [S85]; None when a rest lid gap is too small to divide by."""
    values: dict[Side, float] = {}
    for side in SIDES:
        narrowing = eye_narrowing_percent(rest[side], expr[side])
        if narrowing is None or not math.isfinite(narrowing):
            return None
        values[side] = narrowing
    return SynkinesisValue(
        "ocular_oral", expression.value, "%", values["left"], values["right"], _excess(values, affected), affected
    )


def oral_ocular(
    expression: Expression, rest: dict[Side, SideGeometry], expr: dict[Side, SideGeometry], affected: Side | None
) -> SynkinesisValue:
    """Commissure movement (mm) during an eye expression [S91]."""
    values = {side: commissure_movement_mm(rest[side], expr[side]) for side in SIDES}
    return SynkinesisValue(
        "oral_ocular", expression.value, "mm", values["left"], values["right"], _excess(values, affected), affected
    )
