"""How asymmetric healthy faces are: the spread of each weakness sign's left–right reading, per expression.

The table is ``engine/data/norms.csv``: one row per (expression, measure) with the spread (the standard deviation
of the reading in healthy faces, in the measure's unit), its n and its origin:

* ``reference``: a figure of the clinical reference (its S-key in ``source``), e.g. the resting commissure tilt,
  0.2 ± 1.4° in 1,282 volunteers [S92];
* ``derived``: arithmetic on a reference figure, shown in the note, e.g. the landmark floor MDC95 1.3 mm / 1.96
  [S91], or a 9 % side difference [S90] expressed as a balance;
* ``facenerve``: measured by FaceNerve on the healthy faces it ships or generates (``scripts/measure_norms.py``:
  the two real faces pip packages ship, natural and mirrored, in synthetic expressions with the sides moving 0 and
  ±9 % apart [S90], with roll and JPEG repeats). n = 2 faces: a thin norm, said so wherever it is shown.

Evidence is a reading divided by its spread (:func:`standardise`): a value in units of normal variation.

Example
-------
>>> from facenerve.protocol import Expression
>>> norm = norm_for(Expression.REST, "commissure_tilt")
>>> (norm.spread, norm.n, norm.origin, norm.source)
(1.4, 1282, 'reference', 'S92')
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Literal

from facenerve.protocol import Expression

Origin = Literal["reference", "derived", "facenerve"]
#: Pseudo-expression of the session-level rows (movement from rest, measured between two photos).
SESSION = "session"


@dataclass(frozen=True)
class Norm:
    """The spread of one reading in healthy faces, with where it comes from."""

    expression: str
    measure: str
    unit: str
    spread: float
    n: int | None
    origin: Origin
    source: str
    measured_spread: float | None
    measured_photos: int | None
    note: str

    @property
    def citation(self) -> str:
        """One line saying where the figure comes from."""
        n = f"n = {self.n}" if self.n else "n not given"
        if self.origin == "facenerve":
            return f"measured by FaceNerve on {self.n} shipped healthy faces ({self.measured_photos} photos)"
        return f"{self.origin} [{self.source}], {n}"


def _optional_int(text: str) -> int | None:
    return int(text) if text.strip() else None


def _optional_float(text: str) -> float | None:
    return float(text) if text.strip() else None


@cache
def norm_table() -> dict[tuple[str, str], Norm]:
    """Every row of ``engine/data/norms.csv``, keyed by (expression value, measure)."""
    text = resources.files("facenerve.engine").joinpath("data/norms.csv").read_text(encoding="utf-8")
    table: dict[tuple[str, str], Norm] = {}
    for row in csv.DictReader(text.splitlines()):
        origin = row["origin"]
        if origin not in ("reference", "derived", "facenerve"):
            raise ValueError(f"norms.csv: unknown origin {origin!r}")
        norm = Norm(
            expression=row["expression"],
            measure=row["measure"],
            unit=row["unit"],
            spread=float(row["spread"]),
            n=_optional_int(row["n"]),
            origin=origin,  # type: ignore[arg-type]
            source=row["source"],
            measured_spread=_optional_float(row["measured_spread"]),
            measured_photos=_optional_int(row["measured_photos"]),
            note=row["note"],
        )
        if not norm.spread > 0:
            raise ValueError(f"norms.csv: spread of {norm.expression}/{norm.measure} must be positive")
        table[(norm.expression, norm.measure)] = norm
    return table


def norm_for(expression: Expression | str, measure: str) -> Norm:
    """The norm of ``measure`` in ``expression``; raises ``KeyError`` when the table has none."""
    key = expression.value if isinstance(expression, Expression) else expression
    return norm_table()[(key, measure)]


def standardise(expression: Expression | str, measure: str, reading: float) -> float:
    """``reading`` in units of its normal spread (a z value: about N(0, 1) in healthy faces)."""
    return reading / norm_for(expression, measure).spread
