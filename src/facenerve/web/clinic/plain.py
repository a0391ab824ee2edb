"""Plain words for the patient: their alerts, their outlook and each visit, from the same figures the clinician sees.

Display only: every sentence is built from an alert the care pathway raised, the prognosis document or the stored
figures of a visit; nothing here judges the course or invents a number. One mapping, :data:`ALERTS`, gives each
alert code (``facenerve.care.pathway``) its patient wording; red flags and urgent alerts always tell the patient to
contact their clinic and why, clinician-only workflow alerts say what the clinic may discuss.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from facenerve import labels
from facenerve.care import course
from facenerve.care import evidence as ev
from facenerve.web.education import links, references

#: Severities the patient must act on: shown first and prominently, never hidden.
CONTACT_SEVERITIES = frozenset({"red_flag", "urgent"})


@dataclass(frozen=True)
class PlainAlert:
    """An alert in the patient's words: a heading, why it matters and what to do (``{due}`` is the alert's date)."""

    heading: str
    why: str
    act: str
    due: str = ""


_RED_FLAG_ACT = ("Contact your clinic soon if they have not already talked to you about this: your care team needs "
                 "to check for another cause, for example with tests or a scan.")

#: Alert code → the patient's wording, its periods the care pathway's own (:mod:`facenerve.care.evidence`). A code
#: may also be keyed ``code@severity`` when its wording depends on the
#: severity; ``red_flag`` covers any red flag without its own entry.
ALERTS: dict[str, PlainAlert] = {
    "steroid_window": PlainAlert(
        "Ask about steroid tablets now",
        f"Steroid tablets help most when they are started within {ev.STEROID_WINDOW_DAYS} days "
        f"({ev.STEROID_WINDOW_DAYS * 24} hours) of the weakness beginning, and "
        "your record shows none yet.",
        "Contact your clinic or a doctor today to ask whether you should take them.",
        f"The {ev.STEROID_WINDOW_DAYS} days end on {{due}}."),
    "eye_protection": PlainAlert(
        "Protect your eye",
        "Your eye may not close fully, so it can dry out and be hurt without you noticing.",
        "Use eye drops by day and ointment at night, and keep the eye closed while you sleep (tape or a shield), as "
        "your clinic showed you. Contact your clinic today if the eye becomes red or painful, or your sight "
        "changes."),
    "red_flag": PlainAlert(
        "Contact your clinic: your record needs a check",
        "Something in your record is not usual for this kind of facial palsy.",
        _RED_FLAG_ACT),
    "red_flag.bilateral": PlainAlert(
        "Contact your clinic: both sides of your face are affected",
        "Weakness on both sides of the face at once is not usual for Bell's palsy and can have another cause.",
        _RED_FLAG_ACT),
    "red_flag.recurrent_ipsilateral": PlainAlert(
        "Contact your clinic: the palsy came back on the same side",
        "When a facial palsy comes back on the same side as before, doctors look for another cause.",
        _RED_FLAG_ACT),
    "red_flag.recurrent_ipsilateral@provisional": PlainAlert(
        "Contact your clinic: your palsy has come back",
        "When a facial palsy comes back, doctors check whether it is on the same side as before and look for another "
        "cause. Your record does not yet say which side the earlier palsy was on.",
        _RED_FLAG_ACT),
    "red_flag.progressing": PlainAlert(
        f"Contact your clinic: your face is still getting weaker after {ev.PROGRESSION_RED_FLAG_DAYS // 7} weeks",
        f"Most facial palsies stop getting worse within the first weeks; weakness that keeps growing after "
        f"{ev.PROGRESSION_RED_FLAG_DAYS // 7} weeks "
        "can have another cause.",
        _RED_FLAG_ACT),
    "red_flag.no_improvement": PlainAlert(
        f"Contact your clinic: no improvement {ev.NO_IMPROVEMENT_RED_FLAG_MONTHS} months after it began",
        f"Most people start to get better within a few weeks or months. When no improvement is recorded after "
        f"{ev.NO_IMPROVEMENT_RED_FLAG_MONTHS} months, doctors check for another cause.",
        _RED_FLAG_ACT),
    "reassess_worsening": PlainAlert(
        "Contact your clinic: your face moved less well at your latest visit",
        "Your latest visit showed more weakness than an earlier one.",
        "Contact your clinic so they can check you again; they may refer you to a specialist in facial nerve "
        "problems."),
    "reanimation_window@urgent": PlainAlert(
        "Contact your clinic: ask about treatment to restore movement",
        f"No return of movement is recorded {ev.REANIMATION_NO_RECOVERY_MONTHS} months after the palsy began. "
        "Operations that connect a working nerve to the face work best within the first "
        f"{ev.NERVE_TRANSFER_BEFORE_MONTHS} months.",
        "Contact your clinic to talk about whether such treatment could help you, if they have not already.",
        "The best time for it ends around {due}."),
    "reanimation_window": PlainAlert(
        "Your clinic may discuss treatment to restore movement",
        f"No return of movement is recorded {ev.NERVE_TRANSFER_BEFORE_MONTHS} months after the palsy began. "
        "Operations that bring a new muscle to the "
        "face can still help after this time.",
        "Your clinic may discuss this with you."),
    "early_review": PlainAlert(
        "Your clinic may want to see you again",
        f"No improvement is recorded yet {ev.EARLY_REVIEW_DAYS // 7} weeks after the palsy began. "
        "Many people start to get better by now, but "
        "not everyone does.",
        "Your clinic may review your recovery with you and take new photos."),
    "specialist_referral": PlainAlert(
        "Your clinic may discuss seeing a specialist",
        f"Your face has not fully recovered {ev.REFERRAL_MONTHS} months after the palsy began. "
        "Guidelines suggest a fresh check at this "
        "point.",
        "Your clinic may discuss a check-up or a referral to a specialist in facial nerve problems with you."),
    "synkinesis": PlainAlert(
        "Your clinic may discuss treatment for linked movements",
        "Your record shows linked movements (synkinesis): parts of the face moving together, for example the eye "
        "narrowing when you smile. This is common as the nerve heals.",
        "Your clinic may discuss special facial exercises with a physiotherapist and, later, small injections that "
        "relax the over-active muscles (botulinum toxin)."),
    "botox_due": PlainAlert(
        "Your clinic may discuss your next injection",
        f"Your last botulinum toxin injection was at least {ev.BOTOX_MIN_INTERVAL.days // 7} weeks ago; its effect "
        "usually wears off after about 3 months.",
        "If you notice the effect wearing off, your clinic may discuss another injection with you."),
    "botox_interval_short": PlainAlert(
        "Your clinic may check the dates of your injections",
        f"Two of your botulinum toxin injections are recorded less than {ev.BOTOX_MIN_INTERVAL.days // 7} weeks apart, "
        "which is sooner than usual.",
        "Your clinic may check these dates with you."),
    "electrodiagnostics": PlainAlert(
        "Your clinic may offer a nerve test",
        "Your face could not move at all on the affected side early on. A test of the facial nerve "
        f"(electroneurography, or ENoG) in the first {ev.ENOG_LAST_DAY} days can help tell how well the nerve may "
        "recover.",
        "Your clinic may discuss this test with you.",
        "It is useful until about {due}."),
}

#: When an alert code has no wording yet: still shown, in the words of its severity.
_FALLBACK = {
    True: PlainAlert("Contact your clinic", "Your record shows something your care team should check soon.",
                     "Contact your clinic today."),
    False: PlainAlert("Your clinic may discuss something with you", "Your care team has a note about your care.",
                      "Your clinic may discuss it with you at your next visit."),
}


def wording(rule: str, severity: str) -> PlainAlert:
    """The patient's wording of an alert: ``rule@severity``, then ``rule``, then its family (``red_flag``), else
    a wording by severity."""
    for key in (f"{rule}@{severity}", rule, rule.split(".", 1)[0]):
        if key in ALERTS:
            return ALERTS[key]
    return _FALLBACK[severity in CONTACT_SEVERITIES]


@dataclass(frozen=True)
class SourceLink:
    """A reference the patient can follow: its address on the references page and a short name."""

    key: str
    name: str

    @property
    def url(self) -> str:
        return f"{references.REFERENCES_PATH}#{self.key}"


def source_links(keys: Iterable[str]) -> list[SourceLink]:
    """Each source key as a link named by its authors or publisher (never the bare key)."""
    known = references.references()
    found = []
    for key in keys:
        ref = known.get(str(key))
        found.append(SourceLink(str(key), (ref.details if ref and ref.details else "published source")))
    return found


@dataclass(frozen=True)
class PatientAlert:
    rule: str
    contact: bool
    heading: str
    why: str
    act: str
    when: str
    provisional: bool
    sources: list[SourceLink]
    article: links.ArticleLink | None
    reviewed: bool = False


def patient_alerts(alerts: Sequence[dict[str, Any]], dismissed: Sequence[dict[str, Any]] = ()
                   ) -> list[PatientAlert]:
    """Every alert the patient's episode shows, in their words; those to act on (red flag, urgent) first. An urgent
    alert a clinician has dismissed (``dismissed``) still reaches the patient, marked as reviewed by the clinic:
    what it asks of them (e.g. protecting the eye) may still hold."""
    shown = []
    reviewed = [a for a in dismissed if str(a.get("severity", "")) in CONTACT_SEVERITIES]
    for alert, was_reviewed in [*((a, False) for a in alerts), *((a, True) for a in reviewed)]:
        severity = str(alert.get("severity", ""))
        unsure = ALERTS.get(f"{alert['rule']}@provisional") if alert.get("provisional") else None
        words = unsure or wording(str(alert["rule"]), severity)
        when = words.due.format(due=labels.day(alert["due"])) if words.due and alert.get("due") else ""
        shown.append(PatientAlert(str(alert["rule"]), severity in CONTACT_SEVERITIES, words.heading, words.why,
                                  words.act, when, bool(alert.get("provisional")), source_links(alert["sources"]),
                                  links.for_rule(str(alert["rule"])), was_reviewed))
    return sorted(shown, key=lambda a: not a.contact)


def _date(on: str | None) -> str:
    """An ISO date of the prognosis as written on every page (ISO 8601)."""
    return labels.day(on[:10]) if on else ""


def _factor(text: str) -> str:
    """A poor prognostic factor of the prognosis (``"age 64 (over 60)"``, ``"hypertension"``) in plain words."""
    if text.startswith("age "):
        return f"being over {ev.POOR_PROGNOSIS_AGE_YEARS}"
    return {"hypertension": "high blood pressure"}.get(text, text.replace("_", " "))


@dataclass(frozen=True)
class Outlook:
    """The prognosis in plain sentences; ``uncertain`` says the figures are rough."""

    sentences: list[str]
    uncertain: bool
    sources: list[SourceLink]


def own_source(summary_sources: dict[str, Any] | None, key: str) -> str:
    """How a figure on the patient's summary was found, in their words ("" for a clinician's entry)."""
    found = (summary_sources or {}).get(key)
    if found == "automated":
        return " (measured automatically from your photos)"
    if found in ("imported", "imported_unstated"):
        return " (from another clinic's record)"
    return ""


def outlook(prognosis: dict[str, Any] | None, today: date) -> Outlook | None:
    """The prognosis document in the patient's words, from its own figures (no curve, no scale names)."""
    if not prognosis:
        return None
    p = prognosis
    said: list[str] = []
    chance = p.get("probability_complete")  # the published figure updated with this course
    published = p.get("prior_probability_complete")
    if chance is not None and chance >= 1.0:
        said.append("Your clinician has recorded that your face has recovered fully.")
    elif published is None:
        said.append("There are no published figures on full recovery from this kind of facial palsy, so no number "
                    "can be given.")
    else:
        n = round(published * 100)
        if n > 50:
            said.append(f"Most people with a palsy like yours recover fully: about {n} in 100, according to "
                        "published studies.")
        else:
            said.append(f"About {n} in 100 people with a palsy like yours recover fully, according to published "
                        "studies.")
        if chance is not None and round(chance * 100) != n:
            said.append(f"Taking your visits so far into account, the estimate for you is about "
                        f"{round(chance * 100)} in 100.")
    factors = [_factor(f) for f in p.get("risk_factors") or ()]
    if factors and chance is not None and chance < 1.0:
        said.append(f"Some things in your record can make recovery slower or less complete ({', '.join(factors)}); "
                    "studies do not say by how much, so they are not counted in that number.")
    settles = _date(p.get("plateau_reached_on"))
    if p.get("fitted") and settles:
        early, late = _date(p.get("plateau_reached_earliest")), _date(p.get("plateau_reached_latest"))
        span = f" (somewhere between {early} and {late})" if early and late and early != late else ""
        if p.get("headline_basis") == "curve":
            said.append("Your own visits so far suggest your face may settle with some weakness remaining, rather "
                        "than recovering fully. For you, this is now a better guide than the figure from studies.")
        elif p.get("plateau_includes_complete") is True:
            said.append("Your own visits so far fit with a full recovery.")
        if date.fromisoformat(str(p["plateau_reached_on"])[:10]) < today:
            said.append(f"Most of the improvement expected from your visits so far has probably happened: it was "
                        f"expected to level off around {settles}{span}.")
        else:
            said.append(f"Your improvement is expected to level off around {settles}{span}.")
    elif chance is None or chance < 1.0:
        said.append("There are not yet enough visits to tell how your own recovery will go.")
    uncertain = bool(p.get("provisional"))
    return Outlook(said, uncertain, source_links(p.get("sources") or ()))


