"""All session measures in one place: rest metrics, dynamic excursions, synkinesis, and the affected side.

The affected side is the side that moves less: for each expression's excursion where either side moved beyond
the minimal detectable change (1.3 mm [S91]), the relative deficit (right − left) / larger side is taken; their
mean beyond the normal dynamic asymmetry of 9 % (symmetry index 91–93 % [S90]) names the side. Without dynamic
photos the rest photo's call is used.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from facenerve.engine.assessment import PhotoAssessment
from facenerve.engine.landmarks.base import Side
from facenerve.engine.metrics import SideGeometry
from facenerve.protocol import Expression
from facenerve.session.align import AlignedPhoto
from facenerve.session.dynamics import (
    DYNAMIC_MEASURES,
    MINIMAL_DETECTABLE_CHANGE_MM,
    SideValues,
    measure_expression,
    with_ratio,
)
from facenerve.session.synkinesis import (
    OCULAR_ORAL_EXPRESSIONS,
    ORAL_OCULAR_EXPRESSIONS,
    SynkinesisValue,
    ocular_oral,
    oral_ocular,
)

AffectedSide = Literal["left", "right", "none"]

#: Normal dynamic asymmetry: symmetry index 91–93 %, i.e. up to 9 % difference between sides [S90].
NORMAL_DYNAMIC_ASYMMETRY = 0.09


@dataclass(frozen=True)
class SessionMeasures:
    """What the automated grades are computed from."""

    rest: PhotoAssessment | None
    rest_geometry: dict[Side, SideGeometry] | None
    affected_side: AffectedSide
    affected_side_basis: str
    mean_relative_deficit: float | None  # + : the patient's left moves less
    dynamics: dict[Expression, dict[str, SideValues]] = field(default_factory=dict)
    synkinesis: tuple[SynkinesisValue, ...] = ()

    @property
    def affected(self) -> Side | None:
        return None if self.affected_side == "none" else self.affected_side

    def primary(self, expression: Expression) -> SideValues | None:
        """The expression's excursion measure (the one ratios and grades use), if measured."""
        values = self.dynamics.get(expression, {})
        for spec in DYNAMIC_MEASURES:
            if spec.primary and expression in spec.expressions and spec.name in values:
                return values[spec.name]
        return None

    def value(self, expression: Expression, name: str) -> SideValues | None:
        return self.dynamics.get(expression, {}).get(name)

    def synkinesis_on(self, expression: Expression) -> SynkinesisValue | None:
        for value in self.synkinesis:
            if value.expression == expression.value:
                return value
        return None


def _raw_dynamics(
    rest: dict[Side, SideGeometry], aligned: dict[Expression, AlignedPhoto]
) -> dict[Expression, dict[str, dict[Side, float]]]:
    raw: dict[Expression, dict[str, dict[Side, float]]] = {}
    for expression, photo in aligned.items():
        for spec in DYNAMIC_MEASURES:
            if expression in spec.expressions:
                raw.setdefault(expression, {})[spec.name] = measure_expression(spec, rest, photo.geometry)
    return raw


def _affected_from_dynamics(raw: dict[Expression, dict[str, dict[Side, float]]]) -> float | None:
    primaries = {s.name for s in DYNAMIC_MEASURES if s.primary}
    deficits = []
    for values in raw.values():
        for name, sides in values.items():
            larger = max(sides["left"], sides["right"])
            if name in primaries and larger >= MINIMAL_DETECTABLE_CHANGE_MM:
                deficits.append((sides["right"] - sides["left"]) / larger)
    return sum(deficits) / len(deficits) if deficits else None


def compute_measures(
    rest: PhotoAssessment | None,
    rest_geometry: dict[Side, SideGeometry] | None,
    aligned: dict[Expression, AlignedPhoto],
    affected_side: Side | None = None,
    decided: tuple[AffectedSide, str] | None = None,
) -> SessionMeasures:
    """Dynamic and synkinesis measures of the aligned photos against the rest photo.

    ``affected_side``, when the clinician knows it, replaces the side found from the excursions (module docstring).
    ``decided`` (side, basis), the session's pooled call (:mod:`facenerve.session.side`), replaces it otherwise.
    """
    if rest is None or rest_geometry is None:
        if affected_side is None and decided is not None:
            return SessionMeasures(None, None, decided[0], decided[1], None)
        return SessionMeasures(None, None, affected_side or "none", "no rest photo", None)
    raw = _raw_dynamics(rest_geometry, aligned)
    deficit = _affected_from_dynamics(raw)
    side: AffectedSide
    if affected_side is None and decided is not None:
        side, basis = decided
    elif affected_side is not None:
        side = affected_side
        found = "no excursion measured" if deficit is None else f"mean relative excursion deficit {deficit:+.1%}"
        basis = f"given by the user ({found}; + = left moves less)"
    elif deficit is not None:
        side = "none" if abs(deficit) <= NORMAL_DYNAMIC_ASYMMETRY else ("left" if deficit > 0 else "right")
        basis = (
            f"mean relative excursion deficit {deficit:+.1%} (+ = left moves less); "
            f"beyond ±{NORMAL_DYNAMIC_ASYMMETRY:.0%} normal dynamic asymmetry [S90] names a side"
        )
    else:
        side = rest.asymmetry.affected_side if rest.asymmetry else "none"
        basis = ("rest photo asymmetry (no movement measured in the dynamic photos)" if raw
                 else "rest photo asymmetry (no dynamic photo measured)")
    affected: Side | None = None if side == "none" else side
    dynamics: dict[Expression, dict[str, SideValues]] = {}
    specs = {s.name: s for s in DYNAMIC_MEASURES}
    for expression, values in raw.items():
        dynamics[expression] = {
            name: with_ratio(specs[name], expression.value, sides, affected) for name, sides in values.items()
        }
    synk: list[SynkinesisValue] = []
    for expression, photo in aligned.items():
        if expression in OCULAR_ORAL_EXPRESSIONS:
            value = ocular_oral(expression, rest_geometry, photo.geometry, affected)
            if value is not None:
                synk.append(value)
        elif expression in ORAL_OCULAR_EXPRESSIONS:
            synk.append(oral_ocular(expression, rest_geometry, photo.geometry, affected))
    order = list(Expression)
    synk.sort(key=lambda v: order.index(Expression(v.expression)))
    return SessionMeasures(rest, rest_geometry, side, basis, deficit, dynamics, tuple(synk))
