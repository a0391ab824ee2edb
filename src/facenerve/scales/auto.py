"""Automated grading: session measurements → scale items, each with its derivation, then exact scoring.

The estimators here only turn measurements into item values; the totals come from the exact scorers
(``facenerve.scales``), so the scoring logic lives in one place. Every item carries a derivation (the measurements
used, the formula and the thresholds with their sources). All automated grades are **provisional**: the bands
below that map measurements to items are FaceNerve's choices, anchored on the reference's numbers as cited, not
published mappings. Items that cannot be measured from landmarks are left out and listed under ``missing``.

Anchors used (clinical reference):

* test–retest minimal detectable change of 3-D smile measures, MDC95 1.3 mm (lower bound of 1.3–1.5) [S91],
  applied to every 2-D photo measure (FaceNerve convention);
* normal dynamic asymmetry 7–9 % (symmetry index 91–93 %) [S90];
* House–Brackmann % function bands 76–99 / 51–75 / 26–50 / 1–25 / 0 [S1, S2];
* eye narrowing during smile: normal 21.6 ± 13.4 %, synkinetic 32.7 ± 13.7 %, a 11.1-point difference [S85].
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from facenerve.engine.landmarks.base import Side
from facenerve.protocol import Expression
from facenerve.scales.base import ScaleResult
from facenerve.scales.eface import GROUPS as EFACE_GROUPS
from facenerve.scales.eface import score_eface
from facenerve.scales.house_brackmann import score_house_brackmann_quantitative
from facenerve.scales.sunnybrook import ITEMS as SUNNYBROOK_ITEMS
from facenerve.scales.sunnybrook import score_sunnybrook
from facenerve.session.dynamics import MINIMAL_DETECTABLE_CHANGE_MM, SideValues
from facenerve.session.measures import NORMAL_DYNAMIC_ASYMMETRY, SessionMeasures

#: Ratios at or above this are within normal dynamic asymmetry (symmetry index ≥ 91 % [S90]).
NORMAL_RATIO = round(1.0 - NORMAL_DYNAMIC_ASYMMETRY, 6)
#: Sunnybrook voluntary 1–5 from the affected/healthy excursion ratio (provisional): 5 within normal asymmetry
#: (≥ 0.91 [S90]); 4 from 0.51, 3 from 0.26, else 2 — the HB % function band edges 51 % and 26 % [S1, S2];
#: 1 when the affected side moved less than the minimal detectable change, 1.3 mm [S91].
VOLUNTARY_BANDS: tuple[tuple[float, int], ...] = ((NORMAL_RATIO, 5), (0.51, 4), (0.26, 3), (0.0, 2))
#: One synkinesis grade step of eye narrowing, percentage points: synkinetic − normal mean narrowing during smile,
#: 32.7 − 21.6 % [S85]. Grades 0–3 at < 1, < 2, < 3, ≥ 3 steps (provisional).
EYE_NARROWING_STEP_PCT = round(32.7 - 21.6, 6)
#: One synkinesis grade step of commissure movement during eye expressions: the MDC95, 1.3 mm [S91] (provisional).
COMMISSURE_MOVEMENT_STEP_MM = MINIMAL_DETECTABLE_CHANGE_MM
#: HB quantitative: the healthy side's movement is set to the most that counts per site, 1 cm [S1].
HB_SITE_MAX_MM = 10.0

#: eFACE items that face landmarks cannot show; the total is computed without them (provisional).
EFACE_NOT_MEASURABLE = (
    "static.nasolabial_fold_depth",
    "dynamic.nasolabial_fold_depth_smile",
    "synkinesis.mentalis",
    "synkinesis.platysmal",
)
#: The headline score of each automated estimate: scale → score key.
HEADLINES: dict[str, str] = {"house_brackmann": "grade", "sunnybrook": "composite", "eface": "total"}
PROVISIONAL_NOTE = (
    "automated estimate: bands mapping measurements to items are FaceNerve's provisional choices (see derivation)"
)


class NoPhoto(str):
    """A reason for a missing item that is a missing (or failed) photo, not an unmeasurable movement."""

    __slots__ = ()


@dataclass(frozen=True)
class ItemEstimate:
    """One estimated item: its value, or None with the reason it could not be measured."""

    key: str
    value: float | int | None
    derivation: str

    @property
    def photo_missing(self) -> bool:
        """True when the item is missing because its photo (or the rest photo) is missing or failed."""
        return self.value is None and isinstance(self.derivation, NoPhoto)


@dataclass(frozen=True)
class AutoScore:
    """An automated grade: the estimated items and the exact scorer's result."""

    scale: str
    items: dict[str, ItemEstimate]
    result: ScaleResult | None
    derivation: list[str] = field(default_factory=list)
    provisional: bool = True
    extra_scores: dict[str, float | int | str] = field(default_factory=dict)

    @property
    def missing(self) -> list[str]:
        return [key for key, item in self.items.items() if item.value is None]

    @property
    def headline(self) -> str:
        """The key of the headline score (:data:`HEADLINES`); absent from ``scores`` when items are missing."""
        return HEADLINES[self.scale]

    @property
    def scores(self) -> dict[str, float | int | str]:
        base = dict(self.result.scores) if self.result is not None else {}
        base.pop("missing", None)
        return {**base, **self.extra_scores}

    def to_dict(self) -> dict[str, Any]:
        """``{<scores>..., "items", "missing", "derivation", "sources", "provisional"}``."""
        result_lines = self.result.derivation if self.result is not None else []
        return {
            **self.scores,
            "items": {k: {"value": i.value, "derivation": i.derivation} for k, i in self.items.items()},
            "missing": self.missing,
            "derivation": [*self.derivation, *result_lines],
            "sources": sorted({*(self.result.sources if self.result else []), "S85", "S90", "S91"}),
            "provisional": self.provisional,
        }


