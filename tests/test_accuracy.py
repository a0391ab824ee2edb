"""Accuracy on induced palsy signs on natural faces (issue #19): MAE ≤ 0.5 mm, slope 0.9–1.1, the right side for
changes of 4 mm or more, never the wrong side above 0.5. The faces are as they are (asymmetric), plus one mirror
composite as an extra case."""

from __future__ import annotations

import pytest

from tests.synth.accuracy import Case, Repeatability, natural_bases, repeatability, run_cases, summary


@pytest.fixture(scope="module")
def bases() -> dict:
    return natural_bases()


@pytest.fixture(scope="module")
def commissure_cases(bases: dict) -> list[Case]:
    return run_cases(bases, ("commissure_drop_mm",))


#: Faces whose glasses cover the brows and lids: Grace Hopper (matplotlib's sample). The engine warns that her
#: brows do not pair and counts them for less; her brow and fissure changes are measured poorly through the
#: rims and lenses (figures in docs/metrics.md, "Natural faces"). They are held to the side rules, not to MAE.
GLASSES = ("grace_hopper",)


def _clear(cases: list[Case]) -> list[Case]:
    return [c for c in cases if c.face not in GLASSES]


def test_commissure_drop_is_recovered(commissure_cases: list[Case]) -> None:
    stats = summary(commissure_cases)["commissure_height"]
    assert stats["mae_mm"] <= 0.5, stats
    assert 0.9 <= stats["slope"] <= 1.1, stats


def _side_errors(cases: list[Case]) -> tuple[list[Case], list[Case]]:
    """Issue 19's acceptance: the side right for changes of 4 mm or more, never the wrong side above 0.5.

    (Issue 2 asked for the side from 2 mm; at rest 2 mm lies within normal asymmetry: commissure tilt 0.2 ± 1.4°
    in 1,282 volunteers [S92], lay observers notice only beyond 3 mm [S93]. The photo now says "none" there.)
    """
    missed = [c for c in cases if abs(c.induced_mm) >= 4.0 and c.affected_side != c.side]
    wrong = [c for c in cases if c.affected_side not in ("none", c.side) and c.confidence > 0.5]
    return missed, wrong


def _big(cases: list[Case]) -> list[Case]:
    return [c for c in cases if abs(c.induced_mm) >= 4.0]


def test_no_induced_droop_or_ptosis_is_given_the_wrong_side_above_half(commissure_cases: list[Case],
                                                                      brow_cases: list[Case]) -> None:
    """Natural faces, glasses included: never the wrong side with a confidence above 0.5 (issue #19). (A fissure
    difference at rest names no side of its own: see the low-confidence test below.)"""
    for cases in (commissure_cases, brow_cases):
        _, wrong = _side_errors(cases)
        assert not wrong, wrong


def test_commissure_drop_of_4_mm_or_more_names_the_affected_side_in_most_photos(commissure_cases: list[Case]) -> None:
    """Measured 11 of 12: the astronaut's own commissure tilt (−1.1°, toward the other side) leaves a 4 mm left droop
    at about 3°, and the engine says "none" (0.55) there. Regression guard at 90 %; the issue's 95 % below."""
    missed, _ = _side_errors(commissure_cases)
    assert len(missed) <= 0.1 * len(_big(commissure_cases)), missed


@pytest.mark.xfail(strict=True, reason="issue #19's 95 % is not met on natural faces: 11 of 12 commissure drops of "
                   "4 mm or more (docs/metrics.md, 'Natural faces')")
def test_commissure_drop_of_4_mm_or_more_names_the_affected_side_in_95_percent(commissure_cases: list[Case]) -> None:
    missed, _ = _side_errors(commissure_cases)
    assert len(missed) <= 0.05 * len(_big(commissure_cases)), missed


@pytest.fixture(scope="module")
def brow_cases(bases: dict) -> list[Case]:
    return run_cases(bases, ("brow_drop_mm",))


@pytest.fixture(scope="module")
def fissure_cases(bases: dict) -> list[Case]:
    return run_cases(bases, ("fissure_change_mm",))


def test_fissure_change_is_recovered(fissure_cases: list[Case]) -> None:
    stats = summary(_clear(fissure_cases))["palpebral_fissure_height"]
    assert stats["mae_mm"] <= 0.5, stats
    assert 0.9 <= stats["slope"] <= 1.1, stats


def test_brow_drop_is_recovered_within_half_a_millimetre(brow_cases: list[Case]) -> None:
    stats = summary(_clear(brow_cases))["brow_height"]
    assert stats["mae_mm"] <= 0.5, stats


def test_brow_drop_slope_is_within_ten_percent(brow_cases: list[Case]) -> None:
    stats = summary(_clear(brow_cases))["brow_height"]
    assert 0.9 <= stats["slope"] <= 1.1, stats


def test_brow_drop_names_the_affected_side(brow_cases: list[Case]) -> None:
    missed, wrong = _side_errors(_clear(brow_cases))
    assert brow_cases and not missed and not wrong, (missed, wrong)


