"""Download file names built from user-entered text (a patient identifier), safe in a ``Content-Disposition``."""

from __future__ import annotations

import re
import unicodedata

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_file_stem(text: str, fallback: str = "patient", max_length: int = 60) -> str:
    """``text`` cut down to ASCII letters, digits, ``.``, ``_`` and ``-``: accents dropped (``Ü`` → ``U``), each run
    of anything else one ``-``, no leading or trailing ``.``/``-``/``_`` (so never ``..`` alone or a hidden file),
    at most ``max_length`` characters; ``fallback`` when nothing is left. No quote, slash, backslash or line break
    can survive, so the result goes between the quotes of ``filename="…"`` as it is."""
    ascii_only = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    stem = _UNSAFE.sub("-", ascii_only).strip("-._")[:max_length].rstrip("-._")
    return stem or fallback