def _fmt(value: float | None, unit: str = "") -> str:
    return "—" if value is None else f"{value:.2f}{unit}"


def _sides(v: SideValues) -> str:
    return f"{v.name} right {v.right:.2f}, left {v.left:.2f} {v.unit}"


def _ratio_text(v: SideValues) -> str:
    ref = v.reference_side or "—"
    other = {"left": "right", "right": "left"}.get(ref, "—")
    return f"ratio {other}/{ref} = {_fmt(v.ratio)}"


def _compared(v: SideValues) -> float:
    """The compared (affected or weaker) side's value."""
    return v.left if v.reference_side == "right" else v.right


# --- Sunnybrook -----------------------------------------------------------------------------------------------

#: The photos each Sunnybrook expression row is read from (voluntary and synkinesis items alike).
SUNNYBROOK_EXPRESSIONS: dict[str, tuple[Expression, ...]] = {
    "brow_lift": (Expression.BROW_RAISE,),
    "gentle_eye_closure": (Expression.GENTLE_EYE_CLOSURE,),
    "open_mouth_smile": (Expression.SMILE_OPEN, Expression.SMILE_CLOSED),
    "snarl": (Expression.SNARL,),
    "lip_pucker": (Expression.PUCKER,),
}


def voluntary_band(v: SideValues) -> tuple[int | None, str]:
    """Sunnybrook voluntary 1–5 from an excursion (see ``VOLUNTARY_BANDS``)."""
    if v.ratio is None:
        return None, f"{_sides(v)}: the reference side moved < {MINIMAL_DETECTABLE_CHANGE_MM} mm, no ratio [S91]"
    moved = _compared(v)
    if moved < MINIMAL_DETECTABLE_CHANGE_MM:
        return 1, f"{_sides(v)}: weaker side moved {moved:.2f} < {MINIMAL_DETECTABLE_CHANGE_MM} mm (MDC95 [S91]) → 1"
    ratio = round(v.ratio, 6)  # so that a ratio printed as 0.91 is not 0.90999… below its band edge
    for edge, points in VOLUNTARY_BANDS:
        if ratio >= edge:
            return points, (
                f"{_sides(v)}; {_ratio_text(v)} ≥ {edge:.2f} → {points} "
                "(bands ≥0.91 →5 [S90], ≥0.51 →4, ≥0.26 →3 [S1, S2], else 2; provisional)"
            )
    return 2, f"{_sides(v)}; {_ratio_text(v)} → 2 (moved, but against the healthy side's direction; provisional)"


