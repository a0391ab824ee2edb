"""FaceNerve session benchmark: automated grades of healthy and simulated-palsy synthetic sessions, measured
excursions against the induced ones, and the cost of a session against its baseline (the same 9 photos analysed
one by one with ``analyze_photo``), in the same run.

Usage: python benchmarks/bench_session.py [--quick]   (writes benchmarks/results/session.md)
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.synth.session import (  # noqa: E402
    BROW_ELEVATION_MM,
    SMILE_EXCURSION_MM,
    palsy,
    session_photos,
)

from facenerve import Expression, analyze_photo, analyze_session, get_detector  # noqa: E402
from facenerve.scales.auto import EFACE_NOT_MEASURABLE  # noqa: E402

GAINS = (0.0, 0.25, 0.5, 0.75, 1.0)


def grade_table(bases: list[tuple[str, str]], backend: str = "mediapipe") -> list[str]:
    lines = [
        "| base | left gain | side found | HB | Sunnybrook composite | eFACE total | smile ratio | brow ratio |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for face, keep in bases:
        for gain in GAINS:
            session = analyze_session(session_photos(palsy("left", gain), face, keep), backend=backend)
            hb = session.scores["house_brackmann"].scores.get("grade", "—")
            sb = session.scores["sunnybrook"].scores.get("composite", "—")
            ef = session.scores["eface"].scores.get("total")
            if ef is None:
                absent = [k for k in session.scores["eface"].missing if k not in EFACE_NOT_MEASURABLE]
                ef = f"— (not estimated: {', '.join(absent)})"
            smile = session.measures.primary(Expression.SMILE_OPEN)
            brow = session.measures.primary(Expression.BROW_RAISE)

            def ratio(v: object) -> str:
                r = getattr(v, "ratio", None)
                return "—" if r is None else f"{r:.2f}"

            lines.append(
                f"| {face}:{keep} ({backend}) | {gain:.2f} | {session.affected_side} | {hb} | {sb} | {ef} | "
                f"{ratio(smile)} | {ratio(brow)} |"
            )
    return lines


def excursion_table(bases: list[tuple[str, str]]) -> list[str]:
    lines = ["| base | measure | induced (mm) | right (mm) | left (mm) |", "|---|---|---|---|---|"]
    for face, keep in bases:
        session = analyze_session(session_photos(palsy("left", 1.0), face, keep))
        induced_mm = ((Expression.SMILE_OPEN, SMILE_EXCURSION_MM), (Expression.BROW_RAISE, BROW_ELEVATION_MM))
        for expression, induced in induced_mm:
            v = session.measures.primary(expression)
            if v is not None:
                lines.append(f"| {face}:{keep} | {v.name} | {induced:.2f} | {v.right:.2f} | {v.left:.2f} |")
        gap = session.measures.value(Expression.GENTLE_EYE_CLOSURE, "residual_gap_mm")
        if gap is not None:
            row = f"| {face}:{keep} | residual_gap_mm (full closure) | 0.00 | {gap.right:.2f} | {gap.left:.2f} |"
            lines.append(row)
    return lines


def timing(repeats: int) -> list[str]:
    photos = session_photos(palsy("left", 0.5))
    detector = get_detector()
    analyze_session(photos, detector=detector)  # warm up
    session_s, baseline_s = [], []
    for _ in range(repeats):
        start = time.perf_counter()
        for expression, rgb in photos.items():
            analyze_photo(rgb, expression=expression, detector=detector, mm_per_px=0.43)
        baseline_s.append(time.perf_counter() - start)
        start = time.perf_counter()
        analyze_session(photos, detector=detector)
        session_s.append(time.perf_counter() - start)
    base, sess = statistics.median(baseline_s), statistics.median(session_s)
    return [
        "| run | median s per 9-photo session |",
        "|---|---|",
        f"| baseline: 9 × analyze_photo | {base:.3f} |",
        f"| analyze_session (alignment, measures, grades) | {sess:.3f} |",
        f"| ratio session / baseline | {sess / base:.2f} |",
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one base face and fewer repeats")
    args = parser.parse_args()
    bases = [("astronaut", "image_left")] if args.quick else [("astronaut", "image_left"), ("astronaut", "image_right")]
    started = time.perf_counter()
    lines = [
        "# Session benchmark",
        "",
        f"- machine: {platform.machine()}, {os.cpu_count()} cores, {platform.platform()}",
        f"- Python {platform.python_version()}; mode: {'quick' if args.quick else 'full'}",
        "",
        "Synthetic sessions (tests/synth/session.py): a symmetric composite of a shipped face performs the 9",
        f"standard expressions (smile commissure excursion {SMILE_EXCURSION_MM} mm, brow elevation "
        f"{BROW_ELEVATION_MM} mm [S88]; full eye closure); the patient's left moves the given fraction of the",
        "healthy excursion (0 = complete flaccid palsy, 1 = healthy).",
        "Acceptance (issue #3): healthy HB I–II, Sunnybrook ≥ 80, eFACE ≥ 85; flaccid HB V–VI, Sunnybrook ≤ 30,",
        "eFACE < 60; graded weakness monotone. The acceptance tests use the default backend (MediaPipe); the dlib",
        "rows (full run only) show the 68-point baseline, whose brow and lid points are much noisier.",
        "",
        "## Automated grades",
        "",
        *grade_table(bases),
        *([] if args.quick else grade_table(bases[:1], "dlib")[2:]),
        "",
        "## Measured against induced excursions (healthy session)",
        "",
        *excursion_table(bases),
        "",
        "## Cost (same run)",
        "",
        *timing(2 if args.quick else 5),
        "",
        f"Total benchmark time {time.perf_counter() - started:.0f} s.",
    ]
    out = ROOT / "benchmarks" / "results" / "session.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
