"""Synthetic sessions, analysed once per test run (each costs about 2 s of engine time)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from facenerve import Expression
from facenerve.session import SessionAssessment, analyze_session
from tests.synth.session import HEALTHY, Gains, palsy, session_photos

#: File names a clinic might use, one per expression (the guesser must place each).
VARIANT_NAMES = {
    Expression.REST: "01_rest.png",
    Expression.BROW_RAISE: "02_eyebrows_up.png",
    Expression.GENTLE_EYE_CLOSURE: "03-eyes_closed.png",
    Expression.TIGHT_EYE_CLOSURE: "04 Eyes Closed Tight.png",
    Expression.SNARL: "05_nose_wrinkle.png",
    Expression.SMILE_CLOSED: "06_closed_smile.png",
    Expression.SMILE_OPEN: "07_big_smile.png",
    Expression.PUCKER: "08_pucker.png",
    Expression.LOWER_TEETH: "09_show_bottom_teeth.png",
}


@pytest.fixture(scope="session")
def healthy_photos() -> dict[Expression, np.ndarray]:
    return session_photos(HEALTHY)


@pytest.fixture(scope="session")
def healthy_session(healthy_photos: dict[Expression, np.ndarray]) -> SessionAssessment:
    return analyze_session(healthy_photos)


@pytest.fixture(scope="session")
def graded_sessions(healthy_session: SessionAssessment) -> dict[float, SessionAssessment]:
    """Left-sided palsy moving 0 (complete flaccid), 25, 50, 75 % of the healthy excursion, and healthy (1.0)."""
    sessions = {gain: analyze_session(session_photos(palsy("left", gain))) for gain in (0.0, 0.25, 0.5, 0.75)}
    sessions[1.0] = healthy_session
    return sessions


@pytest.fixture(scope="session")
def flaccid_session(graded_sessions: dict[float, SessionAssessment]) -> SessionAssessment:
    return graded_sessions[0.0]


@pytest.fixture(scope="session")
def synkinetic_session() -> SessionAssessment:
    """A recovering left side: 75 % of the healthy excursion, and the left eye narrows by 60 % of its gap during
    mouth expressions (ocular synkinesis)."""
    return analyze_session(session_photos(Gains(left=0.75, right=1.0, eye_narrowing=0.6, synkinetic_side="left")))


@pytest.fixture(scope="session")
def session_dir(tmp_path_factory: pytest.TempPathFactory, healthy_photos: dict[Expression, np.ndarray]) -> Path:
    """A folder as a clinic would export it: variant names, one unknown name, one broken file."""
    folder = tmp_path_factory.mktemp("session")
    for expression, name in VARIANT_NAMES.items():
        Image.fromarray(healthy_photos[expression]).save(folder / name)
    Image.fromarray(healthy_photos[Expression.REST]).save(folder / "IMG_0042.png")
    (folder / "notes.txt").write_text("not a photo\n")
    return folder
