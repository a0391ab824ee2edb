"""The session result and its JSON form (schema ``facenerve.session/1``, docs/session.md)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from facenerve.engine.assessment import PhotoAssessment
from facenerve.io.images import ImageSource
from facenerve.protocol import Expression
from facenerve.session.align import AlignedPhoto
from facenerve.session.measures import SessionMeasures
from facenerve.session.side import SessionSide

if TYPE_CHECKING:
    from facenerve.scales.auto import AutoScore

SCHEMA = "facenerve.session/1"


@dataclass(frozen=True)
class SessionAssessment:
    """Everything measured and graded on one photo session."""

    source: str
    photos: dict[Expression, PhotoAssessment]
    measures: SessionMeasures
    scores: dict[str, AutoScore]
    alignment: dict[Expression, AlignedPhoto] = field(default_factory=dict)
    unrecognised: tuple[str, ...] = ()
    duplicates: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    #: The session's pooled side, confidence and severity (facenerve.session.side).
    side: SessionSide | None = None
    #: The photos, decoded to RGB arrays (as given when they could not be decoded), for drawing the contact sheet.
    inputs: dict[Expression, ImageSource] = field(default_factory=dict, repr=False)

    @property
    def failed(self) -> dict[Expression, PhotoAssessment]:
        """Photos that could not be measured."""
        return {e: p for e, p in self.photos.items() if not p.ok}

    @property
    def missing(self) -> list[Expression]:
        """Standard expressions with no photo in the session."""
        return [e for e in Expression if e not in self.photos]

    @property
    def affected_side(self) -> str:
        return self.measures.affected_side

    def to_dict(self) -> dict[str, Any]:
        """The ``facenerve.session/1`` document (docs/session.md)."""
        m = self.measures
        return {
            "schema": SCHEMA,
            "source": self.source,
            "photos": {e.value: p.to_dict() for e, p in self.photos.items()},
            "missing": [e.value for e in self.missing],
            "failed": [
                {"expression": e.value, "image": p.image, "code": p.error.code, "message": p.error.message}
                for e, p in self.failed.items()
                if p.error is not None
            ],
            "unrecognised": list(self.unrecognised),
            "duplicates": list(self.duplicates),
            "alignment": {
                e.value: {"mm_per_px": round(a.mm_per_px, 5), "anchor_residual_mm": round(a.anchor_residual_mm, 2)}
                for e, a in self.alignment.items()
            },
            "affected_side": {
                "side": m.affected_side,
                "mean_relative_deficit": None if m.mean_relative_deficit is None else round(m.mean_relative_deficit, 3),
                "basis": m.affected_side_basis,
                # the pooled call from every photo (facenerve.session.side); "side" above is the user's when given
                "pooled": self.side.to_dict() if self.side is not None else None,
            },
            "severity": round(self.side.severity, 2) if self.side is not None else None,
            "dynamics": {
                e.value: {name: v.to_dict() for name, v in values.items()} for e, values in m.dynamics.items()
            },
            "synkinesis": {
                kind: {v.expression: v.to_dict() for v in m.synkinesis if v.kind == kind}
                for kind in ("ocular_oral", "oral_ocular")
            },
            "scores": {name: s.to_dict() for name, s in self.scores.items()},
            "warnings": list(self.warnings),
        }

    def to_json(self, indent: int | None = None) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)
