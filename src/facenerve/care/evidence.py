"""Every clinical number the care pathway and prognosis use, in one place, each with its source key.

Keys (S1, S28, ...) are those of the project's clinical reference; docs/care.md lists them. Numbers marked
``PROVISIONAL`` are FaceNerve conventions or derived arithmetic, not published figures: outputs that rely on them
say ``provisional: true``.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Final

# --- Acute treatment ------------------------------------------------------------------------------------------
STEROID_WINDOW_DAYS: Final = 3
"""Oral steroids within 72 h of onset (AAO-HNS KAS 4 [S28]; Ramsay Hunt treated ≤ 3 d [S53]). With no onset
time, 72 h ends at an unknown hour of the third day after onset: the alert runs to the end of that day and says
the window may have closed (``EpisodeFacts.onset_time`` makes it exact)."""
STEROID_MIN_AGE_YEARS: Final = 16
"""KAS 4 applies to patients aged 16 or over [S28]; Sullivan's trial enrolled ≥ 16 y [S34]."""

# --- Electrodiagnostics ---------------------------------------------------------------------------------------
ENOG_FIRST_DAY: Final = 3
"""ENoG is meaningful from about day 3 of complete paralysis (Wallerian degeneration takes 48–72 h) [S48]."""
ENOG_LAST_DAY: Final = 14
"""Prognostic ENoG within the first 14 days (Gantz 1999 [S49]); may be offered for complete paralysis [S28] KAS 7."""

# --- Course milestones ----------------------------------------------------------------------------------------
EARLY_REVIEW_DAYS: Final = 21
"""Recovery begins within 3 weeks in 85% (Peitersen [S41]); no recovery by 3 weeks is a poor sign [S43]."""
PROGRESSION_RED_FLAG_DAYS: Final = 21
"""Continued worsening beyond 3 weeks is not typical of Bell's palsy [S37]."""
REFERRAL_MONTHS: Final = 3
"""Refer to a facial nerve specialist when recovery is incomplete 3 months after onset (KAS 11 [S28])."""
NO_IMPROVEMENT_RED_FLAG_MONTHS: Final = 4
"""No improvement within 4 months is a red flag [S37, S39]."""
REANIMATION_NO_RECOVERY_MONTHS: Final = 6
"""PROVISIONAL FaceNerve convention: when the reanimation alert starts. The reference gives no month to begin
reanimation work-up; it says only that no recovery by 6 months excluded Bell's palsy in a series [S39] and that
nerve transfer is best within 12 months [S71]."""
NERVE_TRANSFER_BEFORE_MONTHS: Final = 12
"""Nerve transfer is best within the first 12 months [S71]; afterwards free muscle transfer [S51, S74]."""
MUSCLE_ATROPHY_MONTHS: Final = 18
"""Denervated facial muscle atrophies and fibroses after 12–18 months [S76]."""

# --- Botulinum toxin ------------------------------------------------------------------------------------------
BOTOX_MIN_INTERVAL: Final = timedelta(weeks=12)
"""PROVISIONAL FaceNerve convention (issue #4: never under 12 weeks): the reference says the effect lasts about
3 months, then reinject [S65], and gives no minimum interval."""
BOTOX_LONG_EFFECT_MONTHS: Final = 9
"""Some patients keep the effect 4–9 months [S66]."""

# --- Measures: complete recovery ------------------------------------------------------------------------------
HB_COMPLETE_GRADE: Final = 1
"""House–Brackmann I = normal [S1]; Sullivan's complete recovery was graded on HB [S34] (the reference does not
state the cut-off, so HB I as 'complete' rests on the grade's definition)."""
SUNNYBROOK_COMPLETE: Final = 100.0
"""Engström's trial counted Sunnybrook composite 100 as recovery [S36]."""
HB_INCOMPLETE_EYE_CLOSURE_GRADE: Final = 4
"""Eye closure is incomplete from House–Brackmann IV [S2]."""
HB_TOTAL_PALSY_GRADE: Final = 6
"""House–Brackmann VI = total paralysis, no movement [S1] (complete paralysis for KAS 7 [S28])."""

