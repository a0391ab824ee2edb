"""Patient-reported outcome measures: FaCE, Facial Disability Index (FDI), Synkinesis Assessment Questionnaire.

Structures and item points follow the clinical reference [S20–S27]; every score conversion there is unverified, so
the conversions live in ``facenerve.scales.provisional`` and every result here is ``provisional``.
Item wording is not reproduced where the reference marks it unverified: items are numbered as on the validated
forms.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from facenerve.scales import provisional
from facenerve.scales.base import ItemSpec, ScaleInputError, ScaleResult, ScaleSpec, need, validate

# --- FaCE (Kahn 2001) ------------------------------------------------------------------------------------------

FACE_NAME = "face"
FACE_SOURCES = ["S20", "S21", "S22"]
FACE_ITEM_COUNT = 15  # [S20, S21]
FACE_DOMAINS = (  # [S20, S21]; which items belong to which domain is unverified [U], so no domain scores
    "facial movement",
    "facial comfort",
    "oral function",
    "eye comfort",
    "lacrimal control",
    "social function",
)
FACE_ITEMS: tuple[ItemSpec, ...] = tuple(
    ItemSpec(
        f"item_{n}",
        f"FaCE item {n}",
        (1, 2, 3, 4, 5),
        1,
        5,
        help="5-point Likert over the past week, 1 worst … 5 best [S20, S21]",
    )
    for n in range(1, FACE_ITEM_COUNT + 1)
)


def score_face(data: Mapping[str, Any]) -> ScaleResult:
    """FaCE total 0–100 (100 best) from the 15 items, pooled: 100·(Σ − 15)/60. Provisional [S20–S22]."""
    values = validate(FACE_NAME, FACE_ITEMS, data)
    answers = [int(need(values, item.key)) for item in FACE_ITEMS]
    item_sum = sum(answers)
    total = provisional.face_rescale(item_sum, FACE_ITEM_COUNT)
    derivation = [
        "items 1–15: " + ", ".join(str(a) for a in answers) + " (1 worst … 5 best) [S20, S21]",
        f"total = 100·(Σ − n)/(4n) = 100·({item_sum} − 15)/60 = {total:.2f} (0–100, 100 best) "
        "[S20, S21; formula unverified, provisional]",
        "provisional: the total pools all 15 items (S22) rather than averaging the domains (S21); the reference "
        "notes this conflict",
        "domain scores (" + ", ".join(FACE_DOMAINS) + ") not computed: the items of each domain are unverified",
    ]
    scores: dict[str, float | int | str] = {"item_sum": item_sum, "total": round(total, 2)}
    return ScaleResult(FACE_NAME, scores, "total", derivation, list(FACE_SOURCES), provisional=True)


# --- FDI (VanSwearingen & Brach 1996) --------------------------------------------------------------------------

FDI_NAME = "fdi"
FDI_SOURCES = ["S23", "S24", "S25"]
FDI_SDC_POINTS = (17.6, 17.7)  # individual smallest detectable change, points [S25]

_FDI_PHYSICAL = (  # items 1–5 [S23, S24]
    ("keeping_food_in_mouth", "Keeping food in the mouth"),
    ("drinking_from_cup", "Drinking from a cup"),
    ("saying_sounds", "Saying sounds"),
    ("eye_tearing_or_dryness", "Eye tearing or dryness"),
    ("brushing_teeth_or_rinsing", "Brushing teeth or rinsing the mouth"),
)
_FDI_SOCIAL = (  # items 6–10 [S23, S24]
    ("calm_and_peaceful", "Felt calm and peaceful"),
    ("isolated_from_people", "Isolated yourself from people"),
    ("irritable", "Irritable toward others"),
    ("waking_early_or_at_night", "Woke early or during the night"),
    ("kept_from_going_out", "Kept from going out or from social activities"),
)
FDI_POSITIVE_ITEMS = ("social.calm_and_peaceful",)
"""Positively worded social item, reverse-scored (points = 7 − answer) [S23, S24]."""
FDI_NOT_ANSWERED = 0
"""Physical answer 0 = 'not done for other reasons': not counted in N, like NA [S23, S24]."""

FDI_PHYSICAL_CHOICES: tuple[tuple[str, int], ...] = (  # [S23, S24]
    ("no difficulty", 5),
    ("much difficulty", 2),
    ("not done because of health", 1),
    ("not done for other reasons", 0),
)
FDI_SOCIAL_CHOICES: tuple[tuple[str, int], ...] = (("all of the time", 1), ("none of the time", 6))

FDI_ITEMS: tuple[ItemSpec, ...] = (
    *(
        ItemSpec(
            f"physical.{key}",
            label,
            (0, 1, 2, 3, 4, 5),
            0,
            5,
            choices=FDI_PHYSICAL_CHOICES,
            required=False,
            help="past month: 5 no difficulty … 2 much difficulty; 1 not done (health); 0 not done (other); "
            "omit or null for NA [S23, S24]",
        )
        for key, label in _FDI_PHYSICAL
    ),
    *(
        ItemSpec(
            f"social.{key}",
            label,
            (1, 2, 3, 4, 5, 6),
            1,
            6,
            choices=FDI_SOCIAL_CHOICES,
            help="past month, answer position: 1 all of the time … 6 none of the time [S23, S24]",
        )
        for key, label in _FDI_SOCIAL
    ),
)


def score_fdi(data: Mapping[str, Any]) -> ScaleResult:
    """FDI physical function and social/well-being subscales, 0–100 (100 best). Provisional [S23–S25].

    Physical items score 5 (no difficulty) … 1 (not done because of health); 0 (not done for other reasons) and
    NA (omitted or null) are not answered. Social items are given as the answer position 1 (all of the time) …
    6 (none of the time), which is their points, except the positive item, reversed to 7 − answer.
    """
    values = validate(FDI_NAME, FDI_ITEMS, data)
    derivation: list[str] = []
    physical = [(item.key, values[item.key]) for item in FDI_ITEMS if item.key.startswith("physical.")]
    answered = [(key, int(v)) for key, v in physical if v is not None and v != FDI_NOT_ANSWERED]
    skipped = [key for key, v in physical if v is None or v == FDI_NOT_ANSWERED]
    if not answered:
        raise ScaleInputError("fdi: no physical function item answered (all NA or 'not done for other reasons')")
    pf_sum, pf_n = sum(v for _, v in answered), len(answered)
    pf = provisional.fdi_physical_function(pf_sum, pf_n)
    derivation.append(
        "physical items: "
        + ", ".join(f"{key.split('.')[1]} = {v}" for key, v in answered)
        + (f"; not answered (NA or 0): {', '.join(k.split('.')[1] for k in skipped)}" if skipped else "")
        + " [S23, S24]"
    )
    derivation.append(
        f"physical function = (Σ − N)/N × 25 = ({pf_sum} − {pf_n})/{pf_n} × 25 = {pf:.2f} "
        "[S23, S24; conversion unverified, provisional]"
    )
    social_points: list[int] = []
    parts: list[str] = []
    for item in FDI_ITEMS:
        if not item.key.startswith("social."):
            continue
        answer = int(need(values, item.key))
        points = 7 - answer if item.key in FDI_POSITIVE_ITEMS else answer
        social_points.append(points)
        short = item.key.split(".")[1]
        parts.append(
            f"{short} = {answer} → {points} (reversed)" if item.key in FDI_POSITIVE_ITEMS else f"{short} = {points}"
        )
    swb_sum, swb_n = sum(social_points), len(social_points)
    swb = provisional.fdi_social_wellbeing(swb_sum, swb_n)
    derivation.append("social items: " + ", ".join(parts) + " [S23, S24]")
    derivation.append(
        f"social/well-being = (Σ − N)/N × 20 = ({swb_sum} − {swb_n})/{swb_n} × 20 = {swb:.2f} "
        "[S23, S24; conversion unverified, provisional]"
    )
    derivation.append(
        f"individual smallest detectable change ≈ {FDI_SDC_POINTS[0]:g}/{FDI_SDC_POINTS[1]:g} points [S25]"
    )
    scores: dict[str, float | int | str] = {
        "physical_function": round(pf, 2),
        "social_wellbeing": round(swb, 2),
        "physical_items_answered": pf_n,
    }
    return ScaleResult(FDI_NAME, scores, "physical_function", derivation, list(FDI_SOURCES), provisional=True)


# --- SAQ (Mehta 2007) ------------------------------------------------------------------------------------------

SAQ_NAME = "saq"
SAQ_SOURCES = ["S26", "S27"]
SAQ_ITEM_COUNT = 9  # [S26]
SAQ_ITEMS: tuple[ItemSpec, ...] = tuple(
    ItemSpec(
        f"item_{n}",
        f"SAQ item {n}",
        (1, 2, 3, 4, 5),
        1,
        5,
        help="1–5, higher = worse [S26; U]",
    )
    for n in range(1, SAQ_ITEM_COUNT + 1)
)


def score_saq(data: Mapping[str, Any]) -> ScaleResult:
    """SAQ total = Σ/45 × 100 (20–100, higher = worse synkinesis). Provisional [S26, S27]."""
    values = validate(SAQ_NAME, SAQ_ITEMS, data)
    answers = [int(need(values, item.key)) for item in SAQ_ITEMS]
    item_sum = sum(answers)
    total = provisional.saq_total(item_sum)
    derivation = [
        "items 1–9: " + ", ".join(str(a) for a in answers) + " (1–5, higher = worse) [S26]",
        f"total = Σ/45 × 100 = {item_sum}/45 × 100 = {total:.2f} (20–100, higher = worse) "
        "[S26, S27; formula unverified, provisional]",
    ]
    scores: dict[str, float | int | str] = {"item_sum": item_sum, "total": round(total, 2)}
    return ScaleResult(SAQ_NAME, scores, "total", derivation, list(SAQ_SOURCES), provisional=True)


FACE_SPEC = ScaleSpec(
    FACE_NAME,
    "Facial Clinimetric Evaluation (FaCE)",
    FACE_ITEMS,
    score_face,
    kind="patient",
    provisional=True,
    sources=tuple(FACE_SOURCES),
)
FDI_SPEC = ScaleSpec(
    FDI_NAME,
    "Facial Disability Index (FDI)",
    FDI_ITEMS,
    score_fdi,
    kind="patient",
    provisional=True,
    sources=tuple(FDI_SOURCES),
)
SAQ_SPEC = ScaleSpec(
    SAQ_NAME,
    "Synkinesis Assessment Questionnaire (SAQ)",
    SAQ_ITEMS,
    score_saq,
    kind="patient",
    provisional=True,
    sources=tuple(SAQ_SOURCES),
)