def synkinesis_band(excess: float, step: float) -> int:
    """0–3: excess below 1, 2, 3 steps, or beyond (provisional)."""
    steps = round(excess / step, 6)
    return 0 if steps < 1 else 1 if steps < 2 else 2 if steps < 3 else 3


def _synkinesis_item(m: SessionMeasures, expressions: tuple[Expression, ...]) -> tuple[int | None, str]:
    for expression in expressions:
        value = m.synkinesis_on(expression)
        if value is None:
            continue
        step = EYE_NARROWING_STEP_PCT if value.unit == "%" else COMMISSURE_MOVEMENT_STEP_MM
        band = synkinesis_band(value.excess, step)
        what = "eye narrowing" if value.unit == "%" else "commissure movement"
        src = "S85" if value.unit == "%" else "S91"
        return band, (
            f"{what} during {expression.value}: right {value.right:.1f}, left {value.left:.1f} {value.unit}; "
            f"excess of {value.affected_side or 'either side'} {value.excess:.1f} {value.unit}; step {step:.1f} "
            f"{value.unit} [{src}] → {band} (0 <1 step, 1 <2, 2 <3, else 3; provisional)"
        )
    return None, NoPhoto(f"no usable {'/'.join(e.value for e in expressions)} photo")


def _rest_side_items(m: SessionMeasures) -> tuple[Side | None, str]:
    if m.affected is not None:
        return m.affected, f"affected side {m.affected} ({m.affected_side_basis})"
    rest_call = m.rest.asymmetry.affected_side if m.rest is not None and m.rest.asymmetry else "none"
    if rest_call in ("left", "right"):
        return rest_call, f"affected side {rest_call} from the rest photo"  # type: ignore[return-value]
    return None, "no affected side found"


def _resting_item(
    m: SessionMeasures, metric: str, higher: tuple[str, int], lower: tuple[str, int]
) -> tuple[int | None, str]:
    """Compare the affected side's rest metric with the healthy side's; beyond the MDC95 [S91] is abnormal."""
    if m.rest is None or metric not in m.rest.metrics:
        return None, NoPhoto("no rest photo")
    value = m.rest.metrics[metric]
    if value.left is None or value.right is None:
        return None, f"{metric} not measured"
    affected, why = _rest_side_items(m)
    step = MINIMAL_DETECTABLE_CHANGE_MM
    if affected is None:
        diff = abs(value.left - value.right)
        points = 1 if diff > step else 0
        return points, (
            f"{metric} right {value.right:.2f}, left {value.left:.2f} mm; {why}; |difference| {diff:.2f} mm "
            f"{'>' if points else '≤'} {step} mm (MDC95 [S91]) → {points} (provisional)"
        )
    healthy = "left" if affected == "right" else "right"
    diff = (value.left if affected == "left" else value.right) - (value.left if healthy == "left" else value.right)
    name, points = higher if diff > step else lower if diff < -step else ("normal", 0)
    return points, (
        f"{metric} right {value.right:.2f}, left {value.left:.2f} mm; {why}; affected − healthy {diff:+.2f} mm vs "
        f"±{step} mm (MDC95 [S91]) → {name} = {points} (provisional)"
    )


