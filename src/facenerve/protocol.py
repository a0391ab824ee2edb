"""The standard photo session expressions, one enum used everywhere.

Source: Sir Charles Bell Society standard set (Santosa 2017) [S78, S79]; see docs/references.md.
"""

from __future__ import annotations

from enum import StrEnum


class Expression(StrEnum):
    """A standard facial expression of the photo/video protocol [S78]."""

    REST = "rest"
    BROW_RAISE = "brow_raise"
    GENTLE_EYE_CLOSURE = "gentle_eye_closure"
    TIGHT_EYE_CLOSURE = "tight_eye_closure"
    SNARL = "snarl"
    SMILE_CLOSED = "smile_closed"
    SMILE_OPEN = "smile_open"
    PUCKER = "pucker"
    LOWER_TEETH = "lower_teeth"

    @property
    def eyes_expected_closed(self) -> bool:
        """True when the eyes are meant to be shut, so the iris cannot give the scale."""
        return self in (Expression.GENTLE_EYE_CLOSURE, Expression.TIGHT_EYE_CLOSURE)