def test_brows_behind_glasses_are_flagged_and_count_for_less() -> None:
    """Grace Hopper's brows sit behind her glasses rims: the photo says the brows do not pair, and the brow's
    weight in the affected side is lowered (its pairing score over 0.7, at least 0.25)."""
    from facenerve import analyze_photo
    from tests.synth.faces import face_photo

    glasses = analyze_photo(face_photo("grace_hopper")).raise_for_error()
    clear = analyze_photo(face_photo("astronaut")).raise_for_error()
    assert any("brows do not look alike" in w for w in glasses.warnings), glasses.warnings
    assert not any("brows do not look alike" in w for w in clear.warnings), clear.warnings
    assert glasses.asymmetry is not None and clear.asymmetry is not None
    from facenerve.engine.bilateral import FULL_MATCH_SCORE, MIN_MATCH_SCORE

    unpaired = MIN_MATCH_SCORE / FULL_MATCH_SCORE  # the score below which the photo warns
    assert glasses.asymmetry.region_reliability["brow"] < unpaired < clear.asymmetry.region_reliability["brow"]


def test_an_isolated_fissure_difference_at_rest_gives_low_confidence(fissure_cases: list[Case]) -> None:
    """Issue 19 decides the widened-fissure question: at rest a fissure difference alone cannot say which eye is
    abnormal (wide when flaccid, narrow when synkinetic [S4, S12]), so it says "asymmetric" with a low confidence
    in either side (measured: at most 0.75, from the other regions' small readings); the eye-closure photos of a
    session decide (tests/session)."""
    assert all(c.confidence <= 0.76 for c in fissure_cases if c.affected_side != "none"), fissure_cases
    assert all(c.affected_side != "none" for c in _clear(fissure_cases) if abs(c.induced_mm) >= 3.0), fissure_cases


def test_the_mirror_composite_reports_no_side_or_low_index(bases: dict) -> None:
    from facenerve import analyze_photo

    for name, rgb in bases.items():
        if ":" not in name:
            continue  # the natural faces carry their own asymmetry
        result = analyze_photo(rgb).raise_for_error()
        assert result.asymmetry is not None
        assert result.asymmetry.affected_side == "none" or result.asymmetry.index < 1.0, (name, result.asymmetry)


@pytest.fixture(scope="module")
def steadiness() -> Repeatability:
    return repeatability()


def test_iris_scale_moves_less_than_four_percent_under_roll_rescale_and_jpeg(steadiness: Repeatability) -> None:
    """Measured 2.6% at most (Grace Hopper at half size, an iris of 15 px)."""
    assert steadiness.scale_change < 0.04, steadiness


def test_with_the_scale_held_commissure_and_eye_metrics_stay_within_their_measured_bounds(
    steadiness: Repeatability,
) -> None:
    """Landmarks alone: commissure height measured 0.34 mm, commissure excursion 0.47 mm (1.12 mm before the
    stomion took the lips' mirror line), fissure and MRD 0.41–0.65 mm (regression guard)."""
    held = steadiness.scale_held_mm
    assert held["commissure_height"] <= 0.5, held
    assert held["commissure_excursion"] <= 0.6, held
    assert max(held[m] for m in ("palpebral_fissure_height", "mrd1", "mrd2")) <= 0.8, held


@pytest.fixture(scope="module")
def steadiness_three_passes() -> Repeatability:
    return repeatability(landmark_passes=3)


def test_three_landmark_passes_make_the_measurements_steadier(
    steadiness: Repeatability, steadiness_three_passes: Repeatability
) -> None:
    """Averaging three landmark passes: the mean change under roll, rescale and JPEG falls by a third or more
    (measured: about half), and the iris scale moves less."""
    one, three = steadiness, steadiness_three_passes
    assert three.mean_change_mm < 0.67 * one.mean_change_mm, (one, three)
    assert three.scale_change < one.scale_change, (one, three)


def test_three_landmark_passes_keep_the_synthetic_palsy_accuracy(bases: dict) -> None:
    """The averaged passes still recover an induced commissure drop (MAE ≤ 0.5 mm, slope 0.9–1.1)."""
    stats = summary(run_cases(bases, ("commissure_drop_mm",), landmark_passes=3))["commissure_height"]
    assert stats["mae_mm"] <= 0.5 and 0.9 <= stats["slope"] <= 1.1, stats


def test_three_passes_keep_every_metric_within_the_published_mdc_and_the_mean_change_small(
    steadiness: Repeatability, steadiness_three_passes: Repeatability
) -> None:
    """Issue #19's repeatability on natural faces at the web's setting (three passes): every metric's worst change
    within the 3-D smile test–retest MDC95 of 1.3 mm [S91], and the mean change ≤ 0.3 mm."""
    three = steadiness_three_passes
    assert max(three.iris_scale_mm.values()) <= 1.3, three
    assert three.mean_change_mm <= 0.3, three
