"""Plain facts the care pathway and the prognosis work on: an episode, its assessments and treatments.

Shells (the web app, the CLI) map their own records into these frozen dataclasses; nothing here knows of an ORM.
Sides are the patient's. Every constructor validates its ranges and raises :class:`CareInputError` (one line).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, time
from enum import StrEnum
from typing import Any, Literal, get_args

from facenerve.errors import FaceNerveError

Side = Literal["left", "right", "bilateral"]
TreatmentKind = Literal["medication", "therapy", "botulinum_toxin", "procedure"]

SIDES: tuple[str, ...] = get_args(Side)
TREATMENT_KINDS: tuple[str, ...] = get_args(TreatmentKind)


class CareInputError(FaceNerveError):
    """Facts given to the care pathway or prognosis are invalid (a grade out of range, a date in the wrong order)."""

    code = "bad_care_input"


class Cause(StrEnum):
    """Cause of the facial palsy episode."""

    BELLS = "bells"
    RAMSAY_HUNT = "ramsay_hunt"
    TRAUMA = "trauma"
    TUMOUR_OR_SURGERY = "tumour_or_surgery"
    CENTRAL = "central"
    CONGENITAL = "congenital"
    OTHER = "other"

    @property
    def label(self) -> str:
        """The cause's name for people."""
        return CAUSE_LABELS[self]


CAUSE_LABELS = {
    Cause.BELLS: "Bell's palsy", Cause.RAMSAY_HUNT: "Ramsay Hunt syndrome", Cause.TRAUMA: "Trauma",
    Cause.TUMOUR_OR_SURGERY: "Tumour or surgery", Cause.CENTRAL: "Central (stroke)", Cause.CONGENITAL: "Congenital",
    Cause.OTHER: "Other",
}
"""Each cause's name for people: the one source (the web's choices read it)."""


class Severity(StrEnum):
    """How pressing an alert is; red flags can never be dismissed."""

    INFO = "info"
    ADVISORY = "advisory"
    URGENT = "urgent"
    RED_FLAG = "red_flag"

    @property
    def rank(self) -> int:
        """0 for the most pressing (red flag) to 3 for information, for sorting."""
        return [Severity.RED_FLAG, Severity.URGENT, Severity.ADVISORY, Severity.INFO].index(self)


def _check(condition: bool, message: str) -> None:
    if not condition:
        raise CareInputError(message)


def _check_number(name: str, value: float | None, low: float, high: float) -> None:
    if value is None:
        return
    _check(
        isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value),
        f"{name} must be a finite number, got {value!r}",
    )
    _check(low <= value <= high, f"{name} must be between {low:g} and {high:g}, got {value:g}")


@dataclass(frozen=True)
class EpisodeFacts:
    """One episode of facial palsy: onset, side (patient's), cause, completeness at onset, recurrence.

    ``onset_time`` is the clock time of onset in the clinic's time zone when it is known (None: date only, so
    a 72-hour window can end at any time of its last day). ``previous_sides`` are the sides of earlier episodes
    (for "recurrent on the same side");
    ``comorbidities`` are lower-case names such as ``"diabetes"``, ``"hypertension"``, ``"pregnancy"``,
    ``"dry_eye"``, ``"dysacusis"``.
    """

    onset_date: date
    side: Side
    cause: Cause
    complete_at_onset: bool | None
    recurrence: bool
    previous_sides: tuple[Side, ...] = ()
    birth_date: date | None = None
    comorbidities: frozenset[str] = field(default_factory=frozenset)
    onset_time: time | None = None

    def __post_init__(self) -> None:
        _check(isinstance(self.onset_date, date), f"onset_date must be a date, got {self.onset_date!r}")
        _check(self.onset_time is None or isinstance(self.onset_time, time),
               f"onset_time must be a time of day, got {self.onset_time!r}")
        _check(self.side in SIDES, f"side must be one of {', '.join(SIDES)}, got {self.side!r}")
        causes = ", ".join(c.value for c in Cause)
        _check(isinstance(self.cause, str) and self.cause in set(Cause), f"cause must be one of {causes}, got "
               f"{self.cause!r}")
        object.__setattr__(self, "cause", Cause(self.cause))
        for side in self.previous_sides:
            _check(side in SIDES, f"previous side must be one of {', '.join(SIDES)}, got {side!r}")
        if self.birth_date is not None:
            _check(self.birth_date <= self.onset_date, "birth_date is after onset_date")
        object.__setattr__(self, "comorbidities", frozenset(c.strip().lower() for c in self.comorbidities))

    def age_years(self, on: date) -> int | None:
        """Age in whole years on ``on``, or None when the birth date is unknown."""
        if self.birth_date is None:
            return None
        before_birthday = (on.month, on.day) < (self.birth_date.month, self.birth_date.day)
        return on.year - self.birth_date.year - int(before_birthday)

    def days_since_onset(self, on: date) -> int:
        """Whole days from onset to ``on`` (0 on the day of onset)."""
        return (on - self.onset_date).days


LAGOPHTHALMOS_MAX_MM = 10.17 + 6 * 1.63
"""Plausibility bound of a lid gap on closure: it cannot exceed the open palpebral fissure, 10.17 ± 1.63 mm [S85];
mean + 6 SD (derived arithmetic, a FaceNerve bound, not a clinical figure). Larger values are entry errors
(pixels, or a fissure height typed in the gap's place)."""

