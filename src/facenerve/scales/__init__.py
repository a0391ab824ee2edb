"""Clinical facial grading scales and patient questionnaires, scored exactly, each with its derivation.

>>> from facenerve.scales import score
>>> result = score("sunnybrook", {"resting.eye": 1, ...})      # doctest: +SKIP
>>> result.scores["composite"], result.derivation               # doctest: +SKIP

Scales (``SCALES``): house_brackmann, house_brackmann_quantitative, sunnybrook, eface, yanagihara, face, fdi, saq.
Sources are keys of the project's clinical reference (docs/references.md); formulas the reference marks
unverified live in ``facenerve.scales.provisional`` and set ``provisional`` on the result.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from facenerve.scales import eface, house_brackmann, proms, sunnybrook, yanagihara
from facenerve.scales.base import ItemSpec, ScaleInputError, ScaleResult, ScaleSpec

SCALES: Mapping[str, ScaleSpec] = MappingProxyType(
    {
        spec.name: spec
        for spec in (
            house_brackmann.SPEC,
            house_brackmann.SPEC_QUANTITATIVE,
            sunnybrook.SPEC,
            eface.SPEC,
            yanagihara.SPEC,
            proms.FACE_SPEC,
            proms.FDI_SPEC,
            proms.SAQ_SPEC,
        )
    }
)
"""Every scale by name, in a stable order; forms are built from each spec's ``items``."""


def score(scale: str, data: Mapping[str, Any]) -> ScaleResult:
    """Validate ``data`` (item key → value) and score ``scale``; bad input raises ScaleInputError."""
    spec = SCALES.get(scale) if isinstance(scale, str) else None
    if spec is None:
        raise ScaleInputError(f"unknown scale {scale!r}; scales are: {', '.join(SCALES)}")
    return spec.score(data)


__all__ = ["SCALES", "ItemSpec", "ScaleInputError", "ScaleResult", "ScaleSpec", "score"]
