"""Issue 19: every face found gives a result, on the shipped faces at native size, one third, rolled 10° and
yawed about 20° (tests/synth/variants.py; the yaw is an approximation), and on a shipped face with its eyes shut.
benchmarks/bench_coverage.py reports the same over every face image the tests and ../shared/data hold."""

from __future__ import annotations

import numpy as np
import pytest

from facenerve import PhotoAssessment, analyze_photo
from facenerve.protocol import Expression
from tests.synth.faces import FACE_NAMES, face_photo
from tests.synth.variants import VARIANTS, variants


def _variants_of(rgb: np.ndarray) -> dict[str, PhotoAssessment]:
    base = analyze_photo(rgb).raise_for_error()
    assert base.anatomy is not None
    return {name: analyze_photo(image, name=name) for name, image in variants(rgb, base.anatomy.bbox_px)}


@pytest.mark.parametrize("face", FACE_NAMES)
def test_every_variant_of_a_shipped_face_gives_a_result(face: str) -> None:
    results = _variants_of(face_photo(face))
    assert set(results) == set(VARIANTS)
    failed = {name: r.error for name, r in results.items() if not r.ok}
    assert not failed, failed
    yawed, native = results["yaw20"], results["native"]
    assert yawed.pose is not None and native.pose is not None
    assert abs(yawed.pose.yaw_deg) > abs(native.pose.yaw_deg) + 5  # the generator does turn the head
    for result in results.values():
        assert result.quality is not None and 0.2 <= result.quality.confidence_factor <= 1.0
        assert result.scale is not None and result.scale.relative_uncertainty is not None


def test_every_variant_of_a_shut_eyed_shipped_face_gives_a_result() -> None:
    from tests.synth.session import session_photos

    results = _variants_of(session_photos(face="astronaut")[Expression.TIGHT_EYE_CLOSURE])
    failed = {name: r.error for name, r in results.items() if not r.ok}
    assert not failed, failed
    native = results["native"].scale
    assert native is not None and native.source == "population"
