"""`facenerve video`, run as users run it (a real subprocess)."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

from tests.video.conftest import PALSY_DURATION_S, PALSY_PROTOCOL


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "facenerve", "video", *args], capture_output=True, text=True, timeout=300, check=False
    )


def test_json_csv_plot_and_annotated_video(palsy_video: Path, tmp_path: Path) -> None:
    csv_path, plot, mp4 = tmp_path / "series.csv", tmp_path / "plot.png", tmp_path / "annotated.mp4"
    proc = run(
        str(palsy_video), "--json", "--protocol", PALSY_PROTOCOL, "--csv", str(csv_path), "--plot", str(plot),
        "--annotate", str(mp4),
    )
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["schema"] == "facenerve.video/1"
    assert [s["expression"] for s in doc["segments"]] == ["smile_closed", "gentle_eye_closure", "brow_raise"]
    assert doc["affected_side"]["side"] == "right"
    assert doc["synkinesis"]["provisional"] is True
    assert doc["blinks"]["incomplete_provisional"] is True  # no sourced blink criterion: a FaceNerve convention
    with csv_path.open() as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == round(PALSY_DURATION_S * 30)
    assert float(rows[30]["commissure_x_left_mm"]) > 0 and rows[0]["gap_reason"] == ""
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    import av

    with av.open(str(mp4)) as annotated:
        stream = annotated.streams.video[0]
        assert sum(1 for _ in annotated.decode(stream)) == len(rows)
        assert float(stream.average_rate) == 30.0


def test_exercise_summary_table(exercise_video: Path) -> None:
    proc = run(str(exercise_video), "--exercise", "smile", "--reps")
    assert proc.returncode == 0, proc.stderr
    assert "exercise smile_closed: 4 repetitions" in proc.stdout


def test_bad_file_is_one_line_and_status_1(tmp_path: Path) -> None:
    path = tmp_path / "notes.mov"
    path.write_text("not a video")
    proc = run(str(path))
    assert proc.returncode == 1
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: ") and "notes.mov" in lines[0]
    assert "Traceback" not in proc.stderr


def test_bad_usage_is_status_2(palsy_video: Path) -> None:
    proc = run(str(palsy_video), "--protocol", "rest,wink")
    assert proc.returncode == 2 and "unknown expression 'wink'" in proc.stderr
    proc = run(str(palsy_video), "--reps")
    assert proc.returncode == 2 and "--reps needs --exercise" in proc.stderr
