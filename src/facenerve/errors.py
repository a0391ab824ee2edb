"""One exception hierarchy with stable codes; shells map codes to exit statuses and messages."""

from __future__ import annotations


class FaceNerveError(Exception):
    """Base error. ``code`` is stable and machine-readable; ``str(err)`` is one line for users."""

    code = "error"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message.replace("\n", " "))
        if code is not None:
            self.code = code

    @property
    def message(self) -> str:
        return str(self)


class ImageError(FaceNerveError):
    """The input could not be read as a usable image."""

    code = "bad_image"


class FaceNotFoundError(FaceNerveError):
    """No face was found, or the face cannot be measured (too small, turned away)."""

    code = "no_face"


class CalibrationError(FaceNerveError):
    """No millimetre scale could be established (eyes closed, iris not visible)."""

    code = "no_scale"


class BackendUnavailableError(FaceNerveError):
    """A landmark backend (or its model file) is not installed."""

    code = "backend_unavailable"