def _cheek_item(m: SessionMeasures) -> tuple[int | None, str]:
    """Nasolabial fold proxy: the commissure's lateral offset from the alar base, affected vs healthy [S91]."""
    if m.rest_geometry is None:
        return None, NoPhoto("no rest photo")
    offsets: dict[str, float] = {
        s: float(g.anatomy.commissure[0] - g.anatomy.alar_base[0]) for s, g in m.rest_geometry.items()
    }
    affected, why = _rest_side_items(m)
    step = MINIMAL_DETECTABLE_CHANGE_MM
    text = f"commissure lateral to alar base: right {offsets['right']:.2f}, left {offsets['left']:.2f} mm; {why}"
    if affected is None:
        diff = abs(offsets["left"] - offsets["right"])
        points = 1 if diff > step else 0
        return points, f"{text}; |difference| {diff:.2f} mm vs {step} mm [S91] → {points} (fold proxy, provisional)"
    healthy = "left" if affected == "right" else "right"
    diff = offsets[affected] - offsets[healthy]
    name, points = (
        ("less pronounced", 1) if diff < -step else ("more pronounced", 1) if diff > step else ("normal", 0)
    )
    return points, (
        f"{text}; affected − healthy {diff:+.2f} mm vs ±{step} mm [S91] → {name} = {points} "
        "(landmark proxy of the fold; 'absent' (2) cannot be told from landmarks; provisional)"
    )


def estimate_sunnybrook(m: SessionMeasures) -> AutoScore:
    """Sunnybrook estimate: resting items from the rest photo, voluntary 1–5 from excursion-ratio bands,
    synkinesis 0–3 from the synkinesis measures [S4–S7; bands provisional]."""
    items: dict[str, ItemEstimate] = {}

    def put(key: str, estimate: tuple[int | None, str]) -> None:
        items[key] = ItemEstimate(key, estimate[0], estimate[1])

    put("resting.eye", _resting_item(m, "palpebral_fissure_height", ("wide", 1), ("narrow", 1)))
    put("resting.cheek", _cheek_item(m))
    put("resting.mouth", _resting_item(m, "commissure_height", ("corner drooped", 1), ("corner pulled up/out", 1)))
    for key, expressions in SUNNYBROOK_EXPRESSIONS.items():
        excursion = next((v for e in expressions if (v := m.primary(e)) is not None), None)
        if excursion is None:
            put(f"voluntary.{key}", (None, NoPhoto(f"no usable {'/'.join(e.value for e in expressions)} photo")))
        else:
            put(f"voluntary.{key}", voluntary_band(excursion))
    for key, expressions in SUNNYBROOK_EXPRESSIONS.items():
        put(f"synkinesis.{key}", _synkinesis_item(m, expressions))
    assert {i.key for i in SUNNYBROOK_ITEMS} == set(items)
    data = {k: i.value for k, i in items.items() if i.value is not None}
    result = score_sunnybrook(data, allow_missing=True)
    return AutoScore("sunnybrook", items, result, [PROVISIONAL_NOTE])


# --- eFACE ----------------------------------------------------------------------------------------------------


def _clip(value: float, upper: float) -> float:
    return round(max(0.0, min(upper, value)), 1)


def _static_ratio(
    m: SessionMeasures, metric: str, formula: Callable[[float], float], text: str
) -> tuple[float | None, str]:
    if m.rest is None or metric not in m.rest.metrics:
        return None, NoPhoto("no rest photo")
    value = m.rest.metrics[metric]
    if value.left is None or value.right is None:
        return None, f"{metric} not measured"
    affected, why = _rest_side_items(m)
    if affected is None:
        healthy_value, affected_value = max(value.left, value.right), min(value.left, value.right)
        why += "; smaller over larger"
    else:
        healthy_value = value.right if affected == "left" else value.left
        affected_value = value.left if affected == "left" else value.right
    if healthy_value <= 0:
        return None, f"{metric}: healthy side value {healthy_value:.2f} mm, no ratio"
    r = affected_value / healthy_value
    item = _clip(formula(r), 200.0)
    return item, f"{metric} right {value.right:.2f}, left {value.left:.2f} mm; {why}; r = {r:.3f}; {text} = {item}"


