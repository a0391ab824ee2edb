"""The care pathway: rules that read an episode, its assessments and treatments on a given day and return alerts.

Each rule is a small pure function with a stable id, severity, explanation and sources (keys of the clinical
reference). Every number comes from :mod:`facenerve.care.evidence`; the course judgements (improvement,
progressing, complete recovery, synkinesis emerging) from :mod:`facenerve.care.course`. docs/care.md lists the
rules. Red flags are never dismissible.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cached_property

from facenerve.care import course
from facenerve.care import evidence as ev
from facenerve.care.facts import (
    Alert,
    AssessmentFacts,
    CareInputError,
    Cause,
    EpisodeFacts,
    Severity,
    TreatmentFacts,
)

IDIOPATHIC = frozenset({Cause.BELLS, Cause.OTHER})
"""Red flags mark a palsy that is 'not typical Bell's palsy' [S37]: they apply while no other cause is known."""
ACUTE_PERIPHERAL = frozenset({Cause.BELLS, Cause.RAMSAY_HUNT, Cause.OTHER})
"""Review and referral milestones (KAS 11 [S28]); applied to Ramsay Hunt too, whose outlook is worse [S43, S54]."""
STEROID_CAUSES = frozenset({Cause.BELLS, Cause.RAMSAY_HUNT})
"""Steroids within 72 h: Bell's palsy [S28], Ramsay Hunt (with acyclovir, ≤ 3 days) [S53]."""
PERIPHERAL = frozenset(Cause) - {Cause.CENTRAL}
"""Synkinesis follows aberrant regeneration of the peripheral nerve [S62, S63, S64]."""
REANIMATION_CAUSES = frozenset(Cause) - {Cause.CENTRAL, Cause.CONGENITAL}
"""Timing windows of reinnervation run from the onset of an acquired peripheral palsy [S71, S76]."""


@dataclass(frozen=True)
class Context:
    """What a rule sees: the episode, the facts known on ``today`` (nothing dated later), and today."""

    episode: EpisodeFacts
    assessments: list[AssessmentFacts]
    treatments: list[TreatmentFacts]
    today: date

    @property
    def day(self) -> int:
        """Days since onset."""
        return self.episode.days_since_onset(self.today)

    def months_after_onset(self, months: int) -> date:
        return course.add_months(self.episode.onset_date, months)

    @cached_property
    def improvement(self) -> course.Finding:
        """Whether improvement is recorded (computed once per evaluation)."""
        return course.improvement(self.assessments)


Rule = Callable[[Context], list[Alert]]


def _sentence(text: str) -> str:
    """``text`` with its first letter in upper case (the rest untouched: "House–Brackmann IV")."""
    return text[:1].upper() + text[1:]


def steroid_window(ctx: Context) -> list[Alert]:
    """URGENT while onset is ≤ 72 h ago and no oral steroid is recorded (KAS 4 [S28]; Ramsay Hunt [S53]).

    With an onset time the window ends exactly 72 h later; without one it ends at an unknown time of day 3 after
    onset, so on that day the alert says the window may already have closed. A steroid course begun before the
    onset treats something else: it does not close the alert.
    """
    ep = ctx.episode
    if ep.cause not in STEROID_CAUSES or not 0 <= ctx.day <= ev.STEROID_WINDOW_DAYS:
        return []
    if course.steroid_started(ctx.treatments, ctx.today, ep.onset_date) is not None:
        return []
    age = ep.age_years(ctx.today)
    if age is not None and age < ev.STEROID_MIN_AGE_YEARS:
        return []
    due = ep.onset_date + timedelta(days=ev.STEROID_WINDOW_DAYS)
    if ep.onset_time is not None:
        ends = f"{ep.onset_time.strftime('%H:%M')} on {due.isoformat()}"
        title = f"Steroid window open until {ends}: no steroid recorded"
        timing = f" The 72 hours end at {ends} (onset recorded at {ep.onset_time.strftime('%H:%M')})."
    elif ctx.day < ev.STEROID_WINDOW_DAYS:
        title = f"Steroid window open until {due.isoformat()}: no steroid recorded"
        timing = (f" Onset time not recorded: the 72 hours end on {due.isoformat()} at the hour of onset; record "
                  "the onset time to know exactly.")
    else:
        title = "Steroid window may have closed (onset time not recorded): no steroid recorded"
        timing = (" Onset time not recorded: today is the third day after onset, so the 72 hours end today at the "
                  "hour of onset, which may already have passed.")
    if ep.cause is Cause.RAMSAY_HUNT:
        text = ("Ramsay Hunt treated with acyclovir and prednisone within 3 days recovered completely in 75%, "
                "against 30% when treated after 7 days.")
        sources: tuple[str, ...] = ("S53", "S28")
    else:
        text = ("Oral steroids within 72 h of onset are strongly recommended for patients aged 16 or over "
                "(AAO-HNS guideline, action 4). An antiviral may be added to the steroid but not given alone "
                "(action 5: a strong recommendation against antiviral monotherapy). In a trial, prednisolone raised "
                "complete recovery at 9 months from 81.6% to 94.4%.")
        sources = ("S28", "S34")
    age_note = "" if age is not None else " Age not recorded: the recommendation is for patients aged 16 or over."
    before = course.steroid_before_onset(ctx.treatments, ep.onset_date)
    before_note = (f" A {before.name.replace('_', ' ')} course started on {before.start.isoformat()}, before the "
                   "onset: it does not count as treatment of this palsy." if before is not None else "")
    return [Alert(
        rule="steroid_window", severity=Severity.URGENT, title=title,
        explanation=f"Onset {ctx.day} day(s) ago and no oral steroid on record.{timing} {text}{age_note}{before_note}",
        sources=sources, due=due, provisional=ep.onset_time is None and ctx.day == ev.STEROID_WINDOW_DAYS,
    )]


