"""Yanagihara 40-point facial grading system [S16, S17, S18, S19].

10 items scored 0–4 each (4 normal … 0 total palsy) in the original [S16]; the common clinical form uses only
4/2/0 [S17], which the same items accept. Total 0–40: 36–40 normal, 0–8 total palsy [S17]; below 20 severe or
complete palsy in trials; recovery = 36 or more without synkinesis or contracture [S18, S19].
The item list follows S16/S17; the canonical list is unverified (some lists use cheek puff in place of depressing
the lower lip) [U].
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from facenerve.scales.base import ItemSpec, ScaleResult, ScaleSpec, line, need, validate

NAME = "yanagihara"
SOURCES = ["S16", "S17", "S18", "S19"]

NORMAL_MIN = 36  # 36–40 normal [S17]
TOTAL_PALSY_MAX = 8  # 0–8 total palsy [S17]
SEVERE_BELOW = 20  # severe/complete < 20 in trials [S18, S19]
RECOVERY_MIN = 36  # recovery = ≥ 36 without synkinesis/contracture [S18, S19]

_ITEMS = (  # [S16, S17; canonical list U]
    ("rest", "At rest"),
    ("wrinkle_forehead", "Wrinkle forehead"),
    ("blink", "Blink"),
    ("gentle_eye_closure", "Closure of the eye, gentle"),
    ("tight_eye_closure", "Closure of the eye, tight"),
    ("closure_involved_eye_alone", "Closure of the involved eye alone"),
    ("wrinkle_nose", "Wrinkle nose"),
    ("whistle", "Whistle"),
    ("grin", "Grin"),
    ("depress_lower_lip", "Depress lower lip"),
)
CHOICES: tuple[tuple[str, int], ...] = (("total palsy", 0), ("partial", 2), ("normal", 4))  # 4/2/0 form [S17]

ITEMS: tuple[ItemSpec, ...] = (
    *(
        ItemSpec(key, label, (0, 1, 2, 3, 4), 0, 4, choices=CHOICES, help="4 normal … 0 total palsy")
        for key, label in _ITEMS
    ),
    ItemSpec(
        "synkinesis_or_contracture",
        "Synkinesis or contracture present",
        (0, 1),
        0,
        1,
        choices=(("no", 0), ("yes", 1)),
        required=False,
        help="optional; needed to judge recovery [S18]",
    ),
)


def band(total: int) -> str:
    """The published band for a total [S17, S18]."""
    if total >= NORMAL_MIN:
        return "normal (36–40)"
    if total <= TOTAL_PALSY_MAX:
        return "total palsy (0–8)"
    if total < SEVERE_BELOW:
        return "severe or complete (< 20)"
    return "between the published bands (20–35)"


def score_yanagihara(data: Mapping[str, Any]) -> ScaleResult:
    """Yanagihara total out of 40 with its band and, when sequelae are given, recovery [S16–S19]."""
    values = validate(NAME, ITEMS, data)
    item_specs = {spec.key: spec for spec in ITEMS}
    total = int(sum(need(values, key) for key, _ in _ITEMS))
    scores: dict[str, float | int | str] = {"total": total, "band": band(total)}
    derivation = [
        "items: " + ", ".join(line(key, need(values, key), item_specs[key]) for key, _ in _ITEMS) + " [S16, S17]",
        f"total = sum = {total} / 40 [S16, S17]",
        f"band: {band(total)} (36–40 normal, 0–8 total palsy [S17]; < 20 severe/complete [S18, S19])",
    ]
    sequelae = values["synkinesis_or_contracture"]
    if sequelae is None and total < RECOVERY_MIN:
        scores["recovered"] = "no"
        derivation.append(f"recovered = no: total {total} < {RECOVERY_MIN}, whatever the synkinesis [S18, S19]")
    elif sequelae is None:
        scores["recovered"] = "unknown"
        derivation.append(f"recovery not judged: total {total} ≥ {RECOVERY_MIN}, but synkinesis/contracture not "
                          "given [S18]")
    else:
        recovered = total >= RECOVERY_MIN and sequelae == 0
        scores["recovered"] = "yes" if recovered else "no"
        derivation.append(
            f"recovered = total ≥ {RECOVERY_MIN} and no synkinesis/contracture: {total} ≥ {RECOVERY_MIN} is "
            f"{total >= RECOVERY_MIN}, synkinesis/contracture {'present' if sequelae else 'absent'} ⇒ "
            f"{scores['recovered']} [S18, S19]"
        )
    return ScaleResult(NAME, scores, "total", derivation, list(SOURCES), provisional=False)


SPEC = ScaleSpec(NAME, "Yanagihara 40-point system", ITEMS, score_yanagihara, sources=tuple(SOURCES))