def _dynamic_ratio(m: SessionMeasures, expression: Expression, name: str, label: str) -> tuple[float | None, str]:
    v = m.value(expression, name)
    if v is None:
        return None, NoPhoto(f"no usable {expression.value} photo")
    if v.ratio is None:
        return None, f"{_sides(v)}: the reference side moved too little for a ratio [S91]"
    item = _clip(100.0 * v.ratio, 100.0)
    return item, f"{label}: {_sides(v)}; {_ratio_text(v)}; item = 100 × ratio, clipped 0–100 = {item}"


def _synkinesis_eface(m: SessionMeasures, expressions: tuple[Expression, ...], step: float) -> tuple[float | None, str]:
    values = [v for e in expressions if (v := m.synkinesis_on(e)) is not None]
    if not values:
        return None, NoPhoto(f"no usable {'/'.join(e.value for e in expressions)} photo")
    worst = max(values, key=lambda v: v.excess)
    severe = 3 * step
    item = _clip(100.0 * (1.0 - max(0.0, worst.excess) / severe), 100.0)
    return item, (
        f"largest excess {worst.excess:.1f} {worst.unit} during {worst.expression} (right {worst.right:.1f}, left "
        f"{worst.left:.1f}); item = 100 × (1 − excess / {severe:.1f}), where {severe:.1f} {worst.unit} = 3 steps "
        f"[{'S85' if worst.unit == '%' else 'S91'}] marks severe; clipped 0–100 = {item} (provisional)"
    )


def estimate_eface(m: SessionMeasures) -> AutoScore:
    """eFACE estimate from transparent affected/healthy ratios [S10–S14; mappings provisional].

    Static items (0–200, 100 balanced) are 100 × the rest-photo ratio, turned so that the anchors hold (fissure:
    0 wide, 200 narrow; commissure: 0 low). Dynamic items are 100 × the excursion ratio. Synkinesis items fall
    from 100 by the affected side's excess movement. Nasolabial fold depth and mentalis/platysmal synkinesis are
    not measurable from landmarks and are left out; the total then uses the subscores of the measured items. An
    item whose photo is missing or failed, or that its photo could not measure (the healthy side moved too little
    for a ratio), is left out and named, and the total is flagged ``partial`` (issue 19: it used to be withheld).
    The total is withheld only when a whole subscore has no measured item.
    """
    items: dict[str, ItemEstimate] = {}

    def put(key: str, estimate: tuple[float | None, str]) -> None:
        items[key] = ItemEstimate(key, estimate[0], estimate[1])

    put("static.brow", _static_ratio(m, "brow_height", lambda r: 100 * r, "item = 100 × r (0 low, 200 high)"))
    put(
        "static.palpebral_fissure",
        _static_ratio(
            m, "palpebral_fissure_height", lambda r: 100 * (2 - r), "item = 100 × (2 − r) (0 wide, 200 narrow)"
        ),
    )
    put("static.nasolabial_fold_depth", (None, "fold depth is not measurable from landmarks"))
    put(
        "static.oral_commissure",
        _static_ratio(m, "commissure_height", lambda r: 100 / r if r > 0 else 0, "item = 100 / r (0 low, 200 high)"),
    )
    put("dynamic.brow_elevation", _dynamic_ratio(m, Expression.BROW_RAISE, "brow_elevation_mm", "brow raise"))
    put(
        "dynamic.gentle_eye_closure",
        _dynamic_ratio(m, Expression.GENTLE_EYE_CLOSURE, "eye_closure_mm", "gentle eye closure"),
    )
    put("dynamic.full_eye_closure", _dynamic_ratio(m, Expression.TIGHT_EYE_CLOSURE, "eye_closure_mm", "tight closure"))
    put("dynamic.nasolabial_fold_depth_smile", (None, "fold depth is not measurable from landmarks"))
    smile = Expression.SMILE_OPEN
    if m.value(smile, "commissure_excursion_mm") is None:
        smile = Expression.SMILE_CLOSED
    put(
        "dynamic.nasolabial_fold_orientation_smile",
        _dynamic_ratio(m, smile, "nasolabial_fold_angle_change_deg", "fold-line angle change with smile (proxy)"),
    )
    put("dynamic.oral_commissure_smile", _dynamic_ratio(m, smile, "commissure_excursion_mm", "smile excursion"))
    put("dynamic.lower_lip_eeee", _dynamic_ratio(m, Expression.LOWER_TEETH, "lower_lip_depression_mm", "lower lip"))
    put(
        "synkinesis.ocular",
        _synkinesis_eface(
            m, (Expression.SMILE_OPEN, Expression.SMILE_CLOSED, Expression.PUCKER), EYE_NARROWING_STEP_PCT
        ),
    )
    put(
        "synkinesis.midfacial",
        _synkinesis_eface(
            m, (Expression.GENTLE_EYE_CLOSURE, Expression.TIGHT_EYE_CLOSURE), COMMISSURE_MOVEMENT_STEP_MM
        ),
    )
    put("synkinesis.mentalis", (None, "mentalis synkinesis is not measurable from face landmarks"))
    put("synkinesis.platysmal", (None, "platysmal synkinesis (neck) is not in the photos' landmarks"))
    assert {f"{g}.{k}" for g, rows in EFACE_GROUPS.items() for k, _, _ in rows} == set(items)
    data = {k: i.value for k, i in items.items() if i.value is not None}
    result = score_eface(data, allow_missing=True)
    extra: dict[str, float | int | str] = {}
    derivation = [PROVISIONAL_NOTE]
    subs = result.scores
    no_photo = [k for k, i in items.items() if i.photo_missing]
    unmeasured = [k for k, i in items.items() if i.value is None and k not in EFACE_NOT_MEASURABLE]
    if "total" in subs:
        total = float(subs["total"])
        # Partial: an item that landmarks can measure is missing (its photo is missing or failed, or the
        # healthy side moved too little for a ratio). The four never-measurable items alone do not make it partial.
        extra["partial"] = bool(unmeasured)
        derivation.append(
            f"total from the subscores of the measured items = (static + 2·dynamic + synkinesis) / 4 = "
            f"({subs['static']:g} + 2·{subs['dynamic']:g} + {subs['synkinesis']:g}) / 4 = {total:.2f} "
            f"[S10; provisional]; left out (not measurable from landmarks, or too little movement on the healthy "
            f"side for a ratio, or no usable photo): {', '.join(k for k, i in items.items() if i.value is None)}"
        )
        if no_photo:
            derivation.append(
                f"partial total: no usable photo for {', '.join(no_photo)}; the total is the measured items' only"
            )
    else:
        absent = [g for g in EFACE_GROUPS if g not in subs]
        derivation.append(
            f"total not computed: no item of {', '.join(absent)} could be measured"
            + (f" (no usable photo for {', '.join(no_photo)})" if no_photo else "")
        )
    return AutoScore("eface", items, result, derivation, extra_scores=extra)


