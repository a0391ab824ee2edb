"""Simulated palsy cases with ground truth, one at a time or as a whole evaluation set.

A case starts from one real rest photo of a natural (not mirrored) face:

* at rest, the weak side shows the rest signs of a flaccid palsy: brow ptosis and commissure droop, scaled by
  the weakness fraction (:class:`RestSigns`);
* in an expression, a healthy bilateral expression is generated from the rest photo
  (:func:`~facenerve.simulate.expressions.expression_deformation`) and the weak half of it is replaced by the
  rest photo (with its rest signs) in a hemi-face composite (:func:`~facenerve.simulate.composite.hemi_composite`);
* with ``synkinesis`` (smiles and pucker only), the weak side's eye then narrows to the synkinetic amount,
  32.7 ± 13.7 % of its fissure [S85], while its mouth corner stays as the composite left it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

import cv2
import numpy as np

from facenerve.engine.assessment import PhotoAssessment
from facenerve.engine.landmarks.base import Side
from facenerve.errors import FaceNerveError
from facenerve.protocol import Expression
from facenerve.simulate.composite import HemiComposite, hemi_composite
from facenerve.simulate.deform import Deformation, LidMap
from facenerve.simulate.expressions import (
    LOWER_LID,
    MOUTH_EXPRESSIONS,
    SYNKINETIC_EYE_NARROWING,
    UPPER_LID,
    ExpressionAmounts,
    RestSigns,
    expression_deformation,
    moved_mesh,
    rest_signs_deformation,
)
from facenerve.simulate.geometry import MmFrame, check_mesh, eye_frame
from facenerve.simulate.truth import GroundTruth, WeakSide, metric_changes, moved_anatomy

#: Share of a synkinetic narrowing done by the upper lid (orbicularis oculi closes both lids; FaceNerve choice).
SYNKINESIS_UPPER_LID_SHARE = 0.5
#: Range the synkinetic narrowing is clipped to when drawn (fraction of the fissure; FaceNerve choice).
SYNKINETIC_NARROWING_RANGE = (0.10, 0.60)
#: The evaluation set's expressions: rest, brow raise, eye closure and open smile (issue 19's acceptance).
EVALUATION_EXPRESSIONS = (Expression.REST, Expression.BROW_RAISE, Expression.GENTLE_EYE_CLOSURE,
                          Expression.SMILE_OPEN)
EVALUATION_FRACTIONS = (0.0, 0.5, 1.0)


@dataclass(frozen=True)
class SimulatedCase:
    """A simulated photo and its ground truth."""

    rgb: np.ndarray
    truth: GroundTruth


@dataclass
class Subject:
    """One person: a rest photo, its assessment, and the amounts they move (drawn once per subject).

    Reuse a subject for many cases: the generated expressions are cached.
    """

    name: str
    rgb: np.ndarray
    base: PhotoAssessment
    amounts: ExpressionAmounts = field(default_factory=ExpressionAmounts)
    rest_signs: RestSigns = field(default_factory=RestSigns)
    synkinetic_narrowing: float = SYNKINETIC_EYE_NARROWING[0]
    seed: int | None = None
    _expressions: dict[Expression, tuple[Deformation, np.ndarray, np.ndarray]] = field(default_factory=dict,
                                                                                      repr=False)

    @classmethod
    def from_photo(
        cls, rgb: np.ndarray, name: str = "", *, seed: int | None = None, base: PhotoAssessment | None = None
    ) -> Subject:
        """Analyse ``rgb`` (a rest photo, eyes open) unless ``base`` is given; with ``seed``, draw the subject's
        amounts from the reference's mean ± SD, else use the means."""
        if base is None:
            from facenerve.engine.analyze import analyze_photo

            base = analyze_photo(rgb, name=name or None)
        base.raise_for_error()
        if base.anatomy is None or base.scale is None or base.frame is None:
            raise FaceNerveError("the rest photo gave no landmarks", code="no_face")
        check_mesh(base.anatomy.points_px)
        if seed is None:
            return cls(name, rgb, base)
        rng = np.random.default_rng(seed)
        amounts = ExpressionAmounts.drawn(rng)
        signs = RestSigns.drawn(rng)
        narrowing = float(np.clip(rng.normal(*SYNKINETIC_EYE_NARROWING), *SYNKINETIC_NARROWING_RANGE))
        return cls(name, rgb, base, amounts, signs, narrowing, seed)

    @property
    def points_px(self) -> np.ndarray:
        assert self.base.anatomy is not None
        return np.asarray(self.base.anatomy.points_px, dtype=float)

    @property
    def mm_per_px(self) -> float:
        assert self.base.scale is not None
        return float(self.base.scale.mm_per_px)

    def expression(self, expression: Expression) -> tuple[Deformation, np.ndarray, np.ndarray]:
        """The healthy bilateral ``expression``: its deformation, image and mesh (cached)."""
        if expression not in self._expressions:
            shape = (int(self.rgb.shape[0]), int(self.rgb.shape[1]))
            deformation = expression_deformation(self.points_px, expression, mm_per_px=self.mm_per_px,
                                                 amounts=self.amounts, shape=shape)
            self._expressions[expression] = (deformation, deformation.warp(self.rgb),
                                             moved_mesh(deformation, self.points_px))
        return self._expressions[expression]


