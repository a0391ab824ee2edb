"""Care pathway and prognosis: pure functions over plain facts (no ORM, no I/O).

>>> from datetime import date
>>> from facenerve.care import Cause, EpisodeFacts, evaluate
>>> episode = EpisodeFacts(date(2026, 1, 1), "left", Cause.BELLS, complete_at_onset=True, recurrence=False)
>>> [a.rule for a in evaluate(episode, [], [], today=date(2026, 1, 2))]
['steroid_window']
"""

from facenerve.care.facts import (
    Alert,
    AssessmentFacts,
    CareInputError,
    Cause,
    EpisodeFacts,
    Severity,
    Side,
    TreatmentFacts,
)
from facenerve.care.pathway import RULES, evaluate
from facenerve.care.prognosis import Prognosis, RecoveryFit, fit_recovery, prior_probability, prognosis

__all__ = [
    "RULES",
    "Alert",
    "AssessmentFacts",
    "CareInputError",
    "Cause",
    "EpisodeFacts",
    "Prognosis",
    "RecoveryFit",
    "Severity",
    "Side",
    "TreatmentFacts",
    "evaluate",
    "fit_recovery",
    "prior_probability",
    "prognosis",
]
