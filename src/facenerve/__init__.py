"""FaceNerve: objective facial palsy assessment.

>>> import facenerve
>>> result = facenerve.analyze_photo("face.jpg")          # doctest: +SKIP
>>> result.asymmetry.affected_side, result.metrics["brow_height"].left   # doctest: +SKIP
"""

from facenerve.batch import run_batch
from facenerve.engine.analyze import analyze_photo, get_detector
from facenerve.engine.assessment import MetricValue, PhotoAssessment
from facenerve.engine.calibrate import DEFAULT_IRIS_MM
from facenerve.engine.landmarks import create_detector
from facenerve.engine.metrics import METRICS
from facenerve.errors import (
    BackendUnavailableError,
    CalibrationError,
    FaceNerveError,
    FaceNotFoundError,
    ImageError,
)
from facenerve.protocol import Expression
from facenerve.session import SessionAssessment, analyze_session

__version__ = "0.1.0"

__all__ = [
    "DEFAULT_IRIS_MM",
    "METRICS",
    "BackendUnavailableError",
    "CalibrationError",
    "Expression",
    "FaceNerveError",
    "FaceNotFoundError",
    "ImageError",
    "MetricValue",
    "PhotoAssessment",
    "SessionAssessment",
    "__version__",
    "analyze_photo",
    "analyze_session",
    "create_detector",
    "get_detector",
    "run_batch",
]
