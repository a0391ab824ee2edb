"""Simulated palsy cases measured by the engine: the weak side does not move, the healthy side does, and the
ground truth says what was done."""

from __future__ import annotations

import math

import numpy as np
import pytest

from facenerve import Expression, FaceNerveError, PhotoAssessment, analyze_photo
from facenerve.simulate import Subject, evaluation_set, simulate_case
from facenerve.simulate.expressions import SMILE_DIRECTION_DEG

OTHER = {"left": "right", "right": "left"}


def _changes(subject: Subject, rgb: np.ndarray, expression: Expression | str, metric: str) -> dict[str, float]:
    result: PhotoAssessment = analyze_photo(rgb, expression=expression, mm_per_px=subject.mm_per_px)
    result.raise_for_error()
    return {s: float(getattr(result.metrics[metric], s) - getattr(subject.base.metrics[metric], s))
            for s in ("left", "right")}


@pytest.mark.parametrize("weak", ["left", "right"])
def test_complete_weakness_smile_weak_corner_stays_healthy_side_smiles(astronaut_subject: Subject, weak: str) -> None:
    case = simulate_case(astronaut_subject, Expression.SMILE_OPEN, weak, 1.0)  # type: ignore[arg-type]
    healthy = OTHER[weak]
    corner = _changes(astronaut_subject, case.rgb, "smile_open", "commissure_height")
    assert corner[healthy] < -4.0  # rises: a smaller distance below the pupil line
    assert corner[weak] > -1.0  # does not rise (it droops: the rest sign of the weak side)
    fissure = _changes(astronaut_subject, case.rgb, "smile_open", "palpebral_fissure_height")
    assert fissure[healthy] < -0.5  # the healthy eye narrows, as in every natural smile [S85]
    assert fissure[weak] > fissure[healthy] + 0.5  # the weak eye stays open
    # The truth says the same, in the imposed millimetres.
    truth = case.truth
    assert (truth.weak_side, truth.fraction, truth.synkinesis) == (weak, 1.0, False)
    rise = astronaut_subject.amounts.smile_excursion_mm * math.sin(math.radians(SMILE_DIRECTION_DEG))
    assert truth.change("commissure_height", healthy) == pytest.approx(-rise, abs=0.4)
    assert truth.change("commissure_height", weak) == pytest.approx(astronaut_subject.rest_signs.commissure_droop_mm,
                                                                    abs=0.3)
    assert truth.change("palpebral_fissure_height", weak) == pytest.approx(0.0, abs=0.2)


def test_synkinetic_smile_narrows_the_weak_eye_more(astronaut_subject: Subject) -> None:
    plain = simulate_case(astronaut_subject, "smile_open", "right", 1.0)
    synkinetic = simulate_case(astronaut_subject, "smile_open", "right", 1.0, synkinesis=True)
    fissure = _changes(astronaut_subject, synkinetic.rgb, "smile_open", "palpebral_fissure_height")
    plain_fissure = _changes(astronaut_subject, plain.rgb, "smile_open", "palpebral_fissure_height")
    assert fissure["right"] < plain_fissure["right"] - 1.0
    assert fissure["right"] < fissure["left"]  # 32.7 % against the healthy 21.6 % [S85]
    corner = _changes(astronaut_subject, synkinetic.rgb, "smile_open", "commissure_height")
    assert corner["right"] > -1.0 and corner["left"] < -4.0  # the weak mouth corner still does not rise
    truth = synkinetic.truth
    assert truth.synkinesis and truth.amounts["synkinetic_eye_narrowing"] == pytest.approx(0.327)
    rest_fissure = astronaut_subject.base.metrics["palpebral_fissure_height"].right
    assert truth.change("palpebral_fissure_height", "right") == pytest.approx(-0.327 * rest_fissure, rel=0.1)


@pytest.mark.parametrize(("weak", "fraction"), [("left", 1.0), ("right", 0.5)])
def test_rest_shows_brow_ptosis_and_commissure_droop(grace_subject: Subject, weak: str, fraction: float) -> None:
    case = simulate_case(grace_subject, "rest", weak, fraction)  # type: ignore[arg-type]
    signs = grace_subject.rest_signs.scaled(fraction)
    assert case.truth.change("commissure_height", weak) == pytest.approx(signs.commissure_droop_mm, abs=0.05)
    assert case.truth.change("brow_height", weak) == pytest.approx(-signs.brow_ptosis_mm, abs=0.05)
    assert case.truth.change("commissure_height", OTHER[weak]) == pytest.approx(0.0, abs=0.05)
    corner = _changes(grace_subject, case.rgb, "rest", "commissure_height")
    # The measured left–right difference follows the imposed droop (within the detector's error).
    assert corner[weak] - corner[OTHER[weak]] == pytest.approx(signs.commissure_droop_mm, abs=1.0)


def test_healthy_case_is_the_generated_expression(astronaut_subject: Subject) -> None:
    case = simulate_case(astronaut_subject, "brow_raise", "none", 1.0)
    _, raised, _ = astronaut_subject.expression(Expression.BROW_RAISE)
    assert np.array_equal(case.rgb, raised)
    assert (case.truth.weak_side, case.truth.fraction, case.truth.healthy_side) == ("none", 0.0, None)
    brow = case.truth.metric_changes["brow_height"]
    assert brow["left"] == pytest.approx(brow["right"], abs=0.01)


def test_synkinesis_only_in_mouth_expressions(astronaut_subject: Subject) -> None:
    with pytest.raises(FaceNerveError):
        simulate_case(astronaut_subject, "brow_raise", "left", 1.0, synkinesis=True)


def test_evaluation_set_covers_every_combination_once(astronaut_subject: Subject) -> None:
    cases = list(evaluation_set({"astronaut": astronaut_subject}, expressions=["rest", "smile_open"],
                                fractions=(0.0, 1.0)))
    keys = [(c.truth.expression, c.truth.weak_side, c.truth.fraction, c.truth.synkinesis) for c in cases]
    assert len(keys) == len(set(keys)) == 8  # rest: healthy + 2 sides; smile: healthy + 2 sides × (plain, synkinetic)
    assert sum(c.truth.synkinesis for c in cases) == 2
    assert all(c.rgb.shape == astronaut_subject.rgb.shape for c in cases)
    assert all(c.truth.to_dict()["expression"] in ("rest", "smile_open") for c in cases)


def test_seeded_subjects_differ_and_repeat(astronaut_subject: Subject) -> None:
    base = astronaut_subject.base
    a = Subject.from_photo(astronaut_subject.rgb, seed=1, base=base)
    b = Subject.from_photo(astronaut_subject.rgb, seed=1, base=base)
    c = Subject.from_photo(astronaut_subject.rgb, seed=2, base=base)
    assert a.amounts == b.amounts and a.rest_signs == b.rest_signs
    assert a.amounts != c.amounts
    assert 2.0 <= a.rest_signs.brow_ptosis_mm <= 6.0 and 2.0 <= a.rest_signs.commissure_droop_mm <= 6.0
