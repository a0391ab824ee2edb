"""Issue 19, items 1–3: the expression-aware weakness model, evidence in units of normal asymmetry, severity.

Real faces (scikit-image's astronaut, matplotlib's Grace Hopper) and the engine; palsies from the realistic
simulator (:mod:`facenerve.simulate`: the weak half of a hemi-face composite keeps the rest face).
"""

from __future__ import annotations

import math

import pytest

from facenerve import Expression, analyze_photo
from facenerve.engine.asymmetry import assess_asymmetry
from facenerve.engine.norms import norm_for, norm_table
from facenerve.engine.reliability import LabelledCase, brier_score, reliability_table
from facenerve.engine.weakness import OCULAR_SYNKINESIS_EXPRESSIONS, WEAKNESS_SIGNS, signs_for
from facenerve.simulate import Subject, simulate_case
from tests.synth.faces import face_photo
from tests.synth.simulated import run, summarise


def test_every_expression_has_signs_and_every_sign_a_source_and_a_norm() -> None:
    for expression in Expression:
        assert signs_for(expression), expression
    for sign in WEAKNESS_SIGNS:
        assert "[S" in sign.source, sign
        norm = norm_for(sign.expression, sign.measure)
        assert norm.spread > 0 and norm.unit == sign.unit, (sign, norm)
        assert norm.origin in ("reference", "derived", "facenerve") and (norm.origin == "facenerve") == (
            not norm.source or norm.origin == "facenerve"
        ), norm
    for expression in OCULAR_SYNKINESIS_EXPRESSIONS:  # the eye is read for synkinesis there, never as weakness
        assert all(s.measure != "palpebral_fissure_height" for s in signs_for(expression)), expression
        assert norm_for(expression, "palpebral_fissure_height").spread > 0


def test_the_norm_table_states_n_and_origin() -> None:
    for norm in norm_table().values():
        if norm.origin == "reference":
            assert norm.source.startswith("S"), norm
        if norm.origin == "facenerve":
            assert norm.n == 2 and "FaceNerve" in norm.citation, norm
    assert norm_for(Expression.REST, "commissure_tilt").n == 1282  # 0.2 ± 1.4° [S92]


def _values(**pairs: tuple[float, float]) -> dict[str, dict[str, float]]:
    """Per-side values (left, right) for every metric the model reads; unnamed ones are symmetric."""
    base = {"brow_height": (18.0, 18.0), "palpebral_fissure_height": (9.0, 9.0), "commissure_height": (60.0, 60.0),
            "commissure_excursion": (26.0, 26.0), "smile_angle": (10.0, 10.0), "dental_show": (250.0, 250.0)}
    base.update(pairs)
    return {name: {"left": left, "right": right} for name, (left, right) in base.items()}


def test_the_issues_palsy_smile_names_the_weak_side_not_the_narrowed_eye() -> None:
    """Issue 19's patient: smile angle 1.8° against 16.2°, dental show 174 against 347 mm², fissure 8.3 against
    4.6 mm; the healthy side (here the right) narrows its eye. The old engine named the healthy side (0.98)."""
    values = _values(smile_angle=(1.8, 16.2), dental_show=(174.0, 347.0), palpebral_fissure_height=(8.3, 4.6),
                     commissure_height=(63.0, 59.0))
    result = assess_asymmetry(values, Expression.SMILE_OPEN, lip_midpoint_deviation_mm=-1.0)
    assert result.affected_side == "left" and result.confidence > 0.95, result
    assert result.synkinesis is not None and not result.synkinesis.flagged  # the weak eye stays wide: no synkinesis


def test_within_normal_asymmetry_is_none_and_severity_zero() -> None:
    """A commissure 1 mm lower and a brow 1 mm lower on one side lie within normal asymmetry [S92, S93]."""
    values = _values(commissure_height=(61.0, 60.0), brow_height=(17.0, 18.0))
    result = assess_asymmetry(values, Expression.REST, lip_midpoint_deviation_mm=0.0)
    assert result.affected_side == "none" and result.severity == 0.0, result
    assert math.isclose(sum(result.probabilities.values()), 1.0)


@pytest.fixture(scope="module")
def grace() -> Subject:
    return Subject.from_photo(face_photo("grace_hopper"), "grace_hopper")


def test_a_healthy_face_smiling_names_no_side_with_confidence_above_half(grace: Subject) -> None:
    """Both eyes narrow in a healthy smile (21.6 % [S85]); that is not weakness of either side."""
    healthy_smile = simulate_case(grace, Expression.SMILE_OPEN, "none", 0.0)
    narrowing = healthy_smile.truth.metric_changes["palpebral_fissure_height"]
    assert narrowing["left"] < -1.0 and narrowing["right"] < -1.0, narrowing  # both eyes do narrow (truth, mm)
    for rgb in (face_photo("astronaut"), healthy_smile.rgb):  # a real smile, and a simulated one
        result = analyze_photo(rgb, expression=Expression.SMILE_OPEN).raise_for_error()
        assert result.asymmetry is not None
        assert result.asymmetry.affected_side == "none" or result.asymmetry.confidence <= 0.5, result.asymmetry


