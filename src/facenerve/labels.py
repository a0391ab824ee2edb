"""One human label for every measure, scale, item, score, expression, drug and unit.

Every page, report and export reads its display names here, so an internal key (``mrd1``, ``mm2``,
``vitamin_b1``, ``house_brackmann``) never reaches a person. House–Brackmann grades are always roman numerals.

>>> measure("mrd1")
'MRD1 (pupil to upper lid)'
>>> unit("mm2")
'mm²'
>>> house_brackmann(3)
'III'
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

#: Each engine metric (``facenerve.engine.metrics.METRICS``) and each summary figure of an assessment.
MEASURES: dict[str, str] = {
    "brow_height": "Brow height",
    "palpebral_fissure_height": "Eye opening height",
    "palpebral_fissure_width": "Eye opening width",
    "mrd1": "MRD1 (pupil to upper lid)",
    "mrd2": "MRD2 (pupil to lower lid)",
    "eye_area": "Eye opening area",
    "commissure_height": "Mouth corner height",
    "commissure_excursion": "Mouth corner to lip midpoint",
    "smile_angle": "Smile angle",
    "upper_lip_height": "Upper lip height",
    "lower_lip_height": "Lower lip height",
    "dental_show": "Dental show",
    "nasolabial_fold_angle": "Nasolabial fold angle",
    "lip_midpoint_deviation_mm": "Lip midpoint deviation",
    "asymmetry_index_mm": "Asymmetry index",
    "house_brackmann": "House–Brackmann grade",
    "sunnybrook_composite": "Sunnybrook composite",
    "eface_total": "eFACE total",
    "synkinesis_score": "Synkinesis (Sunnybrook)",
    "lagophthalmos_mm": "Lagophthalmos",
    "eye_closure_complete": "Eye closure",
}

#: Units as people write them; UCUM codes (for FHIR) in :data:`UCUM`.
UNITS: dict[str, str] = {"mm": "mm", "mm2": "mm²", "deg": "°", "px": "px", "mm_per_px": "mm per pixel",
                         "points": "points", "grade": "grade", "U": "U"}
UCUM: dict[str, str] = {"mm": "mm", "mm2": "mm2", "deg": "deg", "px": "{pixel}", "points": "{score}",
                        "grade": "{grade}", "U": "[arb'U]"}  # botulinum toxin: arbitrary units, not enzyme units
#: The unit of each summary figure (the engine metrics carry their own).
SUMMARY_UNITS: dict[str, str] = {"asymmetry_index_mm": "mm", "lagophthalmos_mm": "mm", "sunnybrook_composite": "points",
                                 "eface_total": "points", "synkinesis_score": "points", "house_brackmann": "grade"}

#: Where a summary figure of an assessment came from (``Assessment.summary_sources``), as people read it. A figure
#: read from a FHIR Bundle shows as imported whatever its method there: its derivation did not come with it.
IMPORTED_NOTE = "imported from another record; derivation not available"
SOURCES: dict[str, str] = {"automated": "automated estimate", "clinician": "entered by a clinician",
                           "imported": f"{IMPORTED_NOTE} (an automated estimate there)",
                           "imported_clinician": f"{IMPORTED_NOTE} (graded by a clinician there)",
                           "imported_unstated": IMPORTED_NOTE}

#: Score keys inside a scale result (``ScaleResult.scores``).
SCORES: dict[str, str] = {
    "grade": "Grade", "grade_number": "Grade", "description": "Description", "percent_function": "Function (%)",
    "composite": "Composite", "voluntary": "Voluntary movement", "resting": "Resting symmetry",
    "synkinesis": "Synkinesis", "total": "Total", "static": "Static", "dynamic": "Dynamic",
    "physical": "Physical function", "social": "Social and well-being",
}

EXPRESSIONS: dict[str, str] = {
    "rest": "Rest", "brow_raise": "Brow raise", "gentle_eye_closure": "Gentle eye closure",
    "tight_eye_closure": "Tight eye closure", "snarl": "Snarl", "smile_closed": "Closed-mouth smile",
    "smile_open": "Open-mouth smile", "pucker": "Pucker", "lower_teeth": "Lower teeth",
}

#: Where a photo's millimetre scale came from (``facenerve.photo/1`` ``scale.source``).
SCALE_SOURCES: dict[str, str] = {
    "iris": "from both irises",
    "iris_one_eye": "from one iris",
    "session_rest": "from the session's rest photo",
    "manual": "given by hand",
    "population": "from average face proportions (less precise)",
}

#: The landmark detectors (``facenerve.engine.landmarks.BACKENDS``).
BACKENDS: dict[str, str] = {"mediapipe": "MediaPipe Face Mesh (478 points)", "dlib": "dlib (68 points)"}

#: Face regions of the weakness model (``facenerve.engine.weakness.Region``).
REGIONS: dict[str, str] = {"brow": "Brow", "eye": "Eye", "mouth": "Mouth", "midline": "Lip midline"}

#: Treatment names offered per kind (the web's choice lists read this); other names are free text.
TREATMENT_NAMES: dict[str, tuple[tuple[str, str], ...]] = {
    "medication": (
        ("prednisolone", "Prednisolone"),
        ("valaciclovir", "Valaciclovir"),
        ("acyclovir", "Acyclovir"),
        ("vitamin_b1", "Vitamin B1"),
        ("vitamin_b6", "Vitamin B6"),
        ("methylcobalamin", "Methylcobalamin"),
        ("carbamazepine", "Carbamazepine"),
    ),
    "therapy": (
        ("physiotherapy", "Physiotherapy"),
        ("facial_exercises", "Facial exercises"),
        ("acupuncture", "Acupuncture"),
        ("electrical_stimulation", "Electrical stimulation"),
        ("massage", "Massage"),
    ),
    "botulinum_toxin": (("botulinum_toxin", "Botulinum toxin"),),
    "procedure": (
        ("decompression", "Facial nerve decompression"),
        ("selective_neurectomy", "Selective neurectomy"),
        ("neurolysis", "Selective neurolysis"),
        ("cross_face_nerve_graft", "Cross-face nerve graft"),
        ("nerve_transfer", "Nerve transfer"),
        ("free_muscle_transfer", "Free muscle transfer"),
        ("eyelid_weight", "Eyelid weight"),
    ),
}
TREATMENTS: dict[str, str] = {key: text for names in TREATMENT_NAMES.values() for key, text in names}
#: A treatment name typed by a clinician (not on the lists) is stored with this prefix, so it never equals a listed
#: name: the care pathway (``facenerve.care.course``) recognises steroids and antivirals only by its own lists.
FREE_TEXT_PREFIX = "other:"
#: The longest free-text name (the stored name, with its prefix, fits 64 characters).
FREE_TEXT_MAX = 64 - len(FREE_TEXT_PREFIX)

ROMAN = ("I", "II", "III", "IV", "V", "VI")


def humanise(key: str) -> str:
    """The last resort for a key with no label: ``"some_key"`` → ``"Some key"`` (never the raw key)."""
    text = str(key).replace("__", " ").replace("_", " ").replace(".", ": ").strip()
    return text[:1].upper() + text[1:] if text else ""


def measure(key: str) -> str:
    """The display name of an engine metric or an assessment's summary figure."""
    return MEASURES.get(key) or humanise(key)


