"""What the patient page and the API show for one episode: rows, care alerts, prognosis and the timeline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from types import SimpleNamespace
from typing import Any

from facenerve import labels
from facenerve.web.clinic.care_bridge import (
    ASSESSMENT_FIELDS,
    EPISODE_FIELDS,
    TREATMENT_FIELDS,
    CareView,
    care_for,
)
from facenerve.web.clinic.chart import Event, Series, timeline_html
from facenerve.web.clinic.choices import Cause, PalsySide
from facenerve.web.clinic.models import AlertDismissal, Assessment, Episode, Patient, Treatment

HB_TICKS = {1.0: "I", 2.0: "II", 3.0: "III", 4.0: "IV", 5.0: "V", 6.0: "VI"}
CHART_TITLES = {"asymmetry_index_mm": "Asymmetry index (mm, lower is better)",
                "house_brackmann": "House–Brackmann grade", "sunnybrook_composite": "Sunnybrook composite (0–100)"}
#: The same panels for the patient (their own page and summary): what each shows, in plain words.
PLAIN_CHART_TITLES = {"asymmetry_index_mm": "Sides differ by (mm, lower is better)",
                      "house_brackmann": "Grade (I normal … VI no movement)",
                      "sunnybrook_composite": "Movement score (100 is normal)"}


def episode_order(episode: Any) -> tuple[date, int]:
    """Sort key of a patient's episodes (rows or plain rows): by onset, then by creation; the last is current."""
    return (episode.onset_date, episode.pk)


@dataclass(frozen=True)
class EpisodeOverview:
    patient: Patient
    episode: Episode
    episodes: list[Episode]
    assessments: list[Assessment]
    treatments: list[Treatment]
    care: CareView

    @property
    def dismissed(self) -> list[dict[str, Any]]:
        """Each dismissed alert with who dismissed it and when (``by``, ``at``)."""
        rows = {(d.rule, d.instance_on.isoformat() if d.instance_on else None): d
                for d in self.episode.alert_dismissals.all()}
        shown = []
        for alert in self.care.dismissed:
            row = rows.get((alert["rule"], alert["instance"]))
            who = getattr(row.dismissed_by, "username", "") if row is not None else ""
            shown.append({**alert, "by": who or "a former user", "at": row.dismissed_at if row is not None else None})
        return shown

    def chart_svg(self, today: date, *, plain: bool = False, table: bool = True) -> str:
        """The timeline: asymmetry index, House–Brackmann and Sunnybrook over days since onset (a wide and a narrow
        SVG, and the values as a table). ``plain`` (the patient's own page and summary): the panels named in plain
        words, and no projected curve (the outlook is said in words instead). ``table=False``: without the values table
        (the report prints its own)."""
        a = self.assessments
        asym = [(x.taken_on, x.asymmetry_index_mm) for x in a if x.asymmetry_index_mm is not None]
        hb = [(x.taken_on, float(x.house_brackmann)) for x in a if x.house_brackmann is not None]
        sb = [(x.taken_on, x.sunnybrook_composite) for x in a if x.sunnybrook_composite is not None]
        top = max([v for _, v in asym] + [5.0])
        outlook = self.care.prognosis or {}
        projected = tuple((date.fromisoformat(p["date"]), float(p["value"])) for p in outlook.get("curve") or ())

        def projection(key: str) -> tuple[tuple[date, float], ...]:
            return projected if outlook.get("measure") == key and not plain else ()

        titles = PLAIN_CHART_TITLES if plain else CHART_TITLES
        series = [
            Series("asymmetry_index_mm", titles["asymmetry_index_mm"], asym, 0.0, float(round(top + 1)),
                   projection=projection("asymmetry_index_mm")),
            Series("house_brackmann", titles["house_brackmann"], hb, 1.0, 6.0, lower_is_up=True, tick_labels=HB_TICKS,
                   projection=projection("house_brackmann")),
            Series("sunnybrook_composite", titles["sunnybrook_composite"], sb, 0.0, 100.0,
                   projection=projection("sunnybrook_composite")),
        ]
        events = [Event(t.start, labels.treatment(t.name), t.kind) for t in self.treatments]
        return timeline_html(self.episode.onset_date, today, series, events, table=table)


