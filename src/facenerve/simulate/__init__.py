"""A realistic palsy simulator: hemi-face composites of real faces, with ground truth.

A real palsy is not a warp of a neutral face: in an expression the healthy side moves and the weak side
does not. :func:`hemi_composite` builds that from one person's rest and expression frames;
:func:`generate_expression` makes natural bilateral expressions from a single rest photo (so tests need no
videos); :func:`simulate_case` and :func:`evaluation_set` put them together into cases with a
:class:`GroundTruth` (side, fraction, expression, synkinesis, per-side metric changes). See docs/simulate.md.

>>> from facenerve.simulate import simulate_case  # doctest: +SKIP
>>> case = simulate_case(rest_rgb, "smile_open", "left", 1.0, synkinesis=True, seed=3)  # doctest: +SKIP
>>> case.truth.weak_side, case.truth.fraction  # doctest: +SKIP
('left', 1.0)
"""

from facenerve.simulate.case import (
    EVALUATION_EXPRESSIONS,
    EVALUATION_FRACTIONS,
    SimulatedCase,
    Subject,
    evaluation_set,
    simulate_case,
    varied_photo,
)
from facenerve.simulate.composite import HemiComposite, hemi_composite
from facenerve.simulate.expressions import (
    GENERATED,
    ExpressionAmounts,
    GeneratedFrame,
    RestSigns,
    expression_deformation,
    generate_expression,
    rest_signs_deformation,
)
from facenerve.simulate.truth import GroundTruth, WeakSide

__all__ = [
    "EVALUATION_EXPRESSIONS",
    "EVALUATION_FRACTIONS",
    "GENERATED",
    "ExpressionAmounts",
    "GeneratedFrame",
    "GroundTruth",
    "HemiComposite",
    "RestSigns",
    "SimulatedCase",
    "Subject",
    "WeakSide",
    "evaluation_set",
    "expression_deformation",
    "generate_expression",
    "hemi_composite",
    "rest_signs_deformation",
    "simulate_case",
    "varied_photo",
]
