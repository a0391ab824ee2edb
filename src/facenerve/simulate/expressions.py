"""Natural bilateral expressions generated from one rest photo, and the rest signs of a weak side.

A landmark-driven warp of a real face: the muscle pulls are smooth displacement fields centred on mesh
landmarks (commissure, brow, alar base), the eyelids move by an exact column map (:class:`LidMap`). The
face's own asymmetry is kept: nothing is mirrored, and every amount is added to where that side's
landmarks already are.

Amounts, per side, for a healthy face (``ExpressionAmounts``):

* smile: commissure excursion 9.28 ± 2.83 mm [S88] and eye narrowing 21.6 ± 13.4 % of the fissure [S85];
* brow raise: brow elevation 10.57 ± 2.51 mm [S88];
* eye closure: the lids meet (residual fissure 0);
* pucker and snarl: no figure in the clinical reference; the amounts are FaceNerve choices (see the constants);
* dynamic asymmetry between the sides: 7–9 % in healthy faces [S90].

The rest signs of a weak side (brow ptosis and commissure droop) have no population figure in the clinical
reference either; their sizes are FaceNerve choices within the 2–6 mm the issue's acceptance asks for.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from facenerve.engine.frame import FaceFrame
from facenerve.engine.landmarks.base import SIDES, Side
from facenerve.errors import FaceNerveError
from facenerve.protocol import Expression
from facenerve.simulate.deform import Deformation, LidMap, SmoothField, Step, support_around
from facenerve.simulate.geometry import MmFrame, PointMap, check_mesh, gauss, iris_mm_per_px, smoothstep

#: Mesh indices per patient side (MediaPipe canonical mesh; contours medial → lateral).
UPPER_LID = {
    "right": (133, 173, 157, 158, 159, 160, 161, 246, 33),
    "left": (362, 398, 384, 385, 386, 387, 388, 466, 263),
}
LOWER_LID = {
    "right": (133, 155, 154, 153, 145, 144, 163, 7, 33),
    "left": (362, 382, 381, 380, 374, 373, 390, 249, 263),
}
BROW_UPPER = {"right": (107, 66, 105, 63, 70), "left": (336, 296, 334, 293, 300)}
BROW_LOWER = {"right": (55, 65, 52, 53, 46), "left": (285, 295, 282, 283, 276)}
COMMISSURE = {"right": 61, "left": 291}
ALAR_BASE = {"right": 64, "left": 294}
PUPIL = {"right": 468, "left": 473}

#: Commissure excursion in a smile, mean and SD, mm [S88] (range 6.45–12.11 mm, n = 12).
SMILE_EXCURSION_MM = (9.28, 2.83)
SMILE_EXCURSION_RANGE_MM = (6.45, 12.11)
#: Eye narrowing during a healthy smile, fraction of the palpebral fissure, mean and SD [S85].
SMILE_EYE_NARROWING = (0.216, 0.134)
#: Eye narrowing during a smile in ocular synkinesis, fraction of the fissure, mean and SD [S85].
SYNKINETIC_EYE_NARROWING = (0.327, 0.137)
#: Brow elevation excursion, mean and SD, mm [S88].
BROW_ELEVATION_MM = (10.57, 2.51)
#: Normal dynamic asymmetry: the sides' excursions differ by 7–9 % (symmetry index 91–93 %) [S90].
DYNAMIC_ASYMMETRY = 0.08

# FaceNerve choices (no figure in the clinical reference):
#: Direction of the commissure's pull in a smile, degrees above the lateral horizontal.
SMILE_DIRECTION_DEG = 40.0
#: Share of a smile's eye narrowing done by the upper lid (the cheek pushes the lower lid up).
SMILE_UPPER_LID_SHARE = 0.3
#: Share of an eye closure done by the upper lid (it does most of a blink's travel).
CLOSURE_UPPER_LID_SHARE = 0.85
#: Least height of lid skin that stretches under a rising brow, mm; where the skin between brow and lid is
#: shorter, the upper lid margin rises a little with the brow.
BROW_RAISE_LID_SKIN_MM = 4.0
#: Medial travel of each commissure in a pucker, mm.
PUCKER_MEDIAL_MM = 6.0
#: Rise of the ala and lateral upper lip in a snarl, mm.
SNARL_ELEVATION_MM = 5.0
#: Complete weakness at rest: brow ptosis and commissure droop, mm; drawn per subject from the range.
REST_BROW_PTOSIS_MM = 4.0
REST_COMMISSURE_DROOP_MM = 4.0
REST_SIGN_RANGE_MM = (2.0, 6.0)

#: Expressions the generator can make.
GENERATED = (
    Expression.REST,
    Expression.BROW_RAISE,
    Expression.GENTLE_EYE_CLOSURE,
    Expression.TIGHT_EYE_CLOSURE,
    Expression.SMILE_OPEN,
    Expression.SMILE_CLOSED,
    Expression.PUCKER,
    Expression.SNARL,
)
SMILES = (Expression.SMILE_OPEN, Expression.SMILE_CLOSED)
MOUTH_EXPRESSIONS = (*SMILES, Expression.PUCKER)


@dataclass(frozen=True)
class ExpressionAmounts:
    """How much one subject moves in a full healthy expression (see the module docstring for sources).

    ``side_factor`` scales each side's amounts (natural dynamic asymmetry [S90]); 1.0 for both by default.
    """

    smile_excursion_mm: float = SMILE_EXCURSION_MM[0]
    smile_eye_narrowing: float = SMILE_EYE_NARROWING[0]
    brow_elevation_mm: float = BROW_ELEVATION_MM[0]
    closure: float = 1.0
    pucker_medial_mm: float = PUCKER_MEDIAL_MM
    snarl_elevation_mm: float = SNARL_ELEVATION_MM
    right_factor: float = 1.0
    left_factor: float = 1.0

    def factor(self, side: Side) -> float:
        return self.left_factor if side == "left" else self.right_factor

    @classmethod
    def drawn(cls, rng: np.random.Generator) -> ExpressionAmounts:
        """One subject: each amount from its reference mean ± SD (normal, clipped to a plausible range), and
        side factors differing by up to ``DYNAMIC_ASYMMETRY`` [S90]."""
        excursion = float(np.clip(rng.normal(*SMILE_EXCURSION_MM), *SMILE_EXCURSION_RANGE_MM))
        brow_mean, brow_sd = BROW_ELEVATION_MM
        brow = float(np.clip(rng.normal(brow_mean, brow_sd), brow_mean - 2 * brow_sd, brow_mean + 2 * brow_sd))
        narrowing = float(np.clip(rng.normal(*SMILE_EYE_NARROWING), 0.05, 0.45))
        half = DYNAMIC_ASYMMETRY / 2.0
        right, left = (1.0 + float(v) for v in rng.uniform(-half, half, size=2))
        return cls(excursion, narrowing, brow, 1.0, PUCKER_MEDIAL_MM, SNARL_ELEVATION_MM, right, left)


@dataclass(frozen=True)
class RestSigns:
    """Rest signs of a completely weak side, mm (FaceNerve choices, see the module docstring)."""

    brow_ptosis_mm: float = REST_BROW_PTOSIS_MM
    commissure_droop_mm: float = REST_COMMISSURE_DROOP_MM

    @classmethod
    def drawn(cls, rng: np.random.Generator) -> RestSigns:
        low, high = REST_SIGN_RANGE_MM
        return cls(float(rng.uniform(low, high)), float(rng.uniform(low, high)))

    def scaled(self, fraction: float) -> RestSigns:
        return replace(self, brow_ptosis_mm=self.brow_ptosis_mm * fraction,
                       commissure_droop_mm=self.commissure_droop_mm * fraction)


@dataclass(frozen=True)
class GeneratedFrame:
    """An expression made from a rest photo: the image, its mesh (px) and the deformation that made it."""

    rgb: np.ndarray
    points_px: np.ndarray
    deformation: Deformation
    expression: Expression


class _Face:
    """The rest mesh in face-frame mm (x toward the patient's left, y chin-ward)."""

    def __init__(self, points_px: np.ndarray, mm_per_px: float) -> None:
        self.points_px = points_px
        self.mm = MmFrame(FaceFrame.from_pupils(points_px[PUPIL["right"]], points_px[PUPIL["left"]]), mm_per_px)
        self.points_mm = self.mm.to_mm(points_px)

    def at(self, index: int | tuple[int, ...]) -> np.ndarray:
        return np.asarray(self.points_mm[list(index) if isinstance(index, tuple) else index])

    def field(self, disp_mm: PointMap) -> SmoothField:
        """A smooth step from a displacement in frame mm, given as a function of frame-mm positions."""
        mm = self.mm

        def displacement(points_px: np.ndarray) -> np.ndarray:
            return mm.vector_to_px(disp_mm(mm.to_mm(points_px)))

        return SmoothField(displacement)

    def lid_map(self, side: Side, close_fraction: float, upper_share: float, before: Deformation) -> LidMap:
        """A lid map on the lids as ``before`` leaves them."""
        upper = self.mm.to_mm(before.forward(self.points_px[list(UPPER_LID[side])]))
        lower = self.mm.to_mm(before.forward(self.points_px[list(LOWER_LID[side])]))
        return LidMap(self.mm, upper, lower, close_fraction, upper_share)


def _sign(side: Side) -> float:
    return 1.0 if side == "left" else -1.0


def _contour_y(points_mm: np.ndarray, x_mm: np.ndarray) -> np.ndarray:
    """A contour's y at ``x_mm`` (linear; constant beyond its ends), frame mm."""
    order = np.argsort(points_mm[:, 0])
    return np.asarray(np.interp(x_mm, points_mm[order, 0], points_mm[order, 1]))


def _brow_block(face: _Face, side: Side, p: np.ndarray, least_skin_mm: float) -> np.ndarray:
    """Weight of the brow's movement at frame-mm positions ``p``.

    1 over the brow and the forehead above it on ``side``. It falls to 0 at the glabella (4–14 mm from the
    midline), beyond the brow tail, toward the hairline (σ 30 mm above 25 mm over the brow), and, column by
    column, across the upper lid skin: from 1 mm under the brow's lower margin to 0.5 mm over the upper lid
    margin, so the lid margin stays. Where that skin is shorter than ``least_skin_mm`` the falloff takes
    ``least_skin_mm`` and the lid margin moves a little with the brow (the skin cannot stretch or fold
    without limit).
    """
    x, y = p[..., 0], p[..., 1]
    brow = face.at(BROW_UPPER[side])
    lateral = _sign(side) * x
    beyond = float(np.max(_sign(side) * brow[:, 0])) + 4.0
    tail = np.where(lateral > beyond, np.exp(-0.5 * ((lateral - beyond) / 10.0) ** 2), 1.0)
    across = smoothstep(lateral, 4.0, 10.0) * tail
    start = _contour_y(face.at(BROW_LOWER[side]), x) + 1.0
    end = _contour_y(face.at(UPPER_LID[side]), x) - 0.5
    t = np.clip((y - start) / np.maximum(end - start, least_skin_mm), 0.0, 1.0)
    below = 1.0 - t * t * (3.0 - 2.0 * t)
    top = float(np.min(brow[:, 1])) - 25.0
    above = np.where(y < top, np.exp(-0.5 * ((y - top) / 30.0) ** 2), 1.0)
    return np.asarray(across * below * above)


def expression_deformation(
    points_px: np.ndarray,
    expression: Expression | str,
    *,
    mm_per_px: float,
    amounts: ExpressionAmounts | None = None,
    gains: dict[Side, float] | None = None,
    shape: tuple[int, int] | None = None,
) -> Deformation:
    """The deformation taking a rest face (its 478-point mesh, px) into ``expression``.

    ``gains`` per side (1 healthy, 0 no movement) multiply ``amounts``; ``shape`` (h, w) limits the work to
    the face's surroundings. Raises ``FaceNerveError`` (``bad_option``) for an expression it cannot make.
    """
    expression = Expression(expression)
    if expression not in GENERATED:
        names = ", ".join(e.value for e in GENERATED)
        raise FaceNerveError(f"the simulator cannot generate {expression.value!r}; it makes {names}",
                             code="bad_option")
    points = check_mesh(points_px)
    face = _Face(points, mm_per_px)
    amounts = amounts or ExpressionAmounts()
    gain = {side: (gains or {}).get(side, 1.0) * amounts.factor(side) for side in SIDES}
    support = support_around(points, shape) if shape is not None else None
    base = Deformation((), support)
    if expression is Expression.REST:
        return base
    if expression.eyes_expected_closed:
        steps: list[Step] = [face.lid_map(s, amounts.closure * gain[s], CLOSURE_UPPER_LID_SHARE, base) for s in SIDES]
        return base.then(*steps)
    if expression in SMILES:
        theta = math.radians(SMILE_DIRECTION_DEG)

        def smile(p: np.ndarray) -> np.ndarray:
            out = np.zeros_like(p)
            for side in SIDES:
                c = face.at(COMMISSURE[side])
                w = gain[side] * amounts.smile_excursion_mm * gauss(p[..., 0] - c[0], p[..., 1] - c[1], 10.0, 9.0)
                out[..., 0] += _sign(side) * math.cos(theta) * w
                out[..., 1] -= math.sin(theta) * w
            return out

        moved = base.then(face.field(smile))
        lids = [face.lid_map(s, amounts.smile_eye_narrowing * gain[s], SMILE_UPPER_LID_SHARE, moved) for s in SIDES]
        return moved.then(*lids)
    if expression is Expression.BROW_RAISE:
        def raise_brows(p: np.ndarray) -> np.ndarray:
            out = np.zeros_like(p)
            for side in SIDES:
                block = _brow_block(face, side, p, BROW_RAISE_LID_SKIN_MM)
                out[..., 1] -= gain[side] * amounts.brow_elevation_mm * block
            return out

        return base.then(face.field(raise_brows))
    if expression is Expression.PUCKER:

        def pucker(p: np.ndarray) -> np.ndarray:
            out = np.zeros_like(p)
            for side in SIDES:
                c = face.at(COMMISSURE[side])
                w = gauss(p[..., 0] - c[0], p[..., 1] - c[1], 7.0, 7.0)
                out[..., 0] -= _sign(side) * gain[side] * amounts.pucker_medial_mm * w
            return out

        return base.then(face.field(pucker))

    def snarl(p: np.ndarray) -> np.ndarray:  # Expression.SNARL
        out = np.zeros_like(p)
        for side in SIDES:
            a = face.at(ALAR_BASE[side])
            w = gauss(p[..., 0] - a[0], p[..., 1] - a[1] - 4.0, 8.0, 8.0)
            out[..., 1] -= gain[side] * amounts.snarl_elevation_mm * w
        return out

    return base.then(face.field(snarl))


def rest_signs_deformation(
    points_px: np.ndarray,
    side: Side,
    signs: RestSigns,
    *,
    mm_per_px: float,
    shape: tuple[int, int] | None = None,
) -> Deformation:
    """Brow ptosis and commissure droop on ``side`` (the rest signs of a flaccid weak side), mm.

    The brow moves down as a block: the upper brow margin above the pupil, where ``brow_height`` is measured,
    by exactly ``signs.brow_ptosis_mm``; the lid skin under it is compressed, the lid margin stays unless the
    gap is too small to absorb the move. The commissure moves straight down (face frame) by exactly
    ``signs.commissure_droop_mm``, its surroundings with a Gaussian falloff (σ 9 mm).
    """
    points = check_mesh(points_px)
    face = _Face(points, mm_per_px)
    support = support_around(points, shape) if shape is not None else None
    least_skin_mm = max(2.0 * signs.brow_ptosis_mm, 2.0)  # compressed by at most 3/4: no fold
    corner = face.at(COMMISSURE[side])

    def droop(p: np.ndarray) -> np.ndarray:
        out = np.zeros_like(p)
        out[..., 1] += signs.brow_ptosis_mm * _brow_block(face, side, p, least_skin_mm)
        out[..., 1] += signs.commissure_droop_mm * gauss(p[..., 0] - corner[0], p[..., 1] - corner[1], 9.0, 9.0)
        return out

    if signs.brow_ptosis_mm == 0 and signs.commissure_droop_mm == 0:
        return Deformation((), support)
    return Deformation((face.field(droop),), support)


def generate_expression(
    rest_rgb: np.ndarray,
    points_px: np.ndarray,
    expression: Expression | str,
    *,
    mm_per_px: float | None = None,
    amounts: ExpressionAmounts | None = None,
    gains: dict[Side, float] | None = None,
) -> GeneratedFrame:
    """A natural bilateral ``expression`` made from one rest photo and its 478-point mesh (px).

    ``mm_per_px`` defaults to the iris scale of the mesh (11.77 mm iris [S80, S82]). ``amounts`` defaults to the
    reference means; ``ExpressionAmounts.drawn(rng)`` gives one subject's. ``gains`` per side scale the movement
    (1 healthy, 0 none). The mesh returned is the rest mesh moved by the same deformation (iris points
    included, even where closed lids hide them).
    """
    points = check_mesh(points_px)
    scale = mm_per_px if mm_per_px is not None else iris_mm_per_px(points)
    shape = (int(rest_rgb.shape[0]), int(rest_rgb.shape[1]))
    deformation = expression_deformation(points, expression, mm_per_px=scale, amounts=amounts, gains=gains,
                                         shape=shape)
    return GeneratedFrame(deformation.warp(rest_rgb), moved_mesh(deformation, points), deformation,
                          Expression(expression))


def moved_mesh(deformation: Deformation, points_px: np.ndarray) -> np.ndarray:
    """The mesh (px) moved by ``deformation``, lid-margin points moving with their margins."""
    moved = deformation.forward(points_px)
    for side in SIDES:
        for indices, kind in ((UPPER_LID[side], "upper_margin"), (LOWER_LID[side], "lower_margin")):
            inner = list(indices[1:-1])  # the canthi belong to both lids; they move as skin
            moved[inner] = deformation.forward(points_px[inner], kind)
    return moved
