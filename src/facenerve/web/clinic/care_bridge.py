"""The one place where clinic rows become :mod:`facenerve.care` facts, and where alerts and prognosis come from.

The web holds no clinical logic: it maps ORM rows to ``EpisodeFacts`` / ``AssessmentFacts`` / ``TreatmentFacts``
and asks ``facenerve.care`` for alerts and the prognosis.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from facenerve.care import evaluate, prognosis
from facenerve.care.facts import ASSESSMENT_MEASURE_FIELDS, AssessmentFacts, Cause, EpisodeFacts, TreatmentFacts
from facenerve.errors import FaceNerveError
from facenerve.web.clinic.choices import AUTOMATED_SOURCES
from facenerve.web.clinic.models import Assessment, Episode, Patient, Treatment

#: Fields of each row that the mapping below reads (for ``values()`` queries that skip model instances).
EPISODE_FIELDS = ("id", "patient_id", "onset_date", "onset_time", "side", "cause", "complete_at_onset", "recurrence")
ASSESSMENT_FIELDS = ("episode_id", "taken_on", *ASSESSMENT_MEASURE_FIELDS, "summary_sources")
TREATMENT_FIELDS = ("episode_id", "kind", "name", "start", "stop")


def episode_facts(episode: Any, patient: Any, all_episodes: Iterable[Any]) -> EpisodeFacts:
    """Facts of ``episode`` (an Episode or a row with EPISODE_FIELDS); ``previous_sides`` are the sides of the
    patient's earlier episodes."""
    earlier = [e for e in all_episodes if e.pk != episode.pk and e.onset_date < episode.onset_date]
    return EpisodeFacts(
        onset_date=episode.onset_date,
        side=episode.side,  # type: ignore[arg-type]
        cause=Cause(episode.cause),
        complete_at_onset=episode.complete_at_onset,
        recurrence=episode.recurrence,
        previous_sides=tuple(e.side for e in sorted(earlier, key=lambda e: e.onset_date)),  # type: ignore[misc]
        birth_date=patient.birth_date,
        comorbidities=frozenset(str(c) for c in patient.comorbidities or ()),
        onset_time=getattr(episode, "onset_time", None),
    )


def assessment_facts(row: Any) -> AssessmentFacts:
    """Facts of one assessment (its summary columns); columns filled by the automated session grading, or imported
    from a Bundle that gave them as automated or gave no method (:data:`AUTOMATED_SOURCES`), are named in
    ``automated``, so the care pathway flags every judgement resting on them as provisional and none settles a
    concern."""
    sources = getattr(row, "summary_sources", None) or {}
    automated = frozenset(
        column for column, source in sources.items()
        if source in AUTOMATED_SOURCES and column in ASSESSMENT_MEASURE_FIELDS
    )
    return AssessmentFacts(
        on=row.taken_on,
        asymmetry_index_mm=row.asymmetry_index_mm,
        house_brackmann=row.house_brackmann,
        sunnybrook_composite=row.sunnybrook_composite,
        eface_total=row.eface_total,
        eye_closure_complete=row.eye_closure_complete,
        lagophthalmos_mm=row.lagophthalmos_mm,
        synkinesis_score=row.synkinesis_score,
        automated=automated,
    )


def treatment_facts(row: Any) -> TreatmentFacts:
    """Facts of one treatment record."""
    return TreatmentFacts(kind=row.kind, name=row.name, start=row.start, stop=row.stop)  # type: ignore[arg-type]


@dataclass(frozen=True)
class CareView:
    """Alerts (most pressing first) and the prognosis document for one episode, or why they are missing."""

    alerts: list[dict[str, Any]]
    prognosis: dict[str, Any] | None
    problem: str = ""
    #: Dismissible alerts a clinician has dismissed (never a red flag).
    dismissed: tuple[dict[str, Any], ...] = ()

    def without(self, dismissals: set[tuple[str, str | None]]) -> CareView:
        """This view with the dismissed alerts — matched on (rule, instance date) and dismissible — set apart.

        An alert whose condition cleared and came back has a new instance date, so an old dismissal never hides it.
        """
        if not dismissals:
            return self
        hidden = [a for a in self.alerts if a["dismissible"] and (a["rule"], a["instance"]) in dismissals]
        shown = [a for a in self.alerts if a not in hidden]
        return CareView(shown, self.prognosis, self.problem, tuple(hidden))


def care_for(
    episode: Episode | Any,
    patient: Patient | Any,
    all_episodes: Iterable[Episode | Any],
    assessments: Iterable[Assessment | Any],
    treatments: Iterable[Treatment | Any],
    today: date,
    *,
    with_prognosis: bool = True,
) -> CareView:
    """Ask the care pathway for this episode's alerts (and prognosis) as JSON-ready documents."""
    try:
        facts = episode_facts(episode, patient, all_episodes)
        assessed = [assessment_facts(a) for a in assessments]
        treated = [treatment_facts(t) for t in treatments]
        alerts = evaluate(facts, assessed, treated, today)
        outlook = prognosis(facts, assessed, treated, today).to_dict() if with_prognosis else None
    except FaceNerveError as exc:
        return CareView([], None, exc.message)
    return CareView([a.to_dict() for a in alerts], outlook)
