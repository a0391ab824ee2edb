"""Landmark backends behind one interface: MediaPipe Face Mesh (default) and dlib 68-point."""

from __future__ import annotations

from pathlib import Path

from facenerve.engine.landmarks.base import (
    SIDES,
    Detection,
    FaceAnatomy,
    LandmarkDetector,
    Side,
    SideAnatomy,
)
from facenerve.engine.landmarks.mesh_roi import check_landmark_passes
from facenerve.errors import FaceNerveError

BACKENDS = ("mediapipe", "dlib")


def check_passes_for_backend(backend: str, landmark_passes: int) -> int:
    """``landmark_passes`` if valid (1–3) for ``backend``; else ``FaceNerveError`` (``bad_option``).

    Repeated passes are a MediaPipe option; dlib takes 1.
    """
    check_landmark_passes(landmark_passes)
    if landmark_passes != 1 and backend != "mediapipe":
        raise FaceNerveError("--passes applies to the mediapipe backend only", code="bad_option")
    return landmark_passes


def create_detector(
    backend: str = "mediapipe", *, predictor_path: Path | None = None, landmark_passes: int = 1
) -> LandmarkDetector:
    """Create a landmark detector. Load once per process and reuse; call ``close()`` when done.

    ``landmark_passes`` (1–3, MediaPipe only): landmark passes per face region, averaged.
    """
    if backend == "mediapipe":
        if predictor_path is not None:
            raise FaceNerveError("--predictor applies to the dlib backend only", code="bad_option")
        from facenerve.engine.landmarks.mediapipe import MediaPipeDetector

        return MediaPipeDetector(landmark_passes=landmark_passes)
    if backend == "dlib":
        check_passes_for_backend(backend, landmark_passes)
        from facenerve.engine.landmarks.dlib import DlibDetector

        return DlibDetector(predictor_path=predictor_path)
    raise FaceNerveError(f"unknown backend {backend!r}; choose from {', '.join(BACKENDS)}", code="bad_option")


__all__ = [
    "BACKENDS",
    "SIDES",
    "Detection",
    "FaceAnatomy",
    "LandmarkDetector",
    "Side",
    "SideAnatomy",
    "check_passes_for_backend",
    "create_detector",
]
