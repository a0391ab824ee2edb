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


@pytest.mark.xfail(
    strict=True,
    reason="Face Mesh shrinks brow and lid movement toward its mean shape even on hemi-face composites "
    "(slope ~0.4–0.7; Grace Hopper's glasses hide brows and lids); needs image-based refinement",
)
@pytest.mark.parametrize("kind", ["brow_drop_mm", "fissure_change_mm"])
def test_brow_and_fissure_changes_are_recovered(bases: dict, kind: str) -> None:
    cases = run_cases(bases, (kind,))
    ((_, stats),) = summary(cases).items()
    assert stats["mae_mm"] <= 0.5 and 0.9 <= stats["slope"] <= 1.1, stats


def test_symmetric_composites_report_no_side_or_low_index(bases: dict) -> None:
    from facenerve import analyze_photo

    for name, rgb in bases.items():
        result = analyze_photo(rgb).raise_for_error()
        assert result.asymmetry is not None
        assert result.asymmetry.affected_side == "none" or result.asymmetry.index < 1.0, (name, result.asymmetry)