def eye_protection(ctx: Context) -> list[Alert]:
    """URGENT on any sign of incomplete eye closure (KAS 6 [S28]; HB IV and worse [S2]).

    Only a visit a clinician graded as complete clears it; each new run of incomplete closure is a new instance.
    """
    finding, since = course.eye_closure_incomplete(ctx.assessments)
    if not finding.holds:
        return []
    return [Alert(
        rule="eye_protection", severity=Severity.URGENT,
        title="Protect the eye: closure is incomplete",
        explanation=(f"{_sentence(finding.detail)}. Eye protection is strongly recommended when eye closure is "
                     "impaired (AAO-HNS guideline, action 6); ocular symptoms at any time warrant reassessment or "
                     "referral to a facial nerve specialist (action 11)."),
        sources=("S28", "S2"), provisional=finding.provisional, since=since,
    )]


def red_flags(ctx: Context) -> list[Alert]:
    """RED_FLAG (never dismissible): bilateral (any cause), recurrent on the same side, progressing after 3 weeks,
    no improvement by 4 months [S37, S38, S39]."""
    ep = ctx.episode
    alerts: list[Alert] = []

    def flag(rule: str, title: str, explanation: str, sources: tuple[str, ...], provisional: bool = False) -> None:
        alerts.append(Alert(rule=f"red_flag.{rule}", severity=Severity.RED_FLAG, title=title,
                            explanation=f"{explanation} Not typical of Bell's palsy: look for another cause.",
                            sources=sources, dismissible=False, provisional=provisional))

    if ep.side == "bilateral":
        cause_note = ("" if ep.cause in IDIOPATHIC else
                      f" The recorded cause ({ep.cause.label}) does not usually affect both sides at once.")
        flag("bilateral", "Bilateral facial palsy",
             "Simultaneous bilateral palsy suggests Guillain–Barré syndrome, Lyme disease or sarcoidosis."
             + cause_note, ("S37", "S38", "S39"))
    if ep.cause not in IDIOPATHIC:
        return alerts
    if _same_side_before(ep):
        flag("recurrent_ipsilateral", "Recurrent palsy on the same side",
             f"An earlier episode affected the {ep.side} side too. In a 500-patient series, recurrent ipsilateral "
             "palsy was due to a facial nerve tumour in 30%.", ("S39",))
    elif ep.recurrence and not ep.previous_sides:
        flag("recurrent_ipsilateral", "Recurrent palsy: side of the earlier episode not recorded",
             "This episode is marked as a recurrence, but no earlier episode is on record. If the earlier palsy was "
             "on the same side: in a 500-patient series, recurrent ipsilateral palsy was due to a facial nerve "
             "tumour in 30%. Record the earlier episode.", ("S39",), provisional=True)
    progressing = course.progressing_after(ep, ctx.assessments, ev.PROGRESSION_RED_FLAG_DAYS)
    if progressing.holds:
        flag("progressing", "Still worsening after 3 weeks",
             f"{_sentence(progressing.detail)}. Continued worsening beyond 3 weeks, like a slowly progressive "
             "onset, is a red flag.", ("S37",), progressing.provisional)
    flag_day = ctx.months_after_onset(ev.NO_IMPROVEMENT_RED_FLAG_MONTHS)
    if ctx.today >= flag_day:
        improved = ctx.improvement
        if not improved.holds:
            flag("no_improvement", "No improvement 4 months after onset",
                 f"No improvement recorded since onset on {ep.onset_date.isoformat()} ({improved.detail}). "
                 "No improvement within 4 months is a red flag; in a series, no recovery by 6 months excluded "
                 "Bell's palsy; the guideline already advises referral to a facial nerve specialist at 3 months.",
                 ("S37", "S39", "S28"), improved.provisional)
    return alerts


