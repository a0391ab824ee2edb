"""House–Brackmann facial nerve grading (House & Brackmann 1985) [S1, S2, S3].

Two ways to a grade I–VI:

* ``house_brackmann``: the clinician picks, per region, the description of the reference table that fits
  (gross, at rest, forehead, eye closure, mouth, secondary defects).
* ``house_brackmann_quantitative``: superior movement of the mid-brow and lateral movement of the oral commissure,
  1 point per 0.25 cm, at most 1 cm (4 points) per site, 8 points in all per side [S1]; grades I–III need complete
  eye closure and incomplete closure means IV or worse [S1, S2]; obvious synkinesis/contracture/spasm means at
  least III, function-limiting at least IV, regardless of motor function [S3].
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from facenerve.scales.base import ItemSpec, ScaleResult, ScaleSpec, need, validate

NAME = "house_brackmann"
NAME_QUANTITATIVE = "house_brackmann_quantitative"
SOURCES = ["S1", "S2", "S3"]

ROMAN = ("I", "II", "III", "IV", "V", "VI")
GRADE_NAMES = ("normal", "slight", "moderate", "moderately severe", "severe", "total")  # [S1, S2]
GRADE_RANGE = (1, len(ROMAN))  # I–VI [S1, S2]
PERCENT_FUNCTION = ("100", "76–99", "51–75", "26–50", "1–25", "0")  # per grade [S1, S2]

MM_PER_POINT = 2.5  # 1 point per 0.25 cm of movement [S1]
POINTS_PER_SITE_MAX = 4  # at most 1 cm counted per site [S1]
POINTS_MAX = 8  # brow + commissure [S1]
GRADE_BY_POINTS = {8: 1, 7: 2, 6: 3, 5: 3, 4: 4, 3: 4, 2: 5, 1: 5, 0: 6}  # brow+mouth score /8 per grade [S1, S2]


@dataclass(frozen=True)
class RegionChoice:
    """One description of the reference table for a region, and the grades it describes [S1, S2]."""

    code: int
    name: str
    grades: tuple[int, ...]


REGIONS: dict[str, tuple[str, tuple[RegionChoice, ...]]] = {  # the HB table, column by column [S1, S2]
    "gross": (
        "Gross appearance",
        (
            RegionChoice(1, "normal", (1,)),
            RegionChoice(2, "slight weakness on close inspection", (2,)),
            RegionChoice(3, "obvious but not disfiguring weakness", (3,)),
            RegionChoice(4, "obvious weakness or disfiguring asymmetry", (4,)),
            RegionChoice(5, "barely perceptible motion", (5,)),
            RegionChoice(6, "no movement, loss of tone", (6,)),
        ),
    ),
    "rest": (
        "At rest",
        (
            RegionChoice(1, "normal", (1,)),
            RegionChoice(2, "symmetric with normal tone", (2, 3, 4)),
            RegionChoice(3, "asymmetric", (5, 6)),
        ),
    ),
    "forehead": (
        "Forehead movement",
        (
            RegionChoice(1, "normal", (1,)),
            RegionChoice(2, "moderate to good function", (2,)),
            RegionChoice(3, "slight to moderate movement", (3,)),
            RegionChoice(4, "none", (4, 5, 6)),
        ),
    ),
    "eye_closure": (
        "Eye closure",
        (
            RegionChoice(1, "normal", (1,)),
            RegionChoice(2, "complete with minimal effort", (2,)),
            RegionChoice(3, "complete with effort", (3,)),
            RegionChoice(4, "incomplete", (4, 5)),
            RegionChoice(5, "none", (6,)),
        ),
    ),
    "mouth": (
        "Mouth",
        (
            RegionChoice(1, "normal", (1,)),
            RegionChoice(2, "slight asymmetry", (2,)),
            RegionChoice(3, "slightly weak with maximum effort", (3,)),
            RegionChoice(4, "asymmetric with maximum effort", (4,)),
            RegionChoice(5, "slight movement", (5,)),
            RegionChoice(6, "no movement", (6,)),
        ),
    ),
}
EYE_CLOSURE_COMPLETE_CODES = (1, 2, 3)  # normal / complete with minimal effort / complete with effort [S1, S2]

SECONDARY_CHOICES: tuple[tuple[str, int], ...] = (
    ("none", 0),
    ("very slight", 1),
    ("obvious but not disfiguring", 2),
    ("severe or function-limiting", 3),
)
SECONDARY_FLOOR = {0: 1, 1: 2, 2: 3, 3: 4}
"""Least grade implied by synkinesis/contracture/spasm: very slight at most in II [S1, S2]; obvious but not
disfiguring ⇒ III; function-limiting ⇒ IV, regardless of motor function [S3]."""
SECONDARY_RULE_PROVISIONAL_FROM = 2
"""The III/IV floors (choices 2 and 3) rest on S3, which the reference tags [V2] (a secondary summary only), so a
grade that applies them is flagged provisional."""

SECONDARY_ITEM = ItemSpec(
    "secondary",
    "Synkinesis, contracture or hemifacial spasm",
    (0, 1, 2, 3),
    0,
    3,
    choices=SECONDARY_CHOICES,
)

ITEMS: tuple[ItemSpec, ...] = (
    *(
        ItemSpec(
            key,
            label,
            tuple(c.code for c in choices),
            choices[0].code,
            choices[-1].code,
            choices=tuple((c.name, c.code) for c in choices),
        )
        for key, (label, choices) in REGIONS.items()
    ),
    SECONDARY_ITEM,
)


def roman(grade: int) -> str:
    """Grade 1–6 as the roman numeral I–VI."""
    return ROMAN[grade - 1]


def _region(key: str, code: int) -> RegionChoice:
    return next(c for c in REGIONS[key][1] if c.code == code)


def _grade_line(grade: int) -> str:
    return f"grade {roman(grade)} ({GRADE_NAMES[grade - 1]}, {PERCENT_FUNCTION[grade - 1]}% function) [S1, S2]"


def _grade_scores(grade: int) -> dict[str, float | int | str]:
    return {
        "grade": roman(grade),
        "grade_number": grade,
        "description": GRADE_NAMES[grade - 1],
        "percent_function": PERCENT_FUNCTION[grade - 1],
    }


def _apply_eye_closure_rule(grade: int, eye_closure_complete: bool | None, derivation: list[str]) -> int:
    """Eye closure in every grade [S1, S2]: grades I–III need complete closure, IV–VI have incomplete or none.

    Incomplete closure raises a grade I–III to IV. Complete closure lowers IV to III (the published III/IV
    separation [S2]); with V or VI it lowers nothing — a grade is never made milder on the eye alone — and the
    derivation asks the clinician to check the entry.
    """
    if eye_closure_complete is None:
        derivation.append("eye-closure rule not applied: eye closure not given (grades I–III need complete closure, "
                          "IV–VI have incomplete closure) [S1, S2]")
        return grade
    if not eye_closure_complete:
        if grade <= 3:
            derivation.append(f"eye closure incomplete ⇒ grade {roman(4)} at least, not {roman(grade)}: grades I–III "
                              "need complete closure [S1, S2]")
            return 4
        derivation.append(f"eye closure incomplete agrees with grade {roman(grade)} (IV–VI: incomplete) [S1, S2]")
        return grade
    if grade == 4:
        derivation.append(f"eye closure complete ⇒ grade {roman(3)}, not {roman(4)} (separates III/IV) [S2]")
        return 3
    if grade >= 5:
        derivation.append(f"eye closure complete, but grade {roman(grade)} describes incomplete closure: the grade is "
                          "kept; check the eye-closure entry [S1, S2]")
        return grade
    derivation.append(f"eye closure complete agrees with grade {roman(grade)} (I–III: complete) [S1, S2]")
    return grade


def _apply_secondary_rule(grade: int, secondary: int | None, derivation: list[str]) -> int:
    """Synkinesis/contracture/spasm set a least grade regardless of motor function [S1, S2, S3]."""
    if secondary is None:
        return grade
    floor = SECONDARY_FLOOR[secondary]
    name = SECONDARY_CHOICES[secondary][0]
    source = "[S3; V2, provisional]" if secondary >= SECONDARY_RULE_PROVISIONAL_FROM else "[S1, S2]"
    if floor > grade:
        derivation.append(
            f"secondary defects '{name}' ⇒ at least grade {roman(floor)} regardless of motor function {source}"
        )
        return floor
    derivation.append(f"secondary defects '{name}' (least grade {roman(floor)}) do not change the grade {source}")
    return grade


def score_house_brackmann(data: Mapping[str, Any]) -> ScaleResult:
    """House–Brackmann grade from the clinician's choice of description per region [S1, S2, S3].

    Each choice describes one or more grades in the reference table. FaceNerve's combination (a convention, not a
    sourced formula): the grade is the worst of the least grades the regions describe; then the eye-closure rule
    (III vs IV) [S2] and the secondary-defects rule [S3] apply.
    """
    values = validate(NAME, ITEMS, data)
    derivation: list[str] = []
    least: dict[str, int] = {}
    common = set(range(1, 7))
    spans: list[str] = []
    for key in REGIONS:
        choice = _region(key, int(need(values, key)))
        least[key] = min(choice.grades)
        common &= set(choice.grades)
        span = "–".join(dict.fromkeys((roman(min(choice.grades)), roman(max(choice.grades)))))
        spans.append(f"{key} = {choice.code} '{choice.name}' (grade {span})")
    derivation.append("regions: " + "; ".join(spans) + " [S1, S2]")
    motor = max(least.values())
    worst = [key for key, g in least.items() if g == motor]
    derivation.append(
        f"motor grade = worst region {roman(motor)} ({', '.join(worst)}) — provisional FaceNerve convention: the "
        "reference gives no rule for combining regions, so the most affected region sets the grade"
    )
    if not common:
        derivation.append("note: no single grade fits every region's description; check the choices")
    eye_code = int(need(values, "eye_closure"))
    grade = _apply_eye_closure_rule(motor, eye_code in EYE_CLOSURE_COMPLETE_CODES, derivation)
    grade = _apply_secondary_rule(grade, int(need(values, "secondary")), derivation)
    derivation.append(_grade_line(grade))
    return ScaleResult(NAME, _grade_scores(grade), "grade", derivation, list(SOURCES), provisional=True)


SIDES = ("left", "right")
BROW_EXCURSION_MAX_MM = round(10.57 + 6 * 2.51, 1)
"""Plausibility bound: normal brow elevation 10.57 ± 2.51 mm [S88], mean + 6 SD (derived arithmetic, a FaceNerve
bound). A larger value is not a human brow's movement: pixels or a wrong unit."""
COMMISSURE_EXCURSION_MAX_MM = round(9.28 + 6 * 2.83, 1)
"""Plausibility bound: normal smile commissure excursion 9.28 ± 2.83 mm [S88], mean + 6 SD (derived arithmetic)."""
CENTIMETRE_SUSPECT_MM = 2.6
"""Every movement at or under this many mm, both sides, may be centimetres: it is the bounds above read in cm."""
QUANTITATIVE_ITEMS: tuple[ItemSpec, ...] = (
    *(
        ItemSpec(
            f"brow_excursion_mm.{side}",
            f"Superior movement of the mid-brow, patient's {side} side (mm)",
            None,
            0.0,
            BROW_EXCURSION_MAX_MM,
            help=f"brow raise minus rest, mm; counted up to 10 mm [S1]; over {BROW_EXCURSION_MAX_MM:g} mm is beyond "
            "a human brow (normal 10.57 ± 2.51 mm [S88]): enter millimetres, not pixels",
        )
        for side in SIDES
    ),
    *(
        ItemSpec(
            f"commissure_excursion_mm.{side}",
            f"Lateral movement of the oral commissure, patient's {side} side (mm)",
            None,
            0.0,
            COMMISSURE_EXCURSION_MAX_MM,
            help=f"smile minus rest, mm; counted up to 10 mm [S1]; over {COMMISSURE_EXCURSION_MAX_MM:g} mm is beyond "
            "a human smile (normal 9.28 ± 2.83 mm [S88]): enter millimetres, not pixels",
        )
        for side in SIDES
    ),
    ItemSpec(
        "eye_closure_complete",
        "Eye closure on the weaker side",
        (0, 1),
        0,
        1,
        choices=(("incomplete", 0), ("complete", 1)),
        required=False,
        help="separates III from IV [S2]; if omitted the rule is not applied",
    ),
    ItemSpec(
        "secondary",
        SECONDARY_ITEM.label,
        SECONDARY_ITEM.allowed,
        SECONDARY_ITEM.minimum,
        SECONDARY_ITEM.maximum,
        choices=SECONDARY_CHOICES,
        required=False,
        help="optional; sets a least grade [S3]",
    ),
)