# --- House–Brackmann ------------------------------------------------------------------------------------------


def _normalised_mm(v: SideValues) -> tuple[float, float, str]:
    """(healthy mm, affected mm) normalised to the healthy side = 1 cm, with the text."""
    assert v.ratio is not None
    normal = round(v.ratio, 6) >= NORMAL_RATIO
    ratio = 1.0 if normal else max(0.0, v.ratio)
    note = f" (≥ {NORMAL_RATIO:.2f}: within normal asymmetry [S90], taken as 1)" if normal else ""
    affected_mm = HB_SITE_MAX_MM * ratio
    return HB_SITE_MAX_MM, affected_mm, (
        f"{_sides(v)}; {_ratio_text(v)}{note} → healthy {HB_SITE_MAX_MM:g} mm, affected {affected_mm:.2f} mm"
    )


def _graded_side(m: SessionMeasures, *values: SideValues | None) -> Side:
    """The affected side, else the side that moved less in the first measured excursion."""
    if m.affected is not None:
        return m.affected
    for v in values:
        if v is not None and v.reference_side is not None:
            return "left" if v.reference_side == "right" else "right"
    return "left"


def estimate_house_brackmann(m: SessionMeasures, sunnybrook: AutoScore | None = None) -> AutoScore:
    """House–Brackmann estimate by the quantitative brow + commissure method [S1], the eye-closure rule [S2] and
    the secondary-defects rule [S3].

    Photo landmarks under-read absolute brow movement, so each site is normalised to the healthy side: the healthy
    side counts the full 1 cm, the affected side 1 cm × its excursion ratio (provisional).
    """
    items: dict[str, ItemEstimate] = {}
    brow = m.primary(Expression.BROW_RAISE)
    smile = m.primary(Expression.SMILE_OPEN) or m.primary(Expression.SMILE_CLOSED)
    affected = _graded_side(m, brow, smile)
    healthy: Side = "left" if affected == "right" else "right"
    for site, v in (("brow_excursion_mm", brow), ("commissure_excursion_mm", smile)):
        if v is None or v.ratio is None:
            why = "no usable photo" if v is None else f"{_sides(v)}: too little movement for a ratio [S91]"
            items[f"{site}.{affected}"] = ItemEstimate(f"{site}.{affected}", None, why)
            items[f"{site}.{healthy}"] = ItemEstimate(f"{site}.{healthy}", None, why)
            continue
        healthy_mm, affected_mm, text = _normalised_mm(v)
        items[f"{site}.{healthy}"] = ItemEstimate(f"{site}.{healthy}", round(healthy_mm, 2), text)
        items[f"{site}.{affected}"] = ItemEstimate(f"{site}.{affected}", round(affected_mm, 2), text)
    closure = m.value(Expression.TIGHT_EYE_CLOSURE, "residual_gap_mm") or m.value(
        Expression.GENTLE_EYE_CLOSURE, "residual_gap_mm"
    )
    if closure is None:
        items["eye_closure_complete"] = ItemEstimate("eye_closure_complete", None, "no usable eye-closure photo")
    else:
        excess = closure.of(affected) - closure.of(healthy)
        complete = int(excess <= MINIMAL_DETECTABLE_CHANGE_MM)
        items["eye_closure_complete"] = ItemEstimate(
            "eye_closure_complete",
            complete,
            f"residual lid gap ({closure.expression}) right {closure.right:.2f}, left {closure.left:.2f} mm; "
            f"affected − healthy {excess:+.2f} mm {'≤' if complete else '>'} {MINIMAL_DETECTABLE_CHANGE_MM} mm "
            f"(MDC95 [S91]) → {'complete' if complete else 'incomplete'} (provisional)",
        )
    secondary: int | None = None
    if sunnybrook is not None:
        bands = [i.value for k, i in sunnybrook.items.items() if k.startswith("synkinesis.") and i.value is not None]
        if bands:
            secondary = int(max(bands))
            items["secondary"] = ItemEstimate(
                "secondary",
                secondary,
                f"worst Sunnybrook synkinesis estimate {secondary} (0 none … 3 severe) taken as HB secondary defects "
                "of the same rank (FaceNerve mapping, provisional)",
            )
    if "secondary" not in items:
        items["secondary"] = ItemEstimate("secondary", None, "no synkinesis estimate")
    required = [k for k in items if k.startswith(("brow_", "commissure_"))]
    derivation = [
        PROVISIONAL_NOTE,
        f"graded side {affected}" + (f" ({m.affected_side_basis})" if m.affected else " (the weaker-moving side)"),
    ]
    result: ScaleResult | None = None
    if all(items[k].value is not None for k in required):
        data = {k: i.value for k, i in items.items() if i.value is not None}
        result = score_house_brackmann_quantitative(data)
    else:
        derivation.append("grade not computed: brow raise and smile excursions are both needed")
    return AutoScore("house_brackmann", items, result, derivation)


def estimate_all(m: SessionMeasures) -> dict[str, AutoScore]:
    """eFACE, Sunnybrook and House–Brackmann estimates of a session."""
    sunnybrook = estimate_sunnybrook(m)
    return {
        "eface": estimate_eface(m),
        "sunnybrook": sunnybrook,
        "house_brackmann": estimate_house_brackmann(m, sunnybrook),
    }