def _same_side_before(ep: EpisodeFacts) -> bool:
    """True when an earlier episode involved a side this one involves too (whatever the recurrence checkbox says)."""
    sides = {ep.side} if ep.side != "bilateral" else {"left", "right"}
    return any(previous == "bilateral" or previous in sides for previous in ep.previous_sides)


def relapse(ctx: Context) -> list[Alert]:
    """URGENT when the latest visit is clearly worse than an earlier, better one: reassess or refer (KAS 11 [S28])."""
    finding, since = course.relapse(ctx.episode, ctx.assessments)
    if not finding.holds:
        return []
    early = ctx.day <= ev.EARLY_DETERIORATION_LAST_DAY
    note = (" Early worsening by days 11–17 happens in 28% (Marsk) and lowers the chance of complete recovery."
            if early else "")
    return [Alert(
        rule="reassess_worsening", severity=Severity.URGENT,
        title="Worse than at an earlier visit: reassess or refer",
        explanation=(f"{_sentence(finding.detail)}. New or worsening findings at any time warrant reassessment or "
                     f"referral to a facial nerve specialist (AAO-HNS guideline, action 11).{note}"),
        sources=("S28", "S47") if early else ("S28",), provisional=finding.provisional, since=since,
    )]


def early_review(ctx: Context) -> list[Alert]:
    """ADVISORY from 3 weeks to 3 months after onset while no improvement is recorded [S41, S43]."""
    ep = ctx.episode
    due = ep.onset_date + timedelta(days=ev.EARLY_REVIEW_DAYS)
    if ep.cause not in ACUTE_PERIPHERAL or not due <= ctx.today < ctx.months_after_onset(ev.REFERRAL_MONTHS):
        return []
    improved = ctx.improvement
    if improved.holds:
        return []
    return [Alert(
        rule="early_review", severity=Severity.ADVISORY,
        title="No improvement 3 weeks after onset: review",
        explanation=(f"No improvement recorded by {ctx.today.isoformat()} ({improved.detail}). Recovery begins within "
                     "3 weeks in 85% (Peitersen's series); no recovery by 3 weeks predicts a poorer outcome. Reassess "
                     "the diagnosis and the eye, and record a new assessment."
                     + (" These figures come from Bell's palsy; FaceNerve applies them to this cause too (convention)."
                        if ep.cause is not Cause.BELLS else "")),
        sources=("S41", "S43"), due=due, provisional=improved.provisional or ep.cause is not Cause.BELLS,
    )]


def specialist_referral(ctx: Context) -> list[Alert]:
    """ADVISORY from 3 months after onset while complete recovery is not recorded (KAS 11 [S28])."""
    ep = ctx.episode
    due = ctx.months_after_onset(ev.REFERRAL_MONTHS)
    if ep.cause not in ACUTE_PERIPHERAL or ctx.today < due:
        return []
    recovered = course.complete_recovery(ctx.assessments)
    if recovered.holds:
        return []
    beyond_guideline = ep.cause is not Cause.BELLS
    scope = (" The guideline is for Bell's palsy; FaceNerve applies it to this cause too (convention)."
             if beyond_guideline else "")
    return [Alert(
        rule="specialist_referral", severity=Severity.ADVISORY,
        title="Recovery incomplete at 3 months: reassess or refer to a facial nerve specialist",
        explanation=(f"{_sentence(recovered.detail)}. The AAO-HNS guideline (action 11) recommends reassessment or "
                     f"referral to a facial nerve specialist when recovery is incomplete 3 months after onset.{scope}"),
        sources=("S28",), due=due, provisional=beyond_guideline or recovered.provisional,
    )]