def simulate_case(
    rest_rgb: np.ndarray | Subject,
    expression: Expression | str,
    weak_side: WeakSide,
    fraction: float,
    *,
    synkinesis: bool = False,
    seed: int | None = None,
    name: str = "",
) -> SimulatedCase:
    """One simulated photo of ``expression`` with ``weak_side`` weakened by ``fraction`` (0–1), and its truth.

    ``rest_rgb`` is a rest photo of a natural face (eyes open, unmirrored RGB) or a :class:`Subject` made from
    one. ``weak_side`` "none" (or ``fraction`` 0) gives the healthy face. ``seed`` draws the subject's amounts
    (ignored when a ``Subject`` is given: it carries its own). ``synkinesis`` is allowed in smiles and pucker.

    >>> case = simulate_case(face, "smile_open", "left", 1.0)  # doctest: +SKIP
    >>> case.truth.weak_side, case.truth.metric_changes["commissure_height"]["left"]  # doctest: +SKIP
    ('left', 4.0)
    """
    subject = rest_rgb if isinstance(rest_rgb, Subject) else Subject.from_photo(rest_rgb, name, seed=seed)
    expr = Expression(expression)
    if synkinesis and expr not in MOUTH_EXPRESSIONS:
        names = ", ".join(e.value for e in MOUTH_EXPRESSIONS)
        raise FaceNerveError(f"synkinesis is simulated in {names}, not {expr.value!r}", code="bad_option")
    if weak_side == "none" or fraction <= 0:
        weak_side, fraction, synkinesis = "none", 0.0, False
    fraction = float(min(fraction, 1.0))
    shape = (int(subject.rgb.shape[0]), int(subject.rgb.shape[1]))
    points, mm = subject.points_px, subject.mm_per_px
    amounts: dict[str, float] = {k: float(v) for k, v in asdict(subject.amounts).items()}

    if weak_side == "none":
        rest_def = Deformation()
    else:
        signs = subject.rest_signs.scaled(fraction)
        rest_def = rest_signs_deformation(points, weak_side, signs, mm_per_px=mm, shape=shape)
        amounts.update({"brow_ptosis_mm": signs.brow_ptosis_mm, "commissure_droop_mm": signs.commissure_droop_mm})

    if expr is Expression.REST:
        rgb = rest_def.warp(subject.rgb)

        def move(p: np.ndarray, kind: str) -> np.ndarray:
            return rest_def.forward(p, kind)

    else:
        expr_def, expr_rgb, expr_points = subject.expression(expr)
        if weak_side == "none":
            rgb = expr_rgb

            def move(p: np.ndarray, kind: str) -> np.ndarray:
                return expr_def.forward(p, kind)

        else:
            weak_rest = rest_def.warp(subject.rgb)
            composite = hemi_composite(weak_rest, expr_rgb, moved_mesh(rest_def, points), expr_points, weak_side,
                                       fraction, mm_per_px=mm)
            rgb = composite.rgb

            def composed(p: np.ndarray, kind: str, c: HemiComposite = composite) -> np.ndarray:
                return c.combine(expr_def.forward(p, kind), rest_def.forward(p, kind))

            move = composed
            if synkinesis:
                healthy_narrowing = subject.amounts.smile_eye_narrowing if expr is not Expression.PUCKER else 0.0
                lids = _synkinetic_lids(composite, weak_side, subject.synkinetic_narrowing,
                                        (1.0 - fraction) * healthy_narrowing * subject.amounts.factor(weak_side))
                rgb = Deformation((lids,), None).warp(rgb)
                amounts["synkinetic_eye_narrowing"] = subject.synkinetic_narrowing

                def with_lids(p: np.ndarray, kind: str, c: HemiComposite = composite) -> np.ndarray:
                    return lids.forward(composed(p, kind, c), kind)

                move = with_lids

    assert subject.base.anatomy is not None and subject.base.frame is not None
    anatomy = subject.base.anatomy
    changes = metric_changes(anatomy, moved_anatomy(anatomy, move), subject.base.frame, mm)
    truth = GroundTruth(subject.name, expr, weak_side, fraction, synkinesis, mm, amounts, changes, subject.seed)
    return SimulatedCase(rgb, truth)


