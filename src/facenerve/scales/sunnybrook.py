"""Sunnybrook Facial Grading System (Ross, Fradet & Nedzelski 1996) [S4–S7; item values S6].

Resting symmetry (eye, cheek, mouth) sum × 5 (0–20, 0 best); voluntary movement of 5 standard expressions, each
1–5, sum × 4 (20–100); synkinesis of the same 5 expressions, each 0–3, sum (0–15);
composite = voluntary − resting − synkinesis [S5, S7]. Reported 0–100; the arithmetic allows down to −15, so the
raw composite is kept and flagged when below 0.

The resting item points (narrow 1, absent fold 2, ...) are tagged [V2 S6] in the reference (a stored form and
concordant open-source scorers, not the primary paper), so every result is flagged ``provisional`` until they are
confirmed against Ross 1996 [S4]; the multipliers, voluntary and synkinesis grades and the composite are [V].
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from facenerve.scales.base import (
    ItemSpec,
    ItemValues,
    ScaleResult,
    ScaleSpec,
    line,
    sum_if_complete,
    validate,
)

NAME = "sunnybrook"
SOURCES = ["S4", "S5", "S6", "S7"]

RESTING_MULTIPLIER = 5  # [S4, S5]
VOLUNTARY_MULTIPLIER = 4  # [S4, S5]
RESTING_MAX = 20  # [S7]
SYNKINESIS_MAX = 15  # [S7]
PROVISIONAL = True
"""Resting item points are [V2 S6] in the reference: results are provisional until confirmed against [S4]."""

EXPRESSIONS: tuple[tuple[str, str], ...] = (
    ("brow_lift", "Brow lift (forehead wrinkle)"),
    ("gentle_eye_closure", "Gentle eye closure"),
    ("open_mouth_smile", "Open-mouth smile"),
    ("snarl", "Snarl"),
    ("lip_pucker", "Lip pucker"),
)
"""The 5 standard expressions of the voluntary and synkinesis rows [S4]."""

VOLUNTARY_CHOICES: tuple[tuple[str, int], ...] = (  # [S4]
    ("unable to initiate movement", 1),
    ("initiates slight movement", 2),
    ("initiates movement with mild excursion", 3),
    ("movement almost complete", 4),
    ("movement complete", 5),
)
SYNKINESIS_CHOICES: tuple[tuple[str, int], ...] = (  # [S4]
    ("none", 0),
    ("mild", 1),
    ("obvious but not disfiguring", 2),
    ("severe", 3),
)

VOLUNTARY_MIN = len(EXPRESSIONS) * min(p for _, p in VOLUNTARY_CHOICES) * VOLUNTARY_MULTIPLIER  # 20 [S4, S5]
VOLUNTARY_MAX = len(EXPRESSIONS) * max(p for _, p in VOLUNTARY_CHOICES) * VOLUNTARY_MULTIPLIER  # 100 [S4, S5]
COMPOSITE_RANGE = (VOLUNTARY_MIN - RESTING_MAX - SYNKINESIS_MAX, VOLUNTARY_MAX)
"""What the composite can be: −15 to 100 (reported 0–100; a raw value below 0 is kept and flagged) [S5, S7]."""
SYNKINESIS_RANGE = (0, SYNKINESIS_MAX)

RESTING_ITEMS = (
    ItemSpec(
        "resting.eye",
        "Resting symmetry: eye (palpebral fissure)",
        (0, 1),
        0,
        1,
        choices=(("normal", 0), ("narrow", 1), ("wide", 1), ("eyelid surgery", 1)),  # [S6]
    ),
    ItemSpec(
        "resting.cheek",
        "Resting symmetry: cheek (nasolabial fold)",
        (0, 1, 2),
        0,
        2,
        choices=(("normal", 0), ("absent", 2), ("less pronounced", 1), ("more pronounced", 1)),  # [S6]
    ),
    ItemSpec(
        "resting.mouth",
        "Resting symmetry: mouth",
        (0, 1),
        0,
        1,
        choices=(("normal", 0), ("corner drooped", 1), ("corner pulled up/out", 1)),  # [S6]
    ),
)
VOLUNTARY_ITEMS = tuple(
    ItemSpec(f"voluntary.{key}", f"Voluntary movement: {label}", (1, 2, 3, 4, 5), 1, 5, choices=VOLUNTARY_CHOICES)
    for key, label in EXPRESSIONS
)
SYNKINESIS_ITEMS = tuple(
    ItemSpec(f"synkinesis.{key}", f"Synkinesis: {label}", (0, 1, 2, 3), 0, 3, choices=SYNKINESIS_CHOICES)
    for key, label in EXPRESSIONS
)
ITEMS: tuple[ItemSpec, ...] = RESTING_ITEMS + VOLUNTARY_ITEMS + SYNKINESIS_ITEMS


def score_sunnybrook(data: Mapping[str, Any], *, allow_missing: bool = False) -> ScaleResult:
    """Score the Sunnybrook Facial Grading System [S4–S7].

    ``data`` holds the 13 items (see ``ITEMS``). With ``allow_missing`` a subscore whose items are all present is
    still computed; the others, and the composite, are left out and listed under ``missing``.
    """
    values = validate(NAME, ITEMS, data, allow_missing=allow_missing)
    return _score(values)


def _part(values: ItemValues, items: tuple[ItemSpec, ...], name: str) -> tuple[float | None, str, list[str]]:
    total, missing = sum_if_complete(values, [item.key for item in items])
    shown = ", ".join(
        line(item.key, v, item) if (v := values[item.key]) is not None else f"{item.key} = missing" for item in items
    )
    source = "[S4, S6]" if items is RESTING_ITEMS else "[S4]"
    return total, f"{name}: {shown} {source}", missing


def _score(values: ItemValues) -> ScaleResult:
    scores: dict[str, float | int | str] = {}
    derivation: list[str] = []
    missing: list[str] = []

    rest_sum, text, miss = _part(values, RESTING_ITEMS, "resting items")
    derivation.append(text)
    missing += miss
    if rest_sum is not None:
        resting = int(rest_sum) * RESTING_MULTIPLIER
        scores["resting"] = resting
        derivation.append(
            f"resting = sum {int(rest_sum)} × {RESTING_MULTIPLIER} = {resting} (0–{RESTING_MAX}, 0 best) [S4, S5]"
        )

    vol_sum, text, miss = _part(values, VOLUNTARY_ITEMS, "voluntary items")
    derivation.append(text)
    missing += miss
    if vol_sum is not None:
        voluntary = int(vol_sum) * VOLUNTARY_MULTIPLIER
        scores["voluntary"] = voluntary
        derivation.append(f"voluntary = sum {int(vol_sum)} × {VOLUNTARY_MULTIPLIER} = {voluntary} (20–100) [S4, S5]")

    syn_sum, text, miss = _part(values, SYNKINESIS_ITEMS, "synkinesis items")
    derivation.append(text)
    missing += miss
    if syn_sum is not None:
        synkinesis = int(syn_sum)
        scores["synkinesis"] = synkinesis
        derivation.append(f"synkinesis = sum = {synkinesis} (0–{SYNKINESIS_MAX}) [S4, S7]")

    if not missing:
        composite = int(scores["voluntary"]) - int(scores["resting"]) - int(scores["synkinesis"])
        scores["composite"] = composite
        scores["composite_below_zero"] = composite < 0
        derivation.append(
            f"composite = voluntary − resting − synkinesis = {scores['voluntary']} − {scores['resting']} − "
            f"{scores['synkinesis']} = {composite} (reported 0–100) [S5, S7]"
        )
        if composite < 0:
            derivation.append(f"composite {composite} is below the reported range 0–100; kept raw and flagged [S5, S7]")
    else:
        scores["missing"] = ", ".join(missing)
        derivation.append(f"composite not computed: missing {', '.join(missing)}")
    derivation.append(
        "provisional: the resting item points come from a secondary source [S6; V2], not yet the primary paper [S4]"
    )
    headline = "composite" if "composite" in scores else "missing"
    return ScaleResult(NAME, scores, headline, derivation, list(SOURCES), provisional=PROVISIONAL)


SPEC = ScaleSpec(
    NAME,
    "Sunnybrook Facial Grading System",
    ITEMS,
    score_sunnybrook,
    kind="clinician",
    provisional=PROVISIONAL,
    sources=tuple(SOURCES),
)
