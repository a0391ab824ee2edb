"""Measure the spread of each weakness sign's left–right reading on healthy faces FaceNerve ships or generates.

Usage: python scripts/measure_norms.py            (from the repository root; prints CSV rows to paste into
                                                  src/facenerve/engine/norms.csv where the reference has no figure)

Healthy faces: the two real faces that pip packages ship (scikit-image's astronaut, matplotlib's Grace Hopper),
as they are (natural asymmetry kept) and mirrored (so the mean is zero by construction), each in every expression
of the protocol made by the synthetic-session warps of ``tests/synth/session.py`` on the *natural* face, with the
two sides' movement differing by 0 and ±9 % (normal dynamic asymmetry, symmetry index 91–93 % [S90]), and each
photo also rolled ±5° and re-compressed (JPEG q70) for the landmarks' own repeat error. The spread is the root mean
square of the readings (their mean is zero: every face is also measured mirrored).

n is 2 faces; the photos per figure are listed. This is a thin norm: the docs say so, and the reference's figures
replace it where they exist (src/facenerve/engine/norms.py).
"""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.synth import session as synth
from tests.synth.faces import FACE_NAMES, face_photo

from facenerve import Expression, analyze_photo
from facenerve.engine.weakness import WEAKNESS_SIGNS, measure_value

#: Normal dynamic asymmetry: up to 9 % difference between the sides' movement [S90].
DYNAMIC_ASYMMETRY = 0.09


def _expression(rgb: np.ndarray, expression: Expression, gains: synth.Gains) -> np.ndarray:
    if expression is Expression.REST:
        return rgb
    base = analyze_photo(rgb).raise_for_error()
    canvas = synth._Canvas(rgb.shape[:2], base)
    if expression.eyes_expected_closed:
        return synth._close_eyes(rgb, canvas, gains)
    dx, dy = synth._forward_field_mm(canvas, expression, gains)
    return synth._invert_and_remap(rgb, canvas, dx, dy)


def _variants(rgb: np.ndarray) -> list[np.ndarray]:
    h, w = rgb.shape[:2]
    out = [rgb]
    for angle in (-5, 5):
        m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
        out.append(cv2.warpAffine(rgb, m, (w, h), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REFLECT))
    _ok, encoded = cv2.imencode(".jpg", rgb[:, :, ::-1], [cv2.IMWRITE_JPEG_QUALITY, 70])
    out.append(cv2.imdecode(encoded, cv2.IMREAD_COLOR)[:, :, ::-1].copy())
    return out


def measure() -> dict[tuple[Expression, str], list[float]]:
    readings: dict[tuple[Expression, str], list[float]] = defaultdict(list)
    wanted = {(s.expression, s.measure) for s in WEAKNESS_SIGNS}
    wanted |= {(e, "palpebral_fissure_height") for e in Expression}  # eye readings for the synkinesis flag
    gain_pairs = ((1.0, 1.0), (1.0, 1.0 - DYNAMIC_ASYMMETRY), (1.0 - DYNAMIC_ASYMMETRY, 1.0))
    for name in FACE_NAMES:
        for mirrored in (False, True):
            face = np.ascontiguousarray(face_photo(name)[:, ::-1]) if mirrored else face_photo(name)
            for expression in Expression:
                pairs = gain_pairs if expression is not Expression.REST else gain_pairs[:1]
                for left, right in pairs:
                    photo = _expression(face, expression, synth.Gains(left=left, right=right))
                    for pixels in _variants(photo):
                        result = analyze_photo(pixels, expression=expression, mm_per_px=None)
                        if not result.ok:
                            result = analyze_photo(pixels, expression=expression, mm_per_px=0.1)
                        if not result.ok:
                            continue
                        values = {k: {"left": m.left, "right": m.right} for k, m in result.metrics.items()}
                        for expr, measure_name in wanted:
                            if expr is not expression:
                                continue
                            value = measure_value(measure_name, values, result.lip_midpoint_deviation_mm)  # type: ignore[arg-type]
                            if value is not None and np.isfinite(value):
                                readings[(expression, measure_name)].append(float(value))
    return readings


def main() -> None:
    readings = measure()
    print("expression,measure,spread,n_faces,n_photos")
    order = list(Expression)
    keys = sorted(readings, key=lambda key: (order.index(key[0]), key[1]))
    for expression, measure_name in keys:
        values = readings[(expression, measure_name)]
        rms = float(np.sqrt(np.mean(np.square(values))))
        print(f"{expression.value},{measure_name},{rms:.3f},{len(FACE_NAMES)},{len(values)}")


if __name__ == "__main__":
    main()
