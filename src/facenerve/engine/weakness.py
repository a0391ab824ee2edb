"""The expression-aware model of weakness: which measures show a weak side in which expression, and how.

One table, :data:`WEAKNESS_SIGNS`, says for each expression of the protocol (:class:`~facenerve.protocol.Expression`)
which left–right difference shows weakness and in which direction. The side evidence of one photo
(:mod:`facenerve.engine.asymmetry`) and of a session (:mod:`facenerve.session.side`) read it, and nothing else.

Each sign is read as a number oriented so that **a positive value says the patient's left is the weak side**
(:func:`left_weak_value`), then divided by its spread in healthy faces in that expression
(:mod:`facenerve.engine.norms`).

Eye narrowing during a smile or a pucker is *not* a sign of weakness: the healthy eye narrows in every natural
smile (21.6 ± 13.4 % [S85]). On the weaker-moving side it is oral-ocular synkinesis (32.7 ± 13.7 % [S85]); the
table lists it apart (:data:`OCULAR_SYNKINESIS_EXPRESSIONS`) and it is reported as a finding, never as weakness.

At rest the palpebral fissure is two-way: a flaccid eye is wider, a synkinetic eye narrower (Sunnybrook scores
"narrow" and "wide" alike [S4, S6]; eFACE's fissure item runs 0 wide – 100 balanced – 200 narrow [S12]). Alone it
cannot say which side is weak, so it adds to "something is asymmetric" but not to either side; other regions at rest,
or the eye-closure photos of a session (where the weak eye closes less [S2, S12]), decide the side.

Example
-------
>>> from facenerve.protocol import Expression
>>> [s.measure for s in signs_for(Expression.BROW_RAISE)]
['brow_height']
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from facenerve.engine.landmarks.base import Side
from facenerve.protocol import Expression

#: How the weak side's value compares with the healthy side's: "lower", "higher", "either" (two-way, no side),
#: or "toward_healthy" (a midline point pulled toward the healthy side).
WeakDirection = Literal["lower", "higher", "either", "toward_healthy"]
#: Face regions: evidence within one region is strongly correlated and is pooled before regions are combined.
Region = Literal["brow", "eye", "mouth", "midline"]

#: Evidence measures (not all are per-side metrics of :mod:`facenerve.engine.metrics`):
#:
#: * ``brow_height``, ``palpebral_fissure_height``, ``smile_angle``: the per-side metrics (mm, mm, deg);
#: * ``commissure_tilt``: the angle of the commissure line to the pupil line, deg, + when the left corner is lower
#:   (the quantity of the 1,282-volunteer norm [S92], measured there against the lateral-canthus line);
#: * ``dental_show_balance``: (left − right) / (left + right) of the per-side dental show, no unit;
#: * ``lip_midpoint_deviation``: the stomion's distance from the facial midline, mm, + toward the left [S82].
MEASURE_UNITS: dict[str, str] = {
    "brow_height": "mm",
    "palpebral_fissure_height": "mm",
    "commissure_tilt": "deg",
    "smile_angle": "deg",
    "dental_show_balance": "ratio",
    "lip_midpoint_deviation": "mm",
}

#: Below this summed dental show (mm², both sides) the balance is not read: the lips are closed and the areas are
#: landmark noise (an engineering floor, not a clinical value).
MIN_DENTAL_SHOW_MM2 = 20.0


@dataclass(frozen=True)
class WeaknessSign:
    """One row of the table: in ``expression``, a weak side shows ``measure`` ``direction`` than the healthy side."""

    expression: Expression
    measure: str
    region: Region
    direction: WeakDirection
    finding: str
    source: str

    @property
    def unit(self) -> str:
        return MEASURE_UNITS[self.measure]


_R, _B, _GE, _TE, _SN, _SC, _SO, _PU, _LT = (
    Expression.REST,
    Expression.BROW_RAISE,
    Expression.GENTLE_EYE_CLOSURE,
    Expression.TIGHT_EYE_CLOSURE,
    Expression.SNARL,
    Expression.SMILE_CLOSED,
    Expression.SMILE_OPEN,
    Expression.PUCKER,
    Expression.LOWER_TEETH,
)

#: The table. ``source`` names what the reference says about the row (the movement or resting sign and the scale
#: item that grades it); where the reference names the item but not the direction, the row says so.
WEAKNESS_SIGNS: tuple[WeaknessSign, ...] = (
    # Rest: HB rest "asymmetric" from grade V [S1]; Sunnybrook resting symmetry [S4, S6]; eFACE static items [S12].
    WeaknessSign(_R, "brow_height", "brow", "lower", "brow ptosis", "eFACE brow at rest [S12]; HB rest [S1]"),
    WeaknessSign(_R, "commissure_tilt", "mouth", "higher", "commissure droop",
                 "Sunnybrook mouth 'corner drooped' [S4, S6]; eFACE oral commissure at rest [S12]"),
    WeaknessSign(_R, "palpebral_fissure_height", "eye", "either", "fissure wide (flaccid) or narrow (synkinesis)",
                 "Sunnybrook eye 'narrow' / 'wide' [S4, S6]; eFACE palpebral fissure at rest, 0 wide–200 narrow [S12]"),
    WeaknessSign(_R, "lip_midpoint_deviation", "midline", "toward_healthy", "lip midpoint off the midline",
                 "lip midpoint measure [S82]; direction (pulled by the healthy side's tone) is FaceNerve's reading"),
    # Brow raise: HB forehead [S1]; Sunnybrook brow lift [S4]; eFACE brow elevation [S12]; 10.57 ± 2.51 mm [S88].
    WeaknessSign(_B, "brow_height", "brow", "lower", "less brow elevation",
                 "HB forehead [S1]; Sunnybrook brow lift [S4]; eFACE brow elevation [S12]; normal excursion [S88]"),
    # Eye closures: residual fissure (lagophthalmos); complete vs incomplete closure separates HB III/IV [S2].
    WeaknessSign(_GE, "palpebral_fissure_height", "eye", "higher", "residual fissure (incomplete closure)",
                 "HB eye closure [S1, S2]; Sunnybrook gentle closure [S4]; eFACE gentle eye closure [S12]"),
    WeaknessSign(_TE, "palpebral_fissure_height", "eye", "higher", "residual fissure (incomplete closure)",
                 "HB eye closure [S1, S2]; eFACE full eye closure [S12]"),
    # Snarl: Sunnybrook snarl [S4], Yanagihara nose wrinkle [S16]; the healthy upper lip and corner rise.
    WeaknessSign(_SN, "commissure_tilt", "mouth", "higher", "upper lip and corner rise less",
                 "Sunnybrook snarl [S4]; Yanagihara wrinkle nose [S16]; direction is FaceNerve's reading"),
    WeaknessSign(_SN, "dental_show_balance", "mouth", "lower", "less upper tooth show",
                 "Sunnybrook snarl [S4]; direction is FaceNerve's reading"),
    # Smiles: HB mouth measure [S1]; Sunnybrook open-mouth smile [S4]; eFACE commissure movement with smile [S12];
    # normal commissure excursion 9.28 ± 2.83 mm [S88]; smile angle and dental show as Emotrics measures them [S82].
    WeaknessSign(_SC, "commissure_tilt", "mouth", "higher", "commissure rises less",
                 "HB mouth [S1]; eFACE commissure movement with smile [S12]; excursion [S88]"),
    WeaknessSign(_SC, "smile_angle", "mouth", "lower", "smaller smile angle", "smile angle [S82]; eFACE smile [S12]"),
    WeaknessSign(_SC, "lip_midpoint_deviation", "midline", "toward_healthy", "lip midpoint pulled to the healthy side",
                 "lip midpoint [S82]; eFACE smile [S12]; direction is FaceNerve's reading"),
    WeaknessSign(_SO, "commissure_tilt", "mouth", "higher", "commissure rises less",
                 "HB mouth [S1]; Sunnybrook open-mouth smile [S4]; eFACE commissure movement with smile [S12]; "
                 "excursion [S88]"),
    WeaknessSign(_SO, "smile_angle", "mouth", "lower", "smaller smile angle", "smile angle [S82]; eFACE smile [S12]"),
    WeaknessSign(_SO, "dental_show_balance", "mouth", "lower", "less dental show",
                 "dental show [S82]; eFACE smile [S12]"),
    WeaknessSign(_SO, "lip_midpoint_deviation", "midline", "toward_healthy", "lip midpoint pulled to the healthy side",
                 "lip midpoint [S82]; eFACE smile [S12]; direction is FaceNerve's reading"),
    # Pucker: Sunnybrook lip pucker [S4], Yanagihara whistle [S16].
    WeaknessSign(_PU, "lip_midpoint_deviation", "midline", "toward_healthy", "lips pulled to the healthy side",
                 "Sunnybrook lip pucker [S4]; Yanagihara whistle [S16]; direction is FaceNerve's reading"),
    # Lower teeth / "EEEE": eFACE lower-lip (depressor labii) movement [S12].
    WeaknessSign(_LT, "dental_show_balance", "mouth", "lower", "lower lip depresses less",
                 "eFACE lower lip movement 'EEEE' [S12]; direction is FaceNerve's reading"),
    WeaknessSign(_LT, "lip_midpoint_deviation", "midline", "toward_healthy", "lower lip pulled to the healthy side",
                 "eFACE lower lip movement [S12]; direction is FaceNerve's reading"),
)

#: A flaccid side's resting signs stay visible in expressions that do not move that region (Sunnybrook resting
#: symmetry [S4, S6] and eFACE static items [S12] describe them; that they persist is FaceNerve's reading): the
#: commissure droop in the brow raise and eye closures, the brow ptosis in the mouth expressions.
_PERSISTING_DROOP = "Sunnybrook mouth 'corner drooped' [S4, S6]; eFACE oral commissure at rest [S12]; persists"
_PERSISTING_PTOSIS = "eFACE brow at rest [S12]; HB rest [S1]; persists"
WEAKNESS_SIGNS = (
    *WEAKNESS_SIGNS,
    *(WeaknessSign(e, "commissure_tilt", "mouth", "higher", "commissure droop (resting sign)", _PERSISTING_DROOP)
      for e in (_B, _GE, _TE)),
    *(WeaknessSign(e, "brow_height", "brow", "lower", "brow ptosis (resting sign)", _PERSISTING_PTOSIS)
      for e in (_SC, _SO, _PU, _LT)),
)

#: Expressions in which eye narrowing on the weaker-moving side is oral-ocular synkinesis, not weakness: the
#: open-mouth smile and the lip pucker feed ocular synkinesis [S12, S78]; normal narrowing in a smile
#: 21.6 ± 13.4 %, synkinetic 32.7 ± 13.7 % [S85]. The closed smile is read the same way.
OCULAR_SYNKINESIS_EXPRESSIONS: tuple[Expression, ...] = (_SC, _SO, _PU)


def signs_for(expression: Expression) -> tuple[WeaknessSign, ...]:
    """The table's rows for ``expression``."""
    return tuple(s for s in WEAKNESS_SIGNS if s.expression is expression)


