"""Issue #3 acceptance on synthetic sessions (tests/synth/session.py).

* healthy: House–Brackmann I–II, Sunnybrook composite ≥ 80, eFACE total ≥ 85;
* complete flaccid palsy (one side held at rest in every expression): HB V–VI, Sunnybrook ≤ 30, eFACE < 60;
* graded weakness (25, 50, 75 % of the healthy excursion): scores move monotonically.
"""

from __future__ import annotations

import itertools

from facenerve.session import SessionAssessment

GAINS = (0.0, 0.25, 0.5, 0.75, 1.0)


def _scores(session: SessionAssessment) -> tuple[int, float, float]:
    hb = session.scores["house_brackmann"].scores
    sb = session.scores["sunnybrook"].scores
    ef = session.scores["eface"].scores
    return int(hb["grade_number"]), float(sb["composite"]), float(ef["total"])


def test_healthy_session_scores_as_normal(healthy_session: SessionAssessment) -> None:
    grade, composite, total = _scores(healthy_session)
    assert grade <= 2, healthy_session.scores["house_brackmann"].to_dict()["derivation"]
    assert composite >= 80, healthy_session.scores["sunnybrook"].to_dict()["items"]
    assert total >= 85, healthy_session.scores["eface"].to_dict()["items"]


def test_complete_flaccid_palsy_scores_as_severe(flaccid_session: SessionAssessment) -> None:
    grade, composite, total = _scores(flaccid_session)
    assert grade >= 5, flaccid_session.scores["house_brackmann"].to_dict()["derivation"]
    assert composite <= 30, flaccid_session.scores["sunnybrook"].to_dict()["items"]
    assert total < 60, flaccid_session.scores["eface"].to_dict()["items"]


def test_graded_weakness_moves_scores_monotonically(graded_sessions: dict[float, SessionAssessment]) -> None:
    table = {gain: _scores(graded_sessions[gain]) for gain in GAINS}
    grades = [table[g][0] for g in GAINS]
    composites = [table[g][1] for g in GAINS]
    totals = [table[g][2] for g in GAINS]
    assert all(a >= b for a, b in itertools.pairwise(grades)), table
    assert all(a <= b for a, b in itertools.pairwise(composites)), table
    assert all(a < b for a, b in itertools.pairwise(totals)), table
    assert grades[0] > grades[-1] and composites[0] < composites[-1], table