def site_points(movement_mm: float) -> int:
    """Points for one site: 1 per full 0.25 cm (2.5 mm) of movement, at most 4 (1 cm) [S1]."""
    # The 1e-9 guards against binary rounding of exact multiples (7.5 / 2.5); it is not a clinical number.
    return min(POINTS_PER_SITE_MAX, math.floor(movement_mm / MM_PER_POINT + 1e-9))


def grade_for_points(points: int) -> int:
    """Grade 1–6 for a brow + commissure score out of 8 (8 I, 7 II, 5–6 III, 3–4 IV, 1–2 V, 0 VI) [S1, S2]."""
    return GRADE_BY_POINTS[points]


def score_house_brackmann_quantitative(data: Mapping[str, Any]) -> ScaleResult:
    """House–Brackmann grade from brow and commissure movement in mm per side [S1, S2, S3].

    Each side scores brow points + commissure points out of 8; the weaker side (fewer points, then less movement)
    is graded. ``eye_closure_complete`` (of the weaker side) applies the III/IV rule [S2]; ``secondary`` the
    synkinesis rule [S3]. The result is provisional when ``secondary`` is 2 or 3: that rule's source is [V2].
    """
    values = validate(NAME_QUANTITATIVE, QUANTITATIVE_ITEMS, data)
    derivation: list[str] = []
    scores: dict[str, float | int | str] = {}
    totals: dict[str, tuple[int, float]] = {}
    for side in SIDES:
        brow_mm = float(need(values, f"brow_excursion_mm.{side}"))
        commissure_mm = float(need(values, f"commissure_excursion_mm.{side}"))
        brow_pts, commissure_pts = site_points(brow_mm), site_points(commissure_mm)
        total = brow_pts + commissure_pts
        scores[f"brow_points_{side}"] = brow_pts
        scores[f"commissure_points_{side}"] = commissure_pts
        scores[f"points_{side}"] = total
        totals[side] = (total, brow_mm + commissure_mm)
        derivation.append(
            f"{side}: brow {brow_mm:g} mm → {brow_pts}, commissure {commissure_mm:g} mm → {commissure_pts}; "
            f"{total}/{POINTS_MAX} (1 point per 2.5 mm, at most 4 per site) [S1]"
        )
    movements = [float(need(values, f"{site}.{side}")) for site in ("brow_excursion_mm", "commissure_excursion_mm")
                 for side in SIDES]
    if 0 < max(movements) <= CENTIMETRE_SUSPECT_MM:
        derivation.insert(0, f"check the units: every movement, the stronger side's too, is at most "
                             f"{CENTIMETRE_SUSPECT_MM:g} mm; if these are centimetres, multiply by 10 [S88]")
    weaker = min(SIDES, key=lambda s: totals[s])
    points = totals[weaker][0]
    scores["graded_side"] = weaker
    scores["points"] = points
    grade = grade_for_points(points)
    derivation.append(
        f"weaker side {weaker}: {points}/8 ⇒ grade {roman(grade)} (8 I, 7 II, 5–6 III, 3–4 IV, 1–2 V, 0 VI) [S1, S2]"
    )
    eye = values["eye_closure_complete"]
    grade = _apply_eye_closure_rule(grade, None if eye is None else bool(eye), derivation)
    secondary = values["secondary"]
    grade = _apply_secondary_rule(grade, None if secondary is None else int(secondary), derivation)
    derivation.append(_grade_line(grade))
    scores.update(_grade_scores(grade))
    provisional = secondary is not None and int(secondary) >= SECONDARY_RULE_PROVISIONAL_FROM
    if provisional:
        derivation.append("provisional: the secondary-defects rule (III/IV floors) is only in a secondary source [S3]")
    return ScaleResult(NAME_QUANTITATIVE, scores, "grade", derivation, list(SOURCES), provisional=provisional)