def synkinesis(ctx: Context) -> list[Alert]:
    """ADVISORY when synkinesis is present (emerging or stable) and no botulinum toxin is on record [S4, S45, S60,
    S61]."""
    if ctx.episode.cause not in PERIPHERAL:
        return []
    finding, emerging, since = course.synkinesis_present(ctx.assessments)
    if not finding.holds or any(t.kind == "botulinum_toxin" for t in ctx.treatments):
        return []
    on_therapy = bool(course.given(ctx.treatments, course.RETRAINING_THERAPIES, "therapy", ctx.today))
    step = ("Physiotherapy or facial exercise retraining is on record: evaluate for botulinum toxin." if on_therapy
            else "Start physiotherapy with biofeedback retraining; evaluate for botulinum toxin if it persists.")
    latest = [a.synkinesis_score for a in ctx.assessments if a.synkinesis_score is not None][-1]
    sequela = (" A score above 2 was counted as a synkinesis sequela at 12 months in the prednisolone trial "
               "(Berg 2012)."
               if latest is not None and latest > ev.SYNKINESIS_SEQUELA_SCORE else "")
    state = "emerging" if emerging else "present"
    return [Alert(
        rule="synkinesis", severity=Severity.ADVISORY,
        title=f"Synkinesis {state}: physiotherapy or botulinum toxin evaluation",
        explanation=(f"{finding.detail}. Synkinesis is usually noticed about 6 months into recovery; the care "
                     f"sequence is biofeedback retraining, then botulinum toxin, then surgery if refractory. {step}"
                     f"{sequela}"),
        sources=("S4", "S60", "S61", "S45"), provisional=finding.provisional, since=since,
    )]


def botox(ctx: Context) -> list[Alert]:
    """INFO from 12 weeks after the last injection until the longest reported effect (9 months) has passed
    [S65, S66]; ADVISORY for each pair of consecutive injections less than 12 weeks apart (issue #4)."""
    injections = sorted((t for t in ctx.treatments if t.kind == "botulinum_toxin"), key=lambda t: t.start)
    if not injections:
        return []
    alerts: list[Alert] = []
    last = injections[-1]
    due = last.start + ev.BOTOX_MIN_INTERVAL
    stale = course.add_months(last.start, ev.BOTOX_LONG_EFFECT_MONTHS)
    if due <= ctx.today < stale:
        weeks = (ctx.today - last.start).days // 7
        alerts.append(Alert(
            rule="botox_due", severity=Severity.INFO,
            title=f"Botulinum toxin reinjection can be considered (last {last.start.isoformat()})",
            explanation=(f"Last injection {weeks} weeks ago. The effect lasts about 3 months before reinjection; "
                         f"some patients keep it 4–{ev.BOTOX_LONG_EFFECT_MONTHS} months, so reinject when the effect "
                         "has worn off. FaceNerve never suggests it sooner than 12 weeks after the last injection "
                         "(a FaceNerve rule, not a published interval), and stops suggesting it "
                         f"{ev.BOTOX_LONG_EFFECT_MONTHS} months after the last one, the longest effect reported."),
            sources=("S65", "S66"), due=due, provisional=True,
        ))
    for previous, later in itertools.pairwise(injections):
        gap = later.start - previous.start
        if gap < ev.BOTOX_MIN_INTERVAL:
            alerts.append(Alert(
                rule="botox_interval_short", severity=Severity.ADVISORY,
                title=f"Botulinum toxin injections only {gap.days} days apart",
                explanation=(f"Injections on {previous.start.isoformat()} and {later.start.isoformat()} are "
                             f"{gap.days} days apart; FaceNerve's rule is never less than 12 weeks (84 days), the "
                             "usual duration of effect being about 3 months."),
                sources=("S65",), provisional=True, since=later.start,
            ))
    return alerts