def measure_value(
    measure: str, values: Mapping[str, Mapping[Side, float]], lip_midpoint_deviation_mm: float | None
) -> float | None:
    """The evidence measure's raw left–right reading (see :data:`MEASURE_UNITS`); None when it cannot be read."""
    try:
        if measure == "lip_midpoint_deviation":
            return lip_midpoint_deviation_mm
        if measure == "commissure_tilt":
            height, reach = values["commissure_height"], values["commissure_excursion"]
            width = reach["left"] + reach["right"]
            if not width > 0:
                return None
            return math.degrees(math.atan2(height["left"] - height["right"], width))
        if measure == "dental_show_balance":
            show = values["dental_show"]
            total = show["left"] + show["right"]
            return None if total < MIN_DENTAL_SHOW_MM2 else (show["left"] - show["right"]) / total
        sides = values[measure]
        return sides["left"] - sides["right"]
    except KeyError:
        return None


def left_weak_value(sign: WeaknessSign, raw: float) -> float:
    """``raw`` (left − right, or the midline deviation toward the left) oriented so + says the left is weak.

    A two-way ("either") sign keeps the left − right sign; its likelihood is symmetric in it.
    """
    if sign.direction == "lower":
        return -raw
    if sign.direction == "toward_healthy":
        return -raw  # pulled toward the right (negative deviation) says the left is weak
    return raw