def grade_quantitative(
    *,
    brow_excursion_mm_left: float,
    brow_excursion_mm_right: float,
    commissure_excursion_mm_left: float,
    commissure_excursion_mm_right: float,
    eye_closure_complete: bool | None = None,
    secondary: int | None = None,
) -> ScaleResult:
    """Typed wrapper of ``score_house_brackmann_quantitative``; movements in mm, sides are the patient's."""
    data: dict[str, Any] = {
        "brow_excursion_mm.left": brow_excursion_mm_left,
        "brow_excursion_mm.right": brow_excursion_mm_right,
        "commissure_excursion_mm.left": commissure_excursion_mm_left,
        "commissure_excursion_mm.right": commissure_excursion_mm_right,
    }
    if eye_closure_complete is not None:
        data["eye_closure_complete"] = int(eye_closure_complete)
    if secondary is not None:
        data["secondary"] = secondary
    return score_house_brackmann_quantitative(data)


SPEC = ScaleSpec(
    NAME,
    "House–Brackmann (clinician's choices)",
    ITEMS,
    score_house_brackmann,
    provisional=True,
    sources=tuple(SOURCES),
)
SPEC_QUANTITATIVE = ScaleSpec(
    NAME_QUANTITATIVE,
    "House–Brackmann (quantitative brow + commissure)",
    QUANTITATIVE_ITEMS,
    score_house_brackmann_quantitative,
    sources=tuple(SOURCES),
)
