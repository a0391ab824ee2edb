"""Every formula the clinical reference marks unverified ([U]), in one place so it can be corrected.

Each function implements the provisional formula the reference gives, word for word. Results computed with any of
them carry ``provisional: true`` and say so in their derivation. When a primary source confirms or corrects a
formula, change it here (and the worked examples in tests/scales/ and docs/scales.md).
"""

from __future__ import annotations

from collections.abc import Sequence

EFACE_BALANCED = 100.0
"""eFACE anchor: 100 = normal/balanced; bidirectional items run 0–200 with 100 balanced [S12]."""


def eface_fold_bidirectional(value: float) -> float:
    """Fold a 0–200 eFACE item onto 0–100: 100 − |x − 100|. Provisional [S10, S12; formula U]."""
    return EFACE_BALANCED - abs(value - EFACE_BALANCED)


def eface_subscore(item_scores: Sequence[float]) -> float:
    """eFACE subscore = mean of its (folded) item scores, 0–100. Provisional [S10, S11; formula U]."""
    return sum(item_scores) / len(item_scores)


EFACE_TOTAL_WEIGHTS = {"static": 1.0, "dynamic": 2.0, "synkinesis": 1.0}
"""Dynamic weighted twice static and synkinesis [S10]; the exact regression equation is unverified [U]."""


def eface_total(static: float, dynamic: float, synkinesis: float) -> float:
    """eFACE total = (static + 2·dynamic + synkinesis) / 4, 0–100. Provisional [S10; equation U]."""
    w = EFACE_TOTAL_WEIGHTS
    weighted = w["static"] * static + w["dynamic"] * dynamic + w["synkinesis"] * synkinesis
    return weighted / sum(w.values())


def face_rescale(item_sum: float, n_items: int) -> float:
    """FaCE 0–100 from n items scored 1–5: 100·(Σ − n)/(4n). Provisional [S20, S21; formula U].

    The total pools all 15 items (item-count weighting, S22) rather than averaging domains (S21); the reference
    notes the conflict and says to use the pooled form and flag it.
    """
    return 100.0 * (item_sum - n_items) / (4.0 * n_items)


def fdi_physical_function(item_sum: float, n_answered: int) -> float:
    """FDI physical function 0–100: (Σ − N)/N × 25, N = items answered. Provisional [S23, S24; conversion U]."""
    return (item_sum - n_answered) / n_answered * 25.0


def fdi_social_wellbeing(item_sum: float, n_answered: int) -> float:
    """FDI social/well-being 0–100: (Σ − N)/N × 20, N = items answered. Provisional [S23, S24; conversion U]."""
    return (item_sum - n_answered) / n_answered * 20.0


SAQ_MAX_SUM = 45
"""9 items × 5 points [S26; U]."""


def saq_total(item_sum: float) -> float:
    """SAQ total = Σ / 45 × 100 (20–100, higher = worse). Provisional [S26, S27; formula U]."""
    return item_sum / SAQ_MAX_SUM * 100.0