#: The figures a visit is described by, most telling first: how each is named to the patient.
_VISIT_MEASURES = ("sunnybrook_composite", "house_brackmann", "eface_total", "asymmetry_index_mm")


def _figure(key: str, value: float) -> str:
    if key == "house_brackmann":
        return labels.house_brackmann(int(value))
    return f"{value:g}"


#: How each figure is said: (before the value now, before the earlier value, after it).
_SAID = {
    "sunnybrook_composite": ("a movement score of ", "", " out of 100, where 100 is normal movement"),
    "eface_total": ("an overall face score of ", "", " out of 100, where 100 is normal"),
    "house_brackmann": ("overall grade ", "grade ", " on a scale from I, normal, to VI, no movement"),
    "asymmetry_index_mm": ("the two sides differed by ", "", " mm on average (lower is better)"),
}


def visit_sentence(visit: Any, earlier: Sequence[Any]) -> str:
    """One sentence on how the face moved at ``visit`` compared with the first earlier visit that has the same
    figure (``earlier`` oldest first), and a second when it moved less well than at the latest earlier one; a change
    must reach the figure's change threshold to count."""
    sources = visit.summary_sources or {}
    for key in _VISIT_MEASURES:
        now = getattr(visit, key)
        if now is None:
            continue
        base = next((v for v in earlier if getattr(v, key) is not None), None)
        if base is None:
            continue
        measure = course.MEASURES_BY_NAME[key]
        before = getattr(base, key)
        change = measure.better_by(float(now), float(before))
        if change >= measure.change - 1e-9:
            how = "better than"
        elif change <= -measure.change + 1e-9:
            how = "less well than"
        else:
            how = "about the same as"
        first = ("your first visit" if base is earlier[0]
                 else f"your first visit with this figure ({labels.day(base.taken_on)})")
        said_sources = {sources.get(key), (base.summary_sources or {}).get(key)}
        auto = (" (measured automatically from your photos; your care team checks it)" if "automated" in said_sources
                else " (from another clinic's record; your care team checks it)"
                if said_sources & {"imported", "imported_unstated"} else "")
        lead, again, tail = _SAID[key]
        said = (f"Your face moved {how} at {first}: {lead}{_figure(key, float(now))}, against "
                f"{again}{_figure(key, float(before))} then{tail}{auto}.")
        previous = next((v for v in reversed(earlier) if getattr(v, key) is not None), base)
        if previous is not base and measure.better_by(float(now), float(getattr(previous, key))) <= (
                -measure.change + 1e-9):  # a setback since the last visit is said too, not hidden by the first
            said += (f" It moved less well than at your visit of {labels.day(previous.taken_on)}, though: "
                     f"{again}{_figure(key, float(getattr(previous, key)))} then.")
        return said
    if not earlier:
        return "Your first visit: later visits are compared with this one."
    return "No figure from this visit can be compared with an earlier one."


#: Muscles named in treatment records, explained.
MUSCLES = {
    "orbicularis_oculi": "the muscle that closes the eye",
    "zygomaticus": "a smiling muscle of the cheek",
    "mentalis": "the chin muscle",
    "platysma": "the neck muscle",
    "depressor_anguli_oris": "the muscle that pulls the mouth corner down",
    "buccinator": "the cheek muscle",
    "frontalis": "the forehead muscle",
}


def muscle(key: str, label: str) -> str:
    """A muscle's name with what it does, e.g. "orbicularis oculi (the muscle that closes the eye)"."""
    plain = MUSCLES.get(key)
    return f"{label} ({plain})" if plain else label
