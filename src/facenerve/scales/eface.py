"""eFACE clinician-graded facial function scale (Banks, Hadlock et al. 2015) [S10–S14].

15 items in the MEEI set [S12, S13, S14]: static (4), dynamic (7), synkinesis (4). Anchors: 100 = normal or
balanced; bidirectional items run 0–200 with 100 balanced (palpebral fissure at rest: 0 wide, 200 narrow);
closure items 0 incomplete → 100 complete [S12]. The subscores and total use the reference's provisional formulas
(``facenerve.scales.provisional``): fold 0–200 items as 100 − |x − 100|, subscore = item mean,
total = (static + 2·dynamic + synkinesis) / 4. Results are flagged ``provisional``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from facenerve.scales import provisional
from facenerve.scales.base import ItemSpec, ItemValues, ScaleResult, ScaleSpec, validate

NAME = "eface"
SOURCES = ["S10", "S11", "S12", "S13", "S14"]
COMPLETE_PALSY_BELOW = 60.0  # eFACE total < 60 ≈ complete flaccid palsy [S13]

_STATIC = (
    ("brow", "Brow at rest", "100 balanced; 0 and 200 the extremes of imbalance"),
    ("palpebral_fissure", "Palpebral fissure at rest", "0 wide, 100 balanced, 200 narrow [S12]"),
    ("nasolabial_fold_depth", "Nasolabial fold depth at rest", "100 balanced; 0 and 200 the extremes of imbalance"),
    ("oral_commissure", "Oral commissure at rest", "100 balanced; 0 and 200 the extremes of imbalance"),
)
_DYNAMIC = (
    ("brow_elevation", "Brow elevation", "0 none, 100 normal"),
    ("gentle_eye_closure", "Gentle eye closure", "0 incomplete, 100 complete [S12]"),
    ("full_eye_closure", "Full eye closure", "0 incomplete, 100 complete [S12]"),
    ("nasolabial_fold_depth_smile", "Nasolabial fold depth with smile", "0 none, 100 normal"),
    ("nasolabial_fold_orientation_smile", "Nasolabial fold orientation with smile", "0 none, 100 normal"),
    ("oral_commissure_smile", "Oral commissure movement with smile", "0 none, 100 normal"),
    ("lower_lip_eeee", "Lower-lip (depressor labii) movement saying EEEE", "0 none, 100 normal"),
)
_SYNKINESIS = (
    ("ocular", "Ocular synkinesis", "0 severe, 100 none"),
    ("midfacial", "Midfacial synkinesis", "0 severe, 100 none"),
    ("mentalis", "Mentalis synkinesis", "0 severe, 100 none"),
    ("platysmal", "Platysmal synkinesis", "0 severe, 100 none"),
)

BIDIRECTIONAL_GROUPS = ("static",)
"""Groups whose items use the 0–200 balanced scale. The reference names the palpebral fissure at rest [S12]; that
all four resting items (deviation either way from balance) are bidirectional and the dynamic and synkinesis items
are 0–100 is FaceNerve's provisional reading, kept here so it can be corrected."""

TOTAL_RANGE = (0.0, 100.0)
"""What the total can be: every subscore is a mean of (folded) items of 0–100, and the total their weighted mean."""

GROUPS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "static": _STATIC,
    "dynamic": _DYNAMIC,
    "synkinesis": _SYNKINESIS,
}


def _item(group: str, key: str, label: str, anchors: str) -> ItemSpec:
    upper = 200.0 if group in BIDIRECTIONAL_GROUPS else 100.0
    return ItemSpec(f"{group}.{key}", label, None, 0.0, upper, help=anchors)


ITEMS: tuple[ItemSpec, ...] = tuple(
    _item(group, key, label, anchors) for group, rows in GROUPS.items() for key, label, anchors in rows
)


def score_eface(data: Mapping[str, Any], *, allow_missing: bool = False) -> ScaleResult:
    """Score eFACE from its 15 items; provisional formulas [S10–S14].

    With ``allow_missing`` a subscore is computed from the items present (named in the derivation), and the total
    from the subscores whenever all three exist: when items are missing it is flagged ``partial`` (true) and the
    missing items are listed under ``missing`` (and named in the derivation).
    """
    values = validate(NAME, ITEMS, data, allow_missing=allow_missing)
    return _score(values)


def _score(values: ItemValues) -> ScaleResult:
    scores: dict[str, float | int | str] = {}
    derivation: list[str] = []
    missing: list[str] = []
    for group, rows in GROUPS.items():
        folded: list[float] = []
        parts: list[str] = []
        for key, _, _ in rows:
            full = f"{group}.{key}"
            raw = values[full]
            if raw is None:
                missing.append(full)
                continue
            if group in BIDIRECTIONAL_GROUPS:
                item_score = provisional.eface_fold_bidirectional(float(raw))
                parts.append(f"{key} {raw:g} → {item_score:g}")
            else:
                item_score = float(raw)
                parts.append(f"{key} {raw:g}")
            folded.append(item_score)
        if not folded:
            derivation.append(f"{group}: no items given; subscore not computed")
            continue
        subscore = provisional.eface_subscore(folded)
        scores[group] = round(subscore, 2)
        fold_note = " (0–200 items folded as 100 − |x − 100|)" if group in BIDIRECTIONAL_GROUPS else ""
        partial = f", {len(folded)} of {len(rows)} items" if len(folded) < len(rows) else ""
        if partial:  # a subscore from some of its items is flagged, never shown as a plain number
            scores[f"{group}_items"] = f"{len(folded)} of {len(rows)} (partial)"
        derivation.append(
            f"{group} = mean of {', '.join(parts)}{fold_note} = {subscore:.2f}{partial} [S10, S12; provisional]"
        )
    if all(group in scores for group in GROUPS):
        total = provisional.eface_total(float(scores["static"]), float(scores["dynamic"]), float(scores["synkinesis"]))
        scores["total"] = round(total, 2)
        derivation.append(
            f"total = (static + 2·dynamic + synkinesis) / 4 = ({scores['static']:g} + 2·{scores['dynamic']:g} + "
            f"{scores['synkinesis']:g}) / 4 = {total:.2f} [S10; equation unverified, provisional]"
        )
        if missing:
            scores["partial"] = True
            derivation.append(
                f"partial total: from the subscores of the {len(ITEMS) - len(missing)} of {len(ITEMS)} items given; "
                f"missing {', '.join(missing)}"
            )
        if total < COMPLETE_PALSY_BELOW:
            derivation.append(f"total < {COMPLETE_PALSY_BELOW:g} ≈ complete flaccid palsy [S13]")
    else:
        absent = [group for group in GROUPS if group not in scores]
        derivation.append(f"total not computed: no items given for {', '.join(absent)}")
    if missing:
        scores["missing"] = ", ".join(missing)
    derivation.append(
        "provisional: the eFACE total regression equation is unverified; FaceNerve uses the reference's stand-in"
    )
    headline = "total" if "total" in scores else "missing"
    return ScaleResult(NAME, scores, headline, derivation, list(SOURCES), provisional=True)


SPEC = ScaleSpec(NAME, "eFACE", ITEMS, score_eface, kind="clinician", provisional=True, sources=tuple(SOURCES))