def unit(key: str | None) -> str:
    """A unit as people write it (``mm2`` → ``mm²``, ``deg`` → ``°``)."""
    return UNITS.get(key or "", key or "")


def expression(key: str) -> str:
    return EXPRESSIONS.get(key) or humanise(key)


def treatment(key: str) -> str:
    """A listed treatment's name, or the free text a clinician typed, marked as such."""
    if str(key).startswith(FREE_TEXT_PREFIX):
        return f"{free_text_name(key)} (free text)"
    return TREATMENTS.get(key) or key


def free_text_name(key: str) -> str:
    """The typed name of a free-text treatment (``""`` for a listed one)."""
    return str(key)[len(FREE_TEXT_PREFIX):] if str(key).startswith(FREE_TEXT_PREFIX) else ""


def scale(key: str) -> str:
    """A scale's title (``facenerve.scales.SCALES``)."""
    from facenerve.scales import SCALES

    spec = SCALES.get(key)
    if spec is not None:
        return spec.title.split(" (")[0] if key == "house_brackmann" else spec.title
    return {"house_brackmann": "House–Brackmann"}.get(key) or humanise(key)


def item(scale_key: str, item_key: str) -> str:
    """A scale item's label (``ItemSpec.label``), e.g. ``sunnybrook`` ``resting.eye``."""
    from facenerve.scales import SCALES

    spec = SCALES.get(scale_key)
    if spec is not None:
        for candidate in spec.items:
            if candidate.key == item_key:
                return candidate.label
    return humanise(item_key)


