"""FaceNerve simulator benchmark (issue 19): side, 'none' on healthy faces, synkinesis flag, calibration, severity.

Cases come from the realistic palsy simulator (:mod:`facenerve.simulate`: hemi-face composites of the real faces
pip packages ship, natural asymmetry kept) at rest, brow raise, gentle eye closure and open smile, both sides,
weakness 0 / 50 / 100 %, and a synkinetic variant of each weak smile; subjects' amounts are drawn from the
reference's means and SDs (seeds 0–2; the norms were measured on seeds 100–101), each face also rolled and scaled.

Usage: python benchmarks/bench_simulator.py [--quick]   (writes benchmarks/results/simulator.md)
"""

from __future__ import annotations

import argparse
import math
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.synth.simulated import (  # noqa: E402
    ACCEPTANCE_EXPRESSIONS,
    Outcome,
    reliability,
    run,
    spearman,
    subjects,
    summarise,
)

from facenerve.engine.reliability import expected_calibration_error  # noqa: E402

TARGETS = {
    "side_complete": ("side right, complete weakness", 0.95),
    "side_half": ("side right, 50 % weakness", 0.90),
    "healthy_quiet": ("healthy: 'none' or confidence < 0.5", 0.90),
    "synkinesis_flagged": ("synkinetic smiles: ocular synkinesis flagged on the right side", 0.90),
    "spearman": ("Spearman rho, severity index vs simulated weakness (pooled)", 0.90),
}


def _fmt(value: float, digits: int = 2) -> str:
    return "—" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:.{digits}f}"


def per_expression(outcomes: list[Outcome]) -> list[str]:
    lines = [
        "| expression | n | side right, 100 % | side right, 50 % | healthy quiet | synkinesis flagged | Brier | "
        "Spearman rho |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for expression in ACCEPTANCE_EXPRESSIONS:
        subset = [o for o in outcomes if o.expression is expression]
        if not subset:
            continue
        s = summarise(subset)
        lines.append(
            f"| {expression.value} | {s.n} | {_fmt(s.side_complete)} | {_fmt(s.side_half)} | {_fmt(s.healthy_quiet)} | "
            f"{_fmt(s.synkinesis_flagged)} | {_fmt(s.brier, 3)} | {_fmt(s.spearman)} |"
        )
    return lines


def severity_table(outcomes: list[Outcome]) -> list[str]:
    lines = ["| expression | severity at 0 % | 50 % | 100 % (median) |", "|---|---|---|---|"]
    for expression in ACCEPTANCE_EXPRESSIONS:
        cells = []
        for fraction in (0.0, 0.5, 1.0):
            values = sorted(o.severity for o in outcomes if o.expression is expression and o.fraction == fraction
                            and not o.synkinesis)
            cells.append(_fmt(values[len(values) // 2]) if values else "—")
        lines.append(f"| {expression.value} | {' | '.join(cells)} |")
    return lines


def misses(outcomes: list[Outcome]) -> list[str]:
    wrong = [o for o in outcomes if o.call != o.truth]
    lines = ["| subject | expression | truth | weakness | synkinetic | call | confidence |",
             "|---|---|---|---|---|---|---|"]
    for o in wrong:
        lines.append(f"| {o.face} | {o.expression.value} | {o.truth} | {o.fraction:.0%} | {o.synkinesis} | {o.call} | "
                     f"{o.confidence:.2f} |")
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one seed, no roll/scale variants")
    args = parser.parse_args()
    seeds = (0,) if args.quick else (0, 1, 2)
    variants = ((0.0, 1.0),) if args.quick else ((0.0, 1.0), (-5.0, 1.0), (5.0, 0.8))
    started = time.perf_counter()
    outcomes = run(subjects(seeds=seeds, variants=variants))
    elapsed = time.perf_counter() - started
    s = summarise(outcomes)
    table = reliability(outcomes)
    weak_dynamic = [o for o in outcomes if o.expression.value != "rest"]
    lines = [
        "# Simulator benchmark (issue 19)",
        "",
        f"- Python {platform.python_version()}; mode: {'quick' if args.quick else 'full'}; {s.n} simulated photos "
        f"({len(seeds)} seeds × {len(variants)} roll/scale variants × 2 faces); {elapsed:.0f} s",
        "- Faces: scikit-image's astronaut and matplotlib's Grace Hopper, natural (not mirror composites); the "
        "astronaut's 'rest' photo is itself a smile.",
        "",
        "## Targets",
        "",
        "| figure | measured | target |",
        "|---|---|---|",
        *(f"| {label} | {_fmt(getattr(s, key))} | ≥ {target:.2f} |" for key, (label, target) in TARGETS.items()),
        f"| Spearman rho without rest (brow raise, eye closure, smile) | "
        f"{_fmt(spearman([o.severity for o in weak_dynamic], [o.fraction for o in weak_dynamic]))} | — |",
        f"| Brier score (none/left/right; 0 perfect, 0.67 uninformed) | {_fmt(s.brier, 3)} | reported |",
        f"| expected calibration error | {_fmt(expected_calibration_error(table), 3)} | reported |",
        "",
        "## Per expression",
        "",
        *per_expression(outcomes),
        "",
        "## Reliability table (confidence of the reported answer)",
        "",
        "| confidence | n | mean confidence | right |",
        "|---|---|---|---|",
        *(f"| {b.low:.2f}–{b.high:.2f} | {b.count} | {_fmt(b.mean_confidence)} | {_fmt(b.accuracy)} |" for b in table),
        "",
        "## Severity index (median)",
        "",
        *severity_table(outcomes),
        "",
        "## Wrong calls",
        "",
        *misses(outcomes),
        "",
    ]
    out = ROOT / "benchmarks" / "results" / "simulator.md"
    out.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines[:22]))
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
