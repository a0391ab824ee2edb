"""Accuracy on synthetic palsy faces (issue #2): MAE ≤ 0.5 mm, slope 0.9–1.1, right side for ≥ 2 mm."""

from __future__ import annotations

import pytest

from tests.synth.accuracy import Case, run_cases, summary, symmetric_bases


@pytest.fixture(scope="module")
def bases() -> dict:
    return symmetric_bases()


@pytest.fixture(scope="module")
def commissure_cases(bases: dict) -> list[Case]:
    return run_cases(bases, ("commissure_drop_mm",))


def test_commissure_drop_is_recovered(commissure_cases: list[Case]) -> None:
    stats = summary(commissure_cases)["commissure_height"]
    assert stats["mae_mm"] <= 0.5, stats
    assert 0.9 <= stats["slope"] <= 1.1, stats


def test_commissure_drop_names_the_affected_side(commissure_cases: list[Case]) -> None:
    wrong = [c for c in commissure_cases if c.induced_mm >= 2.0 and c.affected_side != c.side]
    assert not wrong, wrong


@pytest.fixture(scope="module")
def brow_cases(bases: dict) -> list[Case]:
    return run_cases(bases, ("brow_drop_mm",))


@pytest.fixture(scope="module")
def fissure_cases(bases: dict) -> list[Case]:
    return run_cases(bases, ("fissure_change_mm",))


def test_fissure_change_is_recovered(fissure_cases: list[Case]) -> None:
    stats = summary(fissure_cases)["palpebral_fissure_height"]
    assert stats["mae_mm"] <= 0.5, stats
    assert 0.9 <= stats["slope"] <= 1.1, stats


def test_brow_drop_is_recovered_within_half_a_millimetre(brow_cases: list[Case]) -> None:
    stats = summary(brow_cases)["brow_height"]
    assert stats["mae_mm"] <= 0.5, stats


def test_brow_drop_slope_is_within_ten_percent(brow_cases: list[Case]) -> None:
    stats = summary(brow_cases)["brow_height"]
    assert 0.9 <= stats["slope"] <= 1.1, stats


@pytest.mark.parametrize("kind", ["brow", "narrowed_fissure"])
def test_brow_and_narrowed_fissure_name_the_affected_side(
    brow_cases: list[Case], fissure_cases: list[Case], kind: str
) -> None:
    cases = brow_cases if kind == "brow" else [c for c in fissure_cases if c.induced_mm <= -2.0]
    wrong = [c for c in cases if abs(c.induced_mm) >= 2.0 and c.affected_side != c.side]
    assert cases and not wrong, wrong


@pytest.mark.xfail(
    strict=True,
    reason="at rest an isolated fissure difference cannot say which eye is abnormal; the eye further from the "
    "normal 9.7 mm [S84] is called, and both faces' fissures are below it, so a widened eye looks more normal",
)
def test_widened_fissure_names_the_affected_side(fissure_cases: list[Case]) -> None:
    wrong = [c for c in fissure_cases if c.induced_mm >= 2.0 and c.affected_side != c.side]
    assert not wrong, wrong


def test_symmetric_composites_report_no_side_or_low_index(bases: dict) -> None:
    from facenerve import analyze_photo

    for name, rgb in bases.items():
        result = analyze_photo(rgb).raise_for_error()
        assert result.asymmetry is not None
        assert result.asymmetry.affected_side == "none" or result.asymmetry.index < 1.0, (name, result.asymmetry)