ASSESSMENT_MEASURE_FIELDS: tuple[str, ...] = (
    "asymmetry_index_mm", "house_brackmann", "sunnybrook_composite", "eface_total", "eye_closure_complete",
    "lagophthalmos_mm", "synkinesis_score",
)
"""The measure fields of an assessment (those ``AssessmentFacts.automated`` may name)."""


@dataclass(frozen=True)
class AssessmentFacts:
    """One assessment: any of the measures may be missing.

    ``asymmetry_index_mm`` (engine, mm, lower is better); ``house_brackmann`` grade 1..6 (lower is better);
    ``sunnybrook_composite`` (raw, -15..100, higher is better; S4, S5); ``eface_total`` 0..100 (higher is better;
    S10); ``synkinesis_score`` the Sunnybrook synkinesis subscore 0..15 (S4, S7); ``lagophthalmos_mm`` gap left
    on full eye closure (mm). ``automated`` names the fields that are automated (provisional) estimates rather
    than a clinician's grading: a judgement resting on one of them is flagged provisional.
    """

    on: date
    asymmetry_index_mm: float | None = None
    house_brackmann: int | None = None
    sunnybrook_composite: float | None = None
    eface_total: float | None = None
    eye_closure_complete: bool | None = None
    lagophthalmos_mm: float | None = None
    synkinesis_score: float | None = None
    automated: frozenset[str] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        _check(isinstance(self.on, date), f"assessment date must be a date, got {self.on!r}")
        object.__setattr__(self, "automated", frozenset(self.automated))
        unknown = sorted(self.automated - set(ASSESSMENT_MEASURE_FIELDS))
        _check(not unknown, f"automated names unknown assessment fields: {', '.join(unknown)}; choose from "
               f"{', '.join(ASSESSMENT_MEASURE_FIELDS)}")
        if self.house_brackmann is not None:
            _check(
                isinstance(self.house_brackmann, int) and not isinstance(self.house_brackmann, bool),
                f"house_brackmann must be a whole grade, got {self.house_brackmann!r}",
            )
        _check_number("house_brackmann", self.house_brackmann, 1, 6)  # grades I..VI [S1]
        _check_number("sunnybrook_composite", self.sunnybrook_composite, -15, 100)  # raw range [S5, S7]
        _check_number("eface_total", self.eface_total, 0, 100)  # [S11]
        _check_number("synkinesis_score", self.synkinesis_score, 0, 15)  # Sunnybrook synkinesis 0..15 [S4, S7]
        _check_number("asymmetry_index_mm", self.asymmetry_index_mm, 0, math.inf)
        _check_number("lagophthalmos_mm", self.lagophthalmos_mm, 0, LAGOPHTHALMOS_MAX_MM)


@dataclass(frozen=True)
class TreatmentFacts:
    """One treatment record: a medication course, a therapy session, a botulinum toxin injection or a procedure.

    ``name`` is lower-case, e.g. ``"prednisolone"``, ``"valaciclovir"``, ``"physiotherapy"``,
    ``"botulinum_toxin"``, ``"nerve_transfer"``, ``"free_muscle_transfer"``.
    """

    kind: TreatmentKind
    name: str
    start: date
    stop: date | None = None

    def __post_init__(self) -> None:
        _check(self.kind in TREATMENT_KINDS, f"treatment kind must be one of {', '.join(TREATMENT_KINDS)}")
        _check(isinstance(self.start, date), f"treatment start must be a date, got {self.start!r}")
        _check(self.stop is None or self.stop >= self.start, "treatment stop is before its start")
        object.__setattr__(self, "name", self.name.strip().lower().replace(" ", "_").replace("-", "_"))


@dataclass(frozen=True)
class Alert:
    """One care pathway alert: a stable ``rule`` id, severity, a one-line title, the explanation and its sources.

    ``since`` is the day the alert's present condition began (for example the first visit of the current run of
    incomplete eye closure); with ``due`` it names this *instance* of the alert (:attr:`instance`), so a dismissal
    never hides the alert when its condition clears and comes back.
    ``dismissible`` is False for every red flag: nothing may silence a red flag. ``provisional`` is True when
    the rule relies on a FaceNerve convention rather than a published number, or on a value that is an
    automated estimate (``AssessmentFacts.automated``); see docs/care.md.
    """

    rule: str
    severity: Severity
    title: str
    explanation: str
    sources: tuple[str, ...]
    due: date | None = None
    dismissible: bool = True
    provisional: bool = False
    since: date | None = None

    def __post_init__(self) -> None:
        if self.severity is Severity.RED_FLAG and self.dismissible:
            raise ValueError(f"red flag {self.rule!r} must not be dismissible")

    @property
    def instance(self) -> date | None:
        """The date that tells this occurrence of the rule from another: ``since``, else ``due``."""
        return self.since or self.due

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (dates as ISO strings)."""
        return {
            "rule": self.rule,
            "severity": str(self.severity),
            "title": self.title,
            "explanation": self.explanation,
            "sources": list(self.sources),
            "due": self.due.isoformat() if self.due else None,
            "since": self.since.isoformat() if self.since else None,
            "instance": self.instance.isoformat() if self.instance else None,
            "dismissible": self.dismissible,
            "provisional": self.provisional,
        }