def score(key: str) -> str:
    return SCORES.get(key) or humanise(key)


def backend(key: str | None) -> str:
    """A landmark detector's name (``mediapipe`` → ``MediaPipe Face Mesh (478 points)``)."""
    return BACKENDS.get(key or "") or humanise(key or "unknown")


def region(key: str) -> str:
    return REGIONS.get(key) or humanise(key)


def source(key: str | None) -> str:
    """How a summary figure was found (``automated`` → "automated estimate"); "" when not recorded."""
    return SOURCES.get(key or "", "")


def scale_source(key: str | None) -> str:
    return SCALE_SOURCES.get(key or "", "source not recorded")


def house_brackmann(value: Any) -> str:
    """A House–Brackmann grade as a roman numeral (1–6, "3", 3.0 or "III" → "III"); anything else as given."""
    if isinstance(value, str) and value in ROMAN:
        return value
    try:
        number = float(value)
    except (TypeError, ValueError):
        return "" if value is None else str(value)
    return ROMAN[int(number) - 1] if number.is_integer() and 1 <= number <= 6 else f"{number:g}"


def value(key: str, raw: Any) -> str:
    """A summary figure for display: House–Brackmann in roman numerals, numbers with their unit."""
    if raw is None:
        return "—"
    if key == "house_brackmann":
        return house_brackmann(raw)
    if isinstance(raw, bool):
        return "complete" if raw else "incomplete"
    if isinstance(raw, int | float):
        text = f"{raw:g}" if float(raw).is_integer() else f"{raw:.1f}"
        suffix = unit(SUMMARY_UNITS.get(key, ""))
        return f"{text} {suffix}" if suffix in ("mm", "mm²") else text
    return str(raw)


def leans_within_normal(side: str | None, severity: float | None) -> bool:
    """True when a photo names a side while its severity, as shown (one decimal), is 0: the evidence favours that
    side, but its size lies within normal asymmetry (``facenerve.engine.asymmetry``: the side is the likeliest
    hypothesis, the severity the weak-direction evidence beyond the normal range)."""
    return side in ("left", "right") and round(float(severity or 0.0), 1) == 0


def asymmetry_call(side: str | None, confidence: float | None, severity: float | None) -> str:
    """A photo's side call and severity in one honest phrase (sides are the patient's):

    >>> asymmetry_call("right", 0.676, 0.0)
    "within normal asymmetry (severity 0); leans toward the patient's right (probability 0.68)"
    >>> asymmetry_call("left", 0.993, 0.17)
    "weaker side: patient's left (probability 0.99) · severity 0.2 (0 = within normal asymmetry)"
    """
    probability = f" (probability {confidence:.2f})" if confidence is not None else ""
    if leans_within_normal(side, severity):
        return f"within normal asymmetry (severity 0); leans toward the patient's {side}{probability}"
    shown = "0" if round(float(severity or 0.0), 1) == 0 else f"{float(severity or 0.0):.1f}"
    if side in ("left", "right"):
        return f"weaker side: patient's {side}{probability} · severity {shown} (0 = within normal asymmetry)"
    return f"no side beyond normal asymmetry · severity {shown} (0 = within normal asymmetry)"


def day(raw: date | datetime | str | None) -> str:
    """The one date format of every page: ISO 8601 (``2026-03-14``), unambiguous in every country."""
    if raw is None or raw == "":
        return "—"
    if isinstance(raw, datetime):
        return raw.strftime("%Y-%m-%d %H:%M")
    if isinstance(raw, date):
        return raw.isoformat()
    return str(raw)