def reanimation_window(ctx: Context) -> list[Alert]:
    """URGENT when no recovery 6–12 months after onset (nerve transfer best before 12 months); ADVISORY after
    12 months (muscle atrophies after 12–18 months; free muscle transfer) [S71, S76, S51, S74].

    The 6-month start is a FaceNerve convention (``ev.REANIMATION_NO_RECOVERY_MONTHS``), so the urgent alert is
    provisional; the 12-month limit is sourced [S71]."""
    ep = ctx.episode
    if ep.cause not in REANIMATION_CAUSES or ctx.today < ctx.months_after_onset(ev.REANIMATION_NO_RECOVERY_MONTHS):
        return []
    if course.given(ctx.treatments, course.REANIMATION_PROCEDURES, "procedure", ctx.today):
        return []
    improved = ctx.improvement
    if improved.holds:
        return []
    transfer_by = ctx.months_after_onset(ev.NERVE_TRANSFER_BEFORE_MONTHS)
    atrophy_by = ctx.months_after_onset(ev.MUSCLE_ATROPHY_MONTHS)
    if ctx.today < transfer_by:
        return [Alert(
            rule="reanimation_window", severity=Severity.URGENT,
            title=f"No recovery at 6 months: nerve transfer works best before {transfer_by.isoformat()}",
            explanation=(f"No recovery recorded ({improved.detail}). Consider referral for facial reanimation "
                         "assessment with EMG: nerve transfer works best within the first 12 months, and denervated "
                         "muscle atrophies after 12–18 months; axons regrow about 1 mm a day. FaceNerve raises this "
                         "from 6 months (its own convention; in a series, no recovery by 6 months excluded Bell's "
                         "palsy)."),
            sources=("S71", "S76", "S51", "S39"), due=transfer_by, provisional=True,
        )]
    return [Alert(
        rule="reanimation_window", severity=Severity.ADVISORY,
        title="No recovery after 12 months: free muscle transfer assessment",
        explanation=(f"No recovery recorded ({improved.detail}). After 12 months (or with EMG silence) reanimation "
                     "uses free muscle transfer rather than nerve transfer; denervated muscle atrophies after 12–18 "
                     f"months (by about {atrophy_by.isoformat()})."),
        sources=("S71", "S76", "S51", "S74"), due=atrophy_by if ctx.today < atrophy_by else None,
        provisional=improved.provisional,
    )]


def electrodiagnostics(ctx: Context) -> list[Alert]:
    """INFO for complete paralysis on days 3–14 — complete at onset or graded House–Brackmann VI since:
    electrodiagnostics may be offered (KAS 7 [S28]; [S48, S49])."""
    ep = ctx.episode
    if ep.cause is not Cause.BELLS or not ev.ENOG_FIRST_DAY <= ctx.day <= ev.ENOG_LAST_DAY:
        return []
    total = [a for a in ctx.assessments if a.house_brackmann == ev.HB_TOTAL_PALSY_GRADE]
    if ep.complete_at_onset is not True and not total:
        return []
    if ep.complete_at_onset is True:
        basis, automated = "Complete paralysis at onset", False
    else:
        first = total[0]
        automated = course.HOUSE_BRACKMANN.name in first.automated
        basis = (f"Complete paralysis since {first.on.isoformat()} (House–Brackmann VI"
                 + (", automated estimate" if automated else "") + ")")
    due = ep.onset_date + timedelta(days=ev.ENOG_LAST_DAY)
    return [Alert(
        rule="electrodiagnostics", severity=Severity.INFO,
        title=f"Electrodiagnostics (ENoG) is an option until {due.isoformat()}",
        explanation=(f"{basis}: electrodiagnostic testing may be offered (AAO-HNS guideline, action 7; not for "
                     "incomplete paralysis). ENoG is meaningful from about day 3; under 90% degeneration in the "
                     "first 3 weeks predicts 80–100% excellent recovery, over 90% about 50% good recovery."),
        sources=("S28", "S48", "S49"), due=due, provisional=automated,
    )]


RULES: tuple[Rule, ...] = (
    steroid_window, eye_protection, red_flags, relapse, early_review, specialist_referral, synkinesis, botox,
    reanimation_window, electrodiagnostics,
)


def context(
    episode: EpisodeFacts, assessments: Sequence[AssessmentFacts], treatments: Sequence[TreatmentFacts], today: date
) -> Context:
    """Validate the day and keep only facts known on it (dated on or before ``today``)."""
    if not isinstance(today, date):
        raise CareInputError(f"today must be a date, got {today!r}")
    if today < episode.onset_date:
        raise CareInputError(f"today ({today.isoformat()}) is before the onset ({episode.onset_date.isoformat()})")
    return Context(
        episode=episode,
        assessments=course.until(assessments, today),
        treatments=sorted((t for t in treatments if t.start <= today), key=lambda t: t.start),
        today=today,
    )


def evaluate(
    episode: EpisodeFacts, assessments: Sequence[AssessmentFacts], treatments: Sequence[TreatmentFacts], today: date
) -> list[Alert]:
    """All alerts that hold on ``today``, most pressing first (red flags, urgent, advisory, info).

    Facts dated after ``today`` are ignored, so the same call answers "what was due on that day".
    Raises :class:`CareInputError` when ``today`` is before the onset.
    """
    ctx = context(episode, assessments, treatments, today)
    alerts = [alert for rule in RULES for alert in rule(ctx)]
    return sorted(alerts, key=lambda a: (a.severity.rank, a.rule))