def _synkinetic_lids(composite: HemiComposite, side: Side, narrowing: float, already: float) -> LidMap:
    """The lid map that brings ``side``'s fissure to ``1 − narrowing`` of its rest height, given that the
    composite has already narrowed it by ``already`` (what is left of the healthy smile's narrowing)."""
    close = float(np.clip(1.0 - (1.0 - narrowing) / max(1.0 - already, 1e-6), 0.0, 1.0))
    target = composite.points_px
    frame = MmFrame(eye_frame(target), composite.mm_per_px)
    return LidMap(frame, frame.to_mm(target[list(UPPER_LID[side])]), frame.to_mm(target[list(LOWER_LID[side])]),
                  close, SYNKINESIS_UPPER_LID_SHARE)


def evaluation_set(
    faces: Mapping[str, np.ndarray | Subject],
    *,
    expressions: Iterable[Expression | str] = EVALUATION_EXPRESSIONS,
    sides: Iterable[Side] = ("left", "right"),
    fractions: Iterable[float] = EVALUATION_FRACTIONS,
    synkinesis: bool = True,
    seed: int | None = 0,
) -> Iterator[SimulatedCase]:
    """Every case of faces × expressions × sides × fractions (× synkinesis in smiles), lazily.

    A fraction of 0 gives one healthy case per face and expression (no side). With ``synkinesis``, each weak
    smile or pucker also comes with the weak eye narrowing. Subjects' amounts are drawn once per face from
    ``seed`` (its index added), or are the reference means when ``seed`` is None.
    """
    exprs = [Expression(e) for e in expressions]
    side_list, fraction_list = list(sides), [float(f) for f in fractions]
    for index, (name, face) in enumerate(faces.items()):
        subject = face if isinstance(face, Subject) else Subject.from_photo(
            face, name, seed=None if seed is None else seed + index)
        for expr in exprs:
            for fraction in fraction_list:
                if fraction <= 0:
                    yield simulate_case(subject, expr, "none", 0.0)
                    continue
                for side in side_list:
                    yield simulate_case(subject, expr, side, fraction)
                    if synkinesis and expr in MOUTH_EXPRESSIONS:
                        yield simulate_case(subject, expr, side, fraction, synkinesis=True)


def varied_photo(rgb: np.ndarray, *, roll_deg: float = 0.0, scale: float = 1.0) -> np.ndarray:
    """The photo rotated by ``roll_deg`` (counter-clockwise on screen) and scaled by ``scale`` about its centre,
    same size, borders reflected: more variety for benchmarks from the same few faces."""
    h, w = rgb.shape[:2]
    matrix = cv2.getRotationMatrix2D((w / 2.0, h / 2.0), roll_deg, scale)
    out: Any = cv2.warpAffine(rgb, matrix, (w, h), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REFLECT)
    return np.asarray(out)
