"""FaceNerve video benchmark: frames per second on 720p video, and memory against video length.

* Speed: ``analyze_video`` end to end (decode + Face Mesh video tracking + analysis) on a 720p H.264
  synthetic face video, against decoding alone in the same run (baseline) and against real time (30 fps).
  Target: at least 60 frames/s with 2 cores (twice real time). The slower ``hemiface`` mode is timed too.
* Memory: peak RSS of ``analyze_video`` in a fresh process on a 1-minute video and on a longer one
  (same content looped). Target: the longer video uses no more than the 1-minute one, within 10 %;
  the per-frame storage is reported and extrapolated to one hour.

Usage: python benchmarks/bench_video.py [--quick]   (writes benchmarks/results/video.md)
"""

from __future__ import annotations

import argparse
import fractions
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.synth.video import Pulse, levels_at, renderer, smile  # noqa: E402

FPS = 30


def cycle_frames(side_px: int) -> list[np.ndarray]:
    """Two seconds of frames: a symmetric smile (rise, hold, fall) then rest, rendered once."""
    pulses: list[Pulse] = [smile("left", 0.2, 6.0), smile("right", 0.2, 4.0)]
    r = renderer(480)
    out = []
    for i in range(2 * FPS):
        levels = levels_at(pulses, i / FPS)
        rgb = r.frame(levels) if levels else r.model.rgb
        out.append(cv2.resize(rgb, (side_px, side_px), interpolation=cv2.INTER_CUBIC))
    return out


def write_h264(path: Path, frames: list[np.ndarray], seconds: float, size: tuple[int, int]) -> None:
    """Loop ``frames`` for ``seconds`` into an H.264 MP4 of ``size`` (face centred, edges reflected)."""
    import av

    width, height = size
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=FPS)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        stream.options = {"preset": "ultrafast", "crf": "23"}
        stream.codec_context.time_base = fractions.Fraction(1, FPS)
        for i in range(int(seconds * FPS)):
            face = frames[i % len(frames)]
            pad_x = (width - face.shape[1]) // 2
            pad_y = (height - face.shape[0]) // 2
            canvas = cv2.copyMakeBorder(
                face, pad_y, height - face.shape[0] - pad_y, pad_x, width - face.shape[1] - pad_x, cv2.BORDER_REFLECT
            )
            frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(canvas), format="rgb24")
            frame.pts = i
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)


def child(code: str) -> dict[str, float]:
    proc = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=str(ROOT),
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
    )
    return dict(json.loads(proc.stdout.strip().splitlines()[-1]))


def speed(path: Path, hemiface: bool = False) -> dict[str, float]:
    code = f"""
import json, time
import av
t = time.perf_counter(); n = 0
with av.open({str(path)!r}) as c:
    s = c.streams.video[0]; s.thread_type = "AUTO"
    for f in c.decode(s):
        f.to_ndarray(format="rgb24"); n += 1
decode = n / (time.perf_counter() - t)
from facenerve.video import analyze_video
from facenerve.video.track import FaceTracker
FaceTracker(hemiface={hemiface!r}).close()  # load the graphs once, outside the timing
t = time.perf_counter(); r = analyze_video({str(path)!r}, hemiface={hemiface!r}); dt = time.perf_counter() - t
print(json.dumps({{"frames": len(r.series), "fps": len(r.series) / dt, "decode_fps": decode,
                  "with_face": int(r.series.face.sum())}}))
"""
    return child(code)


def memory(path: Path) -> dict[str, float]:
    code = f"""
import json, resource
from facenerve.video import analyze_video
r = analyze_video({str(path)!r})
print(json.dumps({{"frames": len(r.series), "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""
    return child(code)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="shorter videos")
    args = parser.parse_args()
    speed_s = 10.0 if args.quick else 30.0
    long_min = 3.0 if args.quick else 10.0
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        t0 = time.perf_counter()
        hd = folder / "720p.mp4"
        write_h264(hd, cycle_frames(720), speed_s, (1280, 720))
        small = cycle_frames(480)
        one_min, long_video = folder / "1min.mp4", folder / "long.mp4"
        write_h264(one_min, small, 60.0, (640, 480))
        write_h264(long_video, small, long_min * 60.0, (640, 480))
        setup_s = time.perf_counter() - t0
        fast = speed(hd)
        accurate = speed(hd, hemiface=True)
        mem_one = memory(one_min)
        mem_long = memory(long_video)
    from facenerve.video.series import SeriesBuilder

    per_frame_bytes = 8 + 1 + 4 * len(SeriesBuilder()._cols)
    hour_mb = per_frame_bytes * 3600 * FPS / 2**20
    growth = mem_long["peak_rss_mb"] / mem_one["peak_rss_mb"] - 1.0
    speed_ok = "met" if fast["fps"] >= 2 * FPS else "NOT met"
    memory_ok = "met" if growth <= 0.10 else "NOT met"
    lines = [
        "# Video benchmark",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} CPUs, {platform.python_version()}, "
        f"{platform.platform()}; shared with other work, so absolute rates vary. Set-up (rendering) {setup_s:.0f} s."
        + (" Quick run." if args.quick else ""),
        "",
        "## Speed (720p H.264, 1280×720, 30 fps)",
        "",
        "| measure | value |",
        "|---|---|",
        f"| video | {fast['frames']:.0f} frames ({speed_s:.0f} s), face in {fast['with_face']:.0f} |",
        f"| baseline: decode to RGB only | {fast['decode_fps']:.0f} frames/s |",
        f"| `analyze_video` end to end | **{fast['fps']:.0f} frames/s** |",
        f"| × real time (30 fps) | {fast['fps'] / FPS:.1f} (target ≥ 2.0: {speed_ok}) |",
        f"| share of decode-only rate | {fast['fps'] / fast['decode_fps']:.2f} |",
        f"| `analyze_video(hemiface=True)` (`--hemiface`, three meshes a frame) | {accurate['fps']:.0f} frames/s "
        f"({accurate['fps'] / FPS:.1f} × real time; {accurate['fps'] / fast['fps']:.2f} of the default) |",
        "",
        "## Memory against length (640×480 H.264, same content looped)",
        "",
        "| video | frames | peak RSS |",
        "|---|---|---|",
        f"| 1 minute | {mem_one['frames']:.0f} | {mem_one['peak_rss_mb']:.0f} MB |",
        f"| {long_min:.0f} minutes | {mem_long['frames']:.0f} | {mem_long['peak_rss_mb']:.0f} MB |",
        "",
        f"Growth {long_min:.0f} min vs 1 min: {growth:+.1%} (target ≤ +10 %: {memory_ok}).",
        f"Stored per frame: {per_frame_bytes} bytes (float32 columns), so one hour at 30 fps adds about "
        f"{hour_mb:.0f} MB for the series ({hour_mb / mem_one['peak_rss_mb']:.0%} of the 1-minute peak), plus the "
        "analysis arrays made from it once at the end (float64, about twice that).",
        "",
    ]
    out = ROOT / "benchmarks" / "results" / "video.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
