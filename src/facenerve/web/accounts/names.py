"""One spelling per user name: NFKC-normalised, trimmed and case-folded, at creation and at login."""

from __future__ import annotations

import unicodedata


def normalise_username(raw: str) -> str:
    """``" ｃlinA\\t"`` -> ``"clina"``: the form every user name is stored, looked up and rate-limited under."""
    return unicodedata.normalize("NFKC", str(raw)).strip().casefold()[:150]