@pytest.mark.parametrize("weak", ["left", "right"])
def test_a_one_sided_smile_names_the_weak_side(grace: Subject, weak: str) -> None:
    """The healthy corner rises and its eye narrows; the weak corner stays: the weak side is named."""
    case = simulate_case(grace, Expression.SMILE_OPEN, weak, 1.0)  # type: ignore[arg-type]
    result = analyze_photo(case.rgb, expression=Expression.SMILE_OPEN).raise_for_error()
    healthy = "right" if weak == "left" else "left"
    fissure = result.metrics["palpebral_fissure_height"]
    assert getattr(fissure, healthy) < getattr(fissure, weak)  # the healthy eye is the narrower one
    assert result.asymmetry is not None
    assert result.asymmetry.affected_side == weak and result.asymmetry.confidence > 0.9, result.asymmetry
    assert result.asymmetry.synkinesis is not None and not result.asymmetry.synkinesis.flagged
    assert result.to_dict()["asymmetry"]["severity"] > 0


@pytest.mark.parametrize("weak", ["left", "right"])
def test_synkinetic_narrowing_on_the_weak_side_is_flagged_not_read_as_weakness(grace: Subject, weak: str) -> None:
    """The weak side's eye narrows in the smile (32.7 % [S85]): ocular synkinesis on that side, side unchanged."""
    case = simulate_case(grace, Expression.SMILE_OPEN, weak, 1.0, synkinesis=True)  # type: ignore[arg-type]
    result = analyze_photo(case.rgb, expression=Expression.SMILE_OPEN).raise_for_error()
    assert result.asymmetry is not None and result.asymmetry.affected_side == weak, result.asymmetry
    synk = result.asymmetry.synkinesis
    assert synk is not None and synk.flagged and synk.side == weak, synk
    assert result.to_dict()["asymmetry"]["ocular_synkinesis"]["flagged"] is True


def test_brier_score_and_reliability_table() -> None:
    sure_right = LabelledCase({"none": 0.0, "left": 1.0, "right": 0.0}, "left")
    sure_wrong = LabelledCase({"none": 0.0, "left": 0.0, "right": 1.0}, "left")
    assert brier_score([sure_right]) == 0.0 and brier_score([sure_wrong]) == 2.0
    table = reliability_table([sure_right, sure_wrong])
    top = table[-1]
    assert top.count == 2 and top.accuracy == 0.5 and top.gap == pytest.approx(0.5)


@pytest.fixture(scope="module")
def simulated(grace: Subject) -> list:
    """A small subset of the simulator benchmark: one face, the acceptance expressions, 0/50/100 % weakness."""
    return run([("grace_hopper", grace)])


def test_simulator_side_healthy_and_calibration_targets_on_a_small_subset(simulated: list) -> None:
    """Issue 19's targets that are met (benchmarks/results/simulator.md has the full set and the reliability table):
    the side for complete weakness, healthy faces quiet, and a Brier score well below the uninformed 0.67."""
    s = summarise(simulated)
    assert s.side_complete >= 0.95, s
    assert s.healthy_quiet >= 0.90, s
    assert s.brier < 0.2, s


@pytest.mark.xfail(
    strict=True,
    reason="not met (docs/metrics.md, 'Targets not met'): on this subset 50 % weakness 0.80 (at rest the simulated "
    "signs at 50 % (2 mm here, 1-3 mm in the benchmark) lie within normal asymmetry [S92, S93] and the engine "
    "says 'none'), synkinesis flagged 0.75, "
    "pooled Spearman 0.68 (a complete palsy at rest is milder, in normal spreads, than 50 % in a smile)",
)
def test_simulator_half_weakness_synkinesis_and_severity_targets_on_a_small_subset(simulated: list) -> None:
    s = summarise(simulated)
    assert s.side_half >= 0.90 and s.synkinesis_flagged >= 0.90 and s.spearman >= 0.9, s


def test_a_turned_head_or_small_face_lowers_the_confidence_never_raises_it() -> None:
    """Issue #19 item 5: photos that measure less reliably give weaker evidence (``quality.confidence_factor``)."""
    values = {"brow_height": {"left": 15.0, "right": 18.5}, "palpebral_fissure_height": {"left": 9.0, "right": 9.2},
              "commissure_height": {"left": 57.0, "right": 60.5}, "commissure_excursion": {"left": 25.0,
              "right": 25.3}}
    frontal = assess_asymmetry(values, Expression.REST, lip_midpoint_deviation_mm=0.0)
    assert frontal.affected_side == "left"
    previous = frontal.probabilities["left"]
    for factor in (0.8, 0.5, 0.2):
        turned = assess_asymmetry(values, Expression.REST, lip_midpoint_deviation_mm=0.0, quality_factor=factor)
        assert turned.probabilities["left"] < previous and turned.affected_side in ("left", "none")
        assert turned.probabilities["right"] < 0.5
        previous = turned.probabilities["left"]
