"""Exports: the per-frame time series as CSV, and a PNG plot of both sides' curves with events marked."""

from __future__ import annotations

import csv
import math
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from facenerve.engine.draw import SIDE_COLOURS
from facenerve.engine.landmarks.base import SIDES
from facenerve.errors import FaceNerveError
from facenerve.video.series import GAP_REASONS, MIDLINE_SIGNALS, POSE_SIGNALS, SIDE_SIGNALS

if TYPE_CHECKING:
    from facenerve.video.analyze import VideoAnalysis


def csv_columns() -> list[str]:
    """CSV header: time, gap reason, pose, per-frame iris scale, then every signal (mm) per side."""
    cols = ["frame", "time_s", "face", "gap_reason", *POSE_SIGNALS, "frame_mm_per_px"]
    cols += [f"{name}_{side}_mm" for side in SIDES for name in SIDE_SIGNALS]
    cols += [f"{name}_mm" for name in MIDLINE_SIGNALS]
    return cols


def write_csv(analysis: VideoAnalysis, target: Path) -> None:
    """One row per decoded frame (gaps included, with empty measures)."""
    s = analysis.series
    columns: list[np.ndarray] = [s.pose[name] for name in POSE_SIGNALS] + [s.frame_mm_per_px]
    columns += [s.side[side][name] for side in SIDES for name in SIDE_SIGNALS]
    columns += [s.midline[name] for name in MIDLINE_SIGNALS]
    try:
        with target.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(csv_columns())
            for i in range(len(s)):
                reason = int(s.gap_reason[i])
                row: list[object] = [i, f"{s.time_s[i]:.4f}", int(reason == 0), GAP_REASONS[reason] if reason else ""]
                row += ["" if not math.isfinite(float(c[i])) else f"{float(c[i]):.3f}" for c in columns]
                writer.writerow(row)
    except OSError as exc:
        raise FaceNerveError(f"could not write {target}: {exc.strerror}", code="write_failed") from None


_PANELS = (
    ("brow", "brow raised (mm)"),
    ("eye", "eye closed from rest (mm)"),
    ("commissure", "commissure moved (mm)"),
)
#: The photo drawings' side colours (patient's right blue, left orange).
_COLOURS = {side: "#{:02x}{:02x}{:02x}".format(*rgb) for side, rgb in SIDE_COLOURS.items()}


def write_plot(analysis: VideoAnalysis, target: Path) -> None:
    """Both sides' brow, eye and commissure curves; segments shaded, blinks and twitches marked, gaps greyed."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise FaceNerveError(
            "the plot needs matplotlib: pip install 'facenerve[video]'", code="backend_unavailable"
        ) from None
    ch = analysis.channels
    t = ch.time_s
    fig, axes = plt.subplots(len(_PANELS), 1, figsize=(11, 7.5), sharex=True)
    for ax, (name, label) in zip(axes, _PANELS, strict=True):
        for side in SIDES:
            ax.plot(t, ch.side[side][name], color=_COLOURS[side], lw=1.2, label=f"patient's {side}")
        ax.set_ylabel(label, fontsize=9)
        for seg in analysis.segments:
            ax.axvspan(seg.start_s, seg.end_s, color="#2ca02c", alpha=0.10)
        for gap in analysis.gaps():
            ax.axvspan(gap["start_s"], gap["end_s"] + ch.dt_s, color="0.6", alpha=0.35)
        ax.grid(alpha=0.3)
    for seg in analysis.segments:
        axes[0].text(seg.start_s, axes[0].get_ylim()[1], seg.expression.value, fontsize=8, va="top")
    for blink in analysis.blinks:
        axes[1].axvline(blink.time_s, color="0.3", ls=":", lw=0.8)
    for event in analysis.events:
        ax = axes[1] if event.region == "eye" else axes[2]
        ax.plot([event.time_s], [event.amplitude_mm], marker="v", color=_COLOURS[event.side], ms=8)
    axes[0].legend(loc="upper right", fontsize=8)
    axes[-1].set_xlabel("time (s)  ·  green: movement segments, dotted: blinks, ▼: twitches, grey: no face")
    fig.suptitle(f"{Path(analysis.video).name}: movement from rest, both sides", fontsize=11)
    fig.tight_layout()
    try:
        fig.savefig(target, dpi=110)
    except OSError as exc:
        raise FaceNerveError(f"could not write {target}: {exc.strerror}", code="write_failed") from None
    finally:
        plt.close(fig)
