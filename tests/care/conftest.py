"""Builders for care pathway tests: one onset date, and facts placed by day since onset."""

from __future__ import annotations

from datetime import date, timedelta

from facenerve.care import AssessmentFacts, Cause, EpisodeFacts, TreatmentFacts

ONSET = date(2026, 1, 10)


def day(n: int) -> date:
    """The date ``n`` days after onset."""
    return ONSET + timedelta(days=n)


def episode(**changes: object) -> EpisodeFacts:
    """A left Bell's palsy, incomplete at onset, first episode, adult; fields overridable."""
    fields: dict[str, object] = {
        "onset_date": ONSET, "side": "left", "cause": Cause.BELLS, "complete_at_onset": False,
        "recurrence": False, "birth_date": date(1980, 3, 1),
    }
    fields.update(changes)
    return EpisodeFacts(**fields)  # type: ignore[arg-type]


def seen(n: int, **measures: object) -> AssessmentFacts:
    """An assessment on day ``n`` with the given measures."""
    return AssessmentFacts(on=day(n), **measures)  # type: ignore[arg-type]


def med(name: str, n: int) -> TreatmentFacts:
    return TreatmentFacts(kind="medication", name=name, start=day(n))


def injection(n: int) -> TreatmentFacts:
    return TreatmentFacts(kind="botulinum_toxin", name="botulinum_toxin", start=day(n))
