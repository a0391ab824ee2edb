"""FaceNerve coverage benchmark: of the photos in which a face is found, the share that gives a result.

Photos: every face image the tests hold (scikit-image's astronaut and matplotlib's Grace Hopper,
``tests/synth/faces.py``, and the nine expressions of the synthetic healthy session made from each,
``tests/synth/session.py``, whose eye closures, snarl and smiles hide or narrow the irises), and, when present,
``../shared/data/faces/*.jpg`` and frames of ``../shared/data/videos/*.mp4`` (skipped when absent). Each is tried
in four variants (``tests/synth/variants.py``): native size, one third of it, rolled 10° and yawed about 20°.
The yaw is an approximation: the image is wrapped on a vertical cylinder through the face (radius half the face's
width) and turned by 40°, which the engine reads as about 20° more yaw; this moves the nose off the eyes'
midpoint and foreshortens one side, but it is not a real head turn (the hidden cheek is not hidden, the ear
does not appear).

A face counts as found unless the result's error is ``no_face`` (or the image could not be read); a result is a
photo without an error. Target: at least 99 % (issue 19). Also reports where the scale came from.

Usage: python benchmarks/bench_coverage.py [--quick]   (writes benchmarks/results/coverage.md)
"""

from __future__ import annotations

import argparse
import collections
import math
import os
import platform
import sys
from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.synth.faces import FACE_NAMES, face_photo  # noqa: E402
from tests.synth.session import session_photos  # noqa: E402
from tests.synth.variants import VARIANTS, variants  # noqa: E402

from facenerve import PhotoAssessment, analyze_photo, get_detector  # noqa: E402

SHARED = ROOT.parent / "shared" / "data"
#: Frames taken from each shared video (evenly spaced); fewer with --quick.
FRAMES_PER_VIDEO = 12
TARGET = 0.99
#: Error codes meaning no face was found (or no image): those photos are outside the denominator.
NOT_FOUND = {"no_face", "bad_image", "image_too_large", "empty_image"}


def photos(quick: bool) -> Iterator[tuple[str, str, np.ndarray]]:
    """(group, name, RGB) for every photo of the benchmark."""
    for name in FACE_NAMES:
        yield "shipped faces", name, face_photo(name)
    for face in FACE_NAMES:
        for expression, rgb in session_photos(face=face).items():
            yield "shipped sessions", f"{face}:{expression.value}", rgb
    faces = sorted((SHARED / "faces").glob("*.jpg")) if (SHARED / "faces").is_dir() else []
    for path in faces:
        bgr = cv2.imread(str(path), cv2.IMREAD_COLOR)
        if bgr is not None:
            yield "shared faces", path.name, np.ascontiguousarray(bgr[:, :, ::-1])
    videos = sorted((SHARED / "videos").glob("*.mp4")) if (SHARED / "videos").is_dir() else []
    for path in videos:
        for index, rgb in video_frames(path, 4 if quick else FRAMES_PER_VIDEO):
            yield "shared video frames", f"{path.name}#{index}", rgb


def video_frames(path: Path, count: int) -> list[tuple[int, np.ndarray]]:
    capture = cv2.VideoCapture(str(path))
    total = int(capture.get(cv2.CAP_PROP_FRAME_COUNT)) or 0
    wanted = {round(float(i)) for i in np.linspace(0, max(total - 1, 0), count)}
    out, index = [], 0
    while True:
        ok, bgr = capture.read()
        if not ok:
            break
        if index in wanted:
            out.append((index, np.ascontiguousarray(bgr[:, :, ::-1])))
        index += 1
    capture.release()
    return out


def run(quick: bool) -> list[str]:
    detector = get_detector()
    counts: dict[tuple[str, str], list[int]] = collections.defaultdict(lambda: [0, 0, 0])  # tried, found, result
    failures: list[str] = []
    sources: collections.Counter[str] = collections.Counter()
    yaws: list[float] = []
    for group, name, rgb in photos(quick):
        base = analyze_photo(rgb, detector=detector, name=name)
        box = base.anatomy.bbox_px if base.anatomy is not None else None
        for variant, image in variants(rgb, box):
            result = base if variant == "native" else analyze_photo(image, detector=detector, name=name)
            tally = counts[(group, variant)]
            tally[0] += 1
            if found(result):
                tally[1] += 1
                if result.ok:
                    tally[2] += 1
                    sources[result.scale.source if result.scale else "none"] += 1
                    if variant == "yaw20" and result.pose is not None:
                        yaws.append(abs(result.pose.yaw_deg))
                else:
                    assert result.error is not None
                    failures.append(
                        f"| {group} | {name} | {variant} | `{result.error.code}` | {result.error.message} |"
                    )
    return report(counts, failures, sources, yaws, quick)


def found(result: PhotoAssessment) -> bool:
    return result.error is None or result.error.code not in NOT_FOUND


def report(
    counts: dict[tuple[str, str], list[int]],
    failures: list[str],
    sources: collections.Counter[str],
    yaws: list[float],
    quick: bool,
) -> list[str]:
    groups = sorted({g for g, _ in counts})
    lines = [
        "# Coverage benchmark" + (" (quick)" if quick else ""),
        "",
        f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, Python "
        f"{platform.python_version()}. Script: `benchmarks/bench_coverage.py`.",
        "",
        "Share of the photos with a face found that give a result (no error), by source and variant. Variants: "
        "native size; one third of it; rolled 10° about the face; yawed about 20° (an approximation: the image "
        "wrapped on a vertical cylinder through the face and turned 40°, read by the engine as about 20° more yaw; "
        "the hidden cheek is not hidden).",
        "",
        "| source | variant | photos | face found | result | coverage |",
        "|---|---|---|---|---|---|",
    ]
    all_found = all_result = 0
    for group in groups:
        for variant in VARIANTS:
            tried, face, ok = counts.get((group, variant), [0, 0, 0])
            if not tried:
                continue
            all_found += face
            all_result += ok
            lines.append(f"| {group} | {variant} | {tried} | {face} | {ok} | {pct(ok, face)} |")
    total = all_result / all_found if all_found else math.nan
    verdict = "meets" if total >= TARGET else "misses"
    lines += [
        "",
        f"**Overall: {all_result} of {all_found} photos with a face found give a result "
        f"({pct(all_result, all_found)}); "
        f"target ≥ {TARGET:.0%}: {verdict}.**",
        "",
        "Scale sources of the results: " + ", ".join(f"{k} {v}" for k, v in sources.most_common()) + ".",
    ]
    if yaws:
        lines.append(
            f"Yaw the engine read on the yawed variants (absolute): median {float(np.median(yaws)):.0f}°, "
            f"max {max(yaws):.0f}°."
        )
    if failures:
        lines += [
            "",
            "Photos with a face found but no result:",
            "",
            "| source | photo | variant | code | message |",
            "|---|---|---|---|---|",
            *failures,
        ]
    return lines


def pct(part: int, whole: int) -> str:
    return f"{100.0 * part / whole:.1f} %" if whole else "—"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer video frames")
    parser.add_argument("--output", type=Path, default=ROOT / "benchmarks" / "results" / "coverage.md")
    args = parser.parse_args()
    lines = run(args.quick)
    text = "\n".join(lines) + "\n"
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