def overview(
    patient: Patient, episode: Episode | None, today: date, *, with_prognosis: bool = True
) -> EpisodeOverview | None:
    """Everything shown for ``episode`` of ``patient`` (prefetched rows are used when present)."""
    episodes = sorted(patient.episodes.all(), key=episode_order, reverse=True)
    if episode is None:
        if not episodes:
            return None
        episode = episodes[0]
    assessments = sorted(episode.assessments.all(), key=lambda x: (x.taken_on, x.pk))
    treatments = sorted(episode.treatments.all(), key=lambda x: (x.start, x.pk))
    care = care_for(episode, patient, episodes, assessments, treatments, today, with_prognosis=with_prognosis)
    dismissals = {(d.rule, d.instance_on.isoformat() if d.instance_on else None)
                  for d in episode.alert_dismissals.all()}
    return EpisodeOverview(patient, episode, episodes, assessments, treatments, care.without(dismissals))


@dataclass(frozen=True)
class DashboardRow:
    """One dashboard line: the patient, their current episode (a plain row) and its open alerts."""

    patient: Patient
    episode: Any
    care: CareView | None

    @property
    def episode_label(self) -> str:
        """E.g. "Left · Bell's palsy"."""
        if self.episode is None:
            return ""
        return f"{dict(PalsySide.choices)[self.episode.side]} · {dict(Cause.choices)[self.episode.cause]}"


def dashboard_rows(patients: list[Patient], today: date) -> list[DashboardRow]:
    """Current episode and alerts of each patient in three queries of plain rows (no model instances per
    assessment: the dashboard shows many patients)."""
    ids = [p.pk for p in patients]
    episodes: dict[int, list[SimpleNamespace]] = {pk: [] for pk in ids}
    for row in Episode.objects.filter(patient_id__in=ids).values(*EPISODE_FIELDS):
        episodes[row["patient_id"]].append(SimpleNamespace(**row, pk=row["id"]))
    current = {pk: max(rows, key=episode_order) for pk, rows in episodes.items() if rows}
    wanted = [e.pk for e in current.values()]
    assessments: dict[int, list[SimpleNamespace]] = {pk: [] for pk in wanted}
    for row in Assessment.objects.filter(episode_id__in=wanted).values(*ASSESSMENT_FIELDS):
        assessments[row["episode_id"]].append(SimpleNamespace(**row))
    treatments: dict[int, list[SimpleNamespace]] = {pk: [] for pk in wanted}
    for row in Treatment.objects.filter(episode_id__in=wanted).values(*TREATMENT_FIELDS):
        treatments[row["episode_id"]].append(SimpleNamespace(**row))
    dismissals: dict[int, set[tuple[str, str | None]]] = {pk: set() for pk in wanted}
    for episode_id, rule, instance_on in AlertDismissal.objects.filter(episode_id__in=wanted).values_list(
        "episode_id", "rule", "instance_on"
    ):
        dismissals[episode_id].add((rule, instance_on.isoformat() if instance_on else None))
    rows = []
    for patient in patients:
        episode = current.get(patient.pk)
        care = None
        if episode is not None:
            care = care_for(episode, patient, episodes[patient.pk], assessments[episode.pk], treatments[episode.pk],
                            today, with_prognosis=False).without(dismissals[episode.pk])
        rows.append(DashboardRow(patient, episode, care))
    return rows


def assessment_doc(a: Assessment) -> dict[str, Any]:
    """JSON-ready summary of one assessment."""
    return {
        "id": a.pk,
        "taken_on": a.taken_on.isoformat(),
        "asymmetry_index_mm": a.asymmetry_index_mm,
        "affected_side": a.affected_side or None,
        "house_brackmann": a.house_brackmann,
        "sunnybrook_composite": a.sunnybrook_composite,
        "eface_total": a.eface_total,
        "eye_closure_complete": a.eye_closure_complete,
        "lagophthalmos_mm": a.lagophthalmos_mm,
        "synkinesis_score": a.synkinesis_score,
        "summary_sources": a.summary_sources or {},
    }


def treatment_doc(t: Treatment) -> dict[str, Any]:
    """JSON-ready form of one treatment."""
    return {
        "id": t.pk,
        "kind": t.kind,
        "name": t.name,
        "start": t.start.isoformat(),
        "stop": t.stop.isoformat() if t.stop else None,
        "dose": t.dose or None,
        "muscle": t.muscle or None,
        "side": t.side or None,
        "units": t.units,
        "notes": t.notes or None,
    }