# --- Measures: smallest change that counts as a real change (PROVISIONAL unless cited) --------------------------
HB_CHANGE_GRADES: Final = 1
"""One House–Brackmann grade, the scale's smallest step [S1]. Using it as 'a change' is a FaceNerve convention."""
SUNNYBROOK_CHANGE_POINTS: Final = 10.0
"""PROVISIONAL FaceNerve convention: the reference gives no minimal change for the Sunnybrook composite."""
EFACE_CHANGE_POINTS: Final = 10.0
"""PROVISIONAL FaceNerve convention: the reference gives no minimal change for the eFACE total."""
ASYMMETRY_CHANGE_MM: Final = 1.5
"""3-D smile test–retest MDC95 1.3–1.5 mm [S91]; the upper bound is used (FaceNerve convention to apply it to
the asymmetry index)."""
SYNKINESIS_PRESENT_SCORE: Final = 1.0
"""Any Sunnybrook synkinesis item graded mild (1) or worse [S4]."""
SYNKINESIS_SEQUELA_SCORE: Final = 2.0
"""Berg 2012 counted a synkinesis score > 2 as a sequela at 12 months [S45]."""
EARLY_DETERIORATION_LAST_DAY: Final = 17
"""Marsk 2010: worsening by day 11–17 [S47]."""

# --- Prognosis: published figures (probabilities of complete recovery) -----------------------------------------
PEITERSEN_ALL: Final = 0.71
"""Untreated palsies, final result normal in 71% (Peitersen [S41])."""
PEITERSEN_INCOMPLETE: Final = 0.94
"""Incomplete palsy at onset → 94% normal [S41]."""
PEITERSEN_COMPLETE: Final = 0.61
"""Complete palsy at onset → 61% normal [S41]."""
SULLIVAN_PREDNISOLONE_9MO: Final = 0.944
"""Complete recovery at 9 months, prednisolone within 72 h [S34]."""
SULLIVAN_NO_PREDNISOLONE_9MO: Final = 0.816
"""Complete recovery at 9 months, no prednisolone [S34]."""
RAMSAY_HUNT_TREATED_EARLY: Final = 0.75
"""Ramsay Hunt treated (acyclovir + prednisone) within 3 days: 75% complete recovery [S53]."""
RAMSAY_HUNT_TREATED_LATE: Final = 0.30
"""Ramsay Hunt treated after 7 days: 30% complete recovery [S53]."""
RAMSAY_HUNT_LATE_AFTER_DAYS: Final = 7
"""Cut-off of the late-treatment group [S53]."""
RAMSAY_HUNT_UNTREATED: Final = 0.20
"""Ramsay Hunt untreated: about 20% complete recovery [S54]."""
PREGNANCY_COMPLETE_PALSY: Final = 0.52
"""Pregnancy with complete palsy: 52% reach HB I–II [S52]."""
PREGNANCY_CONTROLS: Final = (0.77 + 0.88) / 2
"""Controls 77–88% HB I–II [S52]; FaceNerve uses the midpoint (PROVISIONAL)."""
EARLY_DETERIORATION: Final = 0.45
"""Complete recovery 45% when the palsy worsened by day 11–17 [S47]."""
NO_EARLY_DETERIORATION: Final = 0.73
"""Complete recovery 73% without early worsening [S47]."""
DRY_EYE_RELATIVE: Final = 0.90
"""Dry eye: complete-recovery chance falls by about 10% [S39]; read as a relative fall (PROVISIONAL)."""
DYSACUSIS_RELATIVE: Final = 0.75
"""Dysacusis: complete-recovery chance falls by about 25% [S39]; read as a relative fall (PROVISIONAL)."""
POOR_PROGNOSIS_AGE_YEARS: Final = 60
"""Age over 60 is a poor prognostic factor [S43] (size of the effect unverified: not applied numerically)."""
DIRECTION_ONLY_COMORBIDITIES: Final = ("diabetes", "hypertension")
"""Poor prognostic factors whose size the reference does not give [S43]: reported, not applied numerically."""

# --- Prognosis: trajectory fit (PROVISIONAL conventions, not clinical numbers) -----------------------------------
PLATEAU_FRACTION: Final = 0.95
"""The plateau counts as reached when 95% of the way from the onset value (FaceNerve convention)."""
FIT_MIN_POINTS: Final = 4
"""Three curve parameters plus one degree of freedom for the uncertainty interval (statistics, not clinical)."""
FIT_INTERVAL_LEVEL: Final = 0.95
"""Confidence level of the plateau interval (statistics convention)."""
