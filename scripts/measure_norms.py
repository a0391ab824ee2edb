"""Measure the spread of each weakness sign's left–right reading on healthy faces FaceNerve ships or generates.

Usage: python scripts/measure_norms.py [--seeds N]   (from the repository root; prints CSV rows for the
                                                     ``measured_spread`` column of src/facenerve/engine/norms.csv)

Healthy faces: the two real faces that pip packages ship (scikit-image's astronaut, matplotlib's Grace Hopper),
as they are (natural asymmetry kept) and mirrored (so the mean is zero by construction), rolled 0 and ±5°, each
performing every expression the simulator generates (:mod:`facenerve.simulate`, healthy: no weak side) with
subject amounts drawn from the reference's means and SDs — smile excursion 9.28 ± 2.83 mm and brow elevation
10.57 ± 2.51 mm [S88], eye narrowing in a smile 21.6 ± 13.4 % [S85], the sides differing by up to 8 % [S90] — from
seeds 100 onward (the simulator benchmark uses seeds 0–9, so the norm is not fitted to the faces it is judged on).
The spread is the root mean square of the readings.

The simulator makes no lower-teeth expression: the ``lower_teeth`` rows of norms.csv were measured the same way on
the tests' synthetic lower-lip depression (``tests/synth/session.py``, sides 0 and ±9 % apart [S90]).

n is 2 faces; the photos per figure are printed. A thin norm: the docs say so, and the reference's figures
replace it where they exist (src/facenerve/engine/norms.py).
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.synth.faces import FACE_NAMES, face_photo

from facenerve import Expression, analyze_photo
from facenerve.engine.weakness import OCULAR_SYNKINESIS_EXPRESSIONS, WEAKNESS_SIGNS, measure_value
from facenerve.simulate import GENERATED, Subject, simulate_case, varied_photo

FIRST_SEED = 100


def measure(seeds: int) -> dict[tuple[Expression, str], list[float]]:
    readings: dict[tuple[Expression, str], list[float]] = defaultdict(list)
    wanted = {(s.expression, s.measure) for s in WEAKNESS_SIGNS}
    wanted |= {(e, "palpebral_fissure_height") for e in OCULAR_SYNKINESIS_EXPRESSIONS}
    for name in FACE_NAMES:
        for mirrored in (False, True):
            face = np.ascontiguousarray(face_photo(name)[:, ::-1]) if mirrored else face_photo(name)
            for roll in (0.0, -5.0, 5.0):
                photo = face if roll == 0 else varied_photo(face, roll_deg=roll)
                for seed in range(FIRST_SEED, FIRST_SEED + seeds):
                    subject = Subject.from_photo(photo, name, seed=seed)
                    for expression in GENERATED:
                        case = simulate_case(subject, expression, "none", 0.0)
                        result = analyze_photo(case.rgb, expression=expression)
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
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=2, help="subjects drawn per face, mirror and roll")
    args = parser.parse_args()
    readings = measure(args.seeds)
    print("expression,measure,spread,n_faces,n_photos")
    order = list(Expression)
    keys = sorted(readings, key=lambda key: (order.index(key[0]), key[1]))
    for expression, measure_name in keys:
        values = readings[(expression, measure_name)]
        rms = float(np.sqrt(np.mean(np.square(values))))
        print(f"{expression.value},{measure_name},{rms:.3f},{len(FACE_NAMES)},{len(values)}", flush=True)


if __name__ == "__main__":
    main()
