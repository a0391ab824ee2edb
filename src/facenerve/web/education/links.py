"""Where the rest of the app points into the library: an article for each care alert, and reading by stage."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ArticleLink:
    slug: str
    title: str

    @property
    def url(self) -> str:
        return f"/learn/articles/{self.slug}/"


FIRST_DAYS = ArticleLink("first-72-hours", "The first 72 hours: steroids and antivirals")
EYE = ArticleLink("protecting-the-eye", "Protecting the eye")
ABOUT = ArticleLink("what-is-facial-palsy", "Facial palsy and Bell's palsy")
RECOVERY = ArticleLink("how-long-recovery-takes", "How long recovery takes")
EXERCISES = ArticleLink("exercises-and-physiotherapy", "Exercises and physiotherapy")
SPECIALIST = ArticleLink("when-to-see-a-specialist", "When to see a specialist")
AFTEREFFECTS = ArticleLink("aftereffects", "Aftereffects and their treatments")
LIVING = ArticleLink("living-with-facial-palsy", "Living with facial palsy")

#: Care pathway rule id (``facenerve.care``) → the article that explains it. Every ``red_flag.*`` rule shares one.
FOR_RULE: dict[str, ArticleLink] = {
    "steroid_window": FIRST_DAYS,
    "eye_protection": EYE,
    "red_flag": SPECIALIST,
    "reassess_worsening": SPECIALIST,
    "early_review": RECOVERY,
    "specialist_referral": SPECIALIST,
    "synkinesis": AFTEREFFECTS,
    "botox_due": AFTEREFFECTS,
    "botox_interval_short": AFTEREFFECTS,
    "reanimation_window": AFTEREFFECTS,
    "electrodiagnostics": SPECIALIST,
}


def for_rule(rule: str) -> ArticleLink | None:
    """The article explaining the alert of ``rule`` (e.g. "eye_protection", "red_flag.bilateral")."""
    return FOR_RULE.get(rule.split(".", 1)[0])


def for_stage(days_since_onset: int | None, synkinesis: bool) -> list[ArticleLink]:
    """Up to three articles for where a patient is: the 72-hour steroid window and the 3-month reassessment
    [S28], the 3 weeks in which most recoveries begin [S41]; synkinesis puts its article first."""
    if days_since_onset is None:
        picks = [ABOUT, RECOVERY, LIVING]
    elif days_since_onset <= 3:
        picks = [FIRST_DAYS, EYE, ABOUT]
    elif days_since_onset <= 21:
        picks = [EYE, RECOVERY, ABOUT]
    elif days_since_onset <= 90:
        picks = [RECOVERY, EXERCISES, EYE]
    else:
        picks = [SPECIALIST, LIVING, RECOVERY]
    if synkinesis:
        picks = [AFTEREFFECTS, EXERCISES, *[p for p in picks if p not in (AFTEREFFECTS, EXERCISES)]]
    return picks[:3]
