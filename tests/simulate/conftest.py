"""Subjects for the simulator tests: the shipped faces as they are (natural, not mirrored)."""

from __future__ import annotations

import pytest

from facenerve.simulate import Subject
from tests.synth.faces import face_photo


@pytest.fixture(scope="session")
def astronaut_subject() -> Subject:
    """The astronaut photo as a subject moving the reference's mean amounts."""
    return Subject.from_photo(face_photo("astronaut"), "astronaut")


@pytest.fixture(scope="session")
def grace_subject() -> Subject:
    return Subject.from_photo(face_photo("grace_hopper"), "grace_hopper")
