"""Photos for the demo patient: a left palsy recovering over the visits, made with the palsy simulator.

The face is scikit-image's ``astronaut`` (Eileen Collins, NASA, public domain), cropped around the face. Each demo
visit with photos gets a rest and an open-smile photo with the left side weakened by a falling fraction
(:func:`facenerve.simulate.simulate_case`); they go through the path of an upload
(:func:`~facenerve.web.clinic.photos.analyse_session`: measured, drawn, stored), so the demo shows annotated
pictures and a visit comparison. A few photos at a modest size keep the first ``make run`` quick.
"""

from __future__ import annotations

import io
import logging
from typing import Any

import numpy as np

from facenerve.errors import FaceNerveError
from facenerve.protocol import Expression
from facenerve.web.clinic.models import Assessment, AssessmentPhoto

log = logging.getLogger(__name__)

#: Days since onset of the demo visits that get photos → the fraction of left weakness simulated (recovering).
PHOTO_VISITS: dict[int, float] = {2: 1.0, 48: 0.6, 215: 0.2}
EXPRESSIONS = (Expression.REST, Expression.SMILE_OPEN)
#: The face box (x, y, w, h) in scikit-image's astronaut, and the side of the square demo photo (px).
_FACE_BOX = (170, 60, 110, 130)
PHOTO_SIDE_PX = 480


def demo_face() -> np.ndarray:
    """A square RGB crop around the astronaut's face, resampled to ``PHOTO_SIDE_PX``."""
    import cv2
    from skimage import data

    rgb = np.asarray(data.astronaut())  # type: ignore[no-untyped-call]
    x, y, w, h = _FACE_BOX
    side = int(max(w, h) * 1.9)
    cx, cy = x + w // 2, y + h // 2
    padded = cv2.copyMakeBorder(rgb, side, side, side, side, cv2.BORDER_REFLECT)
    top, left = cy - side // 2 + side, cx - side // 2 + side
    crop = padded[top : top + side, left : left + side]
    return np.ascontiguousarray(cv2.resize(crop, (PHOTO_SIDE_PX, PHOTO_SIDE_PX), interpolation=cv2.INTER_AREA))


def _jpeg(rgb: np.ndarray) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(rgb).save(buffer, format="JPEG", quality=90)
    return buffer.getvalue()


def add_demo_photos(assessments: dict[int, Assessment], *, landmark_passes: int) -> int:
    """Simulate, analyse and store the photos of the demo visits (days since onset → assessment); returns how many
    photos were stored. A failure (e.g. no face model installed) leaves the demo without photos and is logged."""
    from facenerve.simulate import Subject, simulate_case
    from facenerve.web.clinic.photos import UploadError, analyse_session
    from facenerve.web.storage import default_store

    try:
        subject = Subject.from_photo(demo_face(), "astronaut")
    except FaceNerveError as exc:
        log.warning("demo photos skipped: %s", exc)
        return 0
    stored = 0
    for day, fraction in PHOTO_VISITS.items():
        assessment = assessments.get(day)
        if assessment is None:
            continue
        files = {e: (f"{e.value}.jpg", _jpeg(simulate_case(subject, e, "left", fraction).rgb)) for e in EXPRESSIONS}
        try:
            session = analyse_session(files, default_store(), landmark_passes=landmark_passes)
        except UploadError as exc:
            log.warning("demo photos of day %d skipped: %s", day, exc)
            continue
        _attach(assessment, session)
        stored += len(session.photos)
    return stored


def _attach(assessment: Assessment, session: Any) -> None:
    """Keep a session's photos and measured figures on a demo assessment: its illustrative grades stay, and the
    session's automated estimates fill the grades it lacks (marked automated, as an upload marks them)."""
    assessment.engine_result = session.engine_result
    if session.asymmetry_index_mm is not None:
        assessment.asymmetry_index_mm = session.asymmetry_index_mm
    assessment.affected_side = session.affected_side or assessment.affected_side
    assessment.notes = "demo: simulated photos of a recovering left palsy; grades are illustrative values"
    sources = dict(assessment.summary_sources or {})
    for column, value in session.automated.items():  # as an upload does, but only where no grade is given
        if getattr(assessment, column) is None:
            setattr(assessment, column, value)
            sources[column] = "automated"
    assessment.summary_sources = sources
    assessment.save(update_fields=["engine_result", "asymmetry_index_mm", "affected_side", "notes",
                                   "summary_sources", *session.automated])
    AssessmentPhoto.objects.bulk_create(
        AssessmentPhoto(assessment=assessment, expression=p.expression.value, image_sha256=p.image_sha256,
                        annotated_sha256=p.annotated_sha256, width_px=p.width_px, height_px=p.height_px,
                        result=p.result, landmarks=p.landmarks)
        for p in session.photos
    )
