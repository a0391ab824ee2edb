"""The `facenerve analyze` command, run as users run it (a real subprocess)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from PIL import Image

BAD = ["notes.jpg", "empty.jpg", "truncated.jpg", "pixel.png", "bomb.png", "anim.gif", "missing.jpg"]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "facenerve", *args], capture_output=True, text=True, timeout=300, check=False
    )


def test_mixed_batch_reports_each_bad_file_and_measures_the_good(photo_dir: Path, tmp_path: Path) -> None:
    paths = [str(photo_dir / "face.jpg"), *(str(photo_dir / b) for b in BAD), str(photo_dir / "face.jpg")]
    proc = run("analyze", *paths, "--json", "--annotate", str(tmp_path / "ann"))
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    errors = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(errors) == len(BAD)
    for bad, line in zip(BAD, errors, strict=True):
        assert line.startswith("error: ") and bad in line
    docs = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [Path(d["image"]).name for d in docs] == [Path(p).name for p in paths]
    good = [d for d in docs if d["error"] is None]
    assert len(good) == 2 and all(d["face"]["found"] for d in good)
    assert all(d["schema"] == "facenerve.photo/1" for d in docs)
    assert {d["error"]["code"] for d in docs if d["error"]} >= {"not_an_image", "empty_file", "too_large"}
    assert (tmp_path / "ann" / "face.annotated.png").is_file()
    with Image.open(tmp_path / "ann" / "face.annotated.png") as png:
        assert png.width > 1000


def test_table_output_and_success_status(photo_dir: Path) -> None:
    proc = run("analyze", str(photo_dir / "face.jpg"), "--expression", "smile_open")
    assert proc.returncode == 0, proc.stderr
    assert "commissure_height" in proc.stdout and "affected side" in proc.stdout
    assert proc.stderr == ""


def test_bad_options_are_usage_errors(photo_dir: Path) -> None:
    proc = run("analyze", str(photo_dir / "face.jpg"), "--expression", "yawn")
    assert proc.returncode == 2 and "unknown expression" in proc.stderr and "Traceback" not in proc.stderr
    proc = run("analyze", str(photo_dir / "face.jpg"), "--iris-mm", "11", "--mm-per-px", "0.1")
    assert proc.returncode == 2
    proc = run("analyze", str(photo_dir / "face.jpg"), "--backend", "nope")
    assert proc.returncode == 2 and "unknown backend" in proc.stderr
    for passes in ("0", "4"):
        proc = run("analyze", str(photo_dir / "face.jpg"), "--passes", passes)
        assert proc.returncode == 2 and "--passes must be a whole number from 1 to 3" in proc.stderr
        assert "Traceback" not in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
    proc = run("analyze", str(photo_dir / "face.jpg"), "--passes", "3", "--backend", "dlib")
    assert proc.returncode == 2 and "applies to the mediapipe backend only" in proc.stderr


def test_three_passes_are_recorded_and_read_close_to_one_pass(photo_dir: Path) -> None:
    one = json.loads(run("analyze", str(photo_dir / "face.jpg"), "--json").stdout)
    three = json.loads(run("analyze", str(photo_dir / "face.jpg"), "--json", "--passes", "3").stdout)
    assert (one["landmark_passes"], three["landmark_passes"]) == (1, 3)
    for name in ("commissure_height", "brow_height", "palpebral_fissure_height"):
        for side in ("left", "right"):
            assert abs(three["metrics"][name][side] - one["metrics"][name][side]) < 1.5, (name, side)
    assert three["metrics"] != one["metrics"]  # the passes were really run


def test_manual_scale_and_mirrored_flags(photo_dir: Path) -> None:
    plain = json.loads(run("analyze", str(photo_dir / "face.jpg"), "--json", "--mm-per-px", "0.5").stdout)
    assert plain["scale"] == {
        "mm_per_px": 0.5,
        "source": "manual",
        "relative_uncertainty": None,
        "iris_diameter_px": None,
    }
    mirrored = json.loads(run("analyze", str(photo_dir / "face.jpg"), "--json", "--mirrored").stdout)
    iris = json.loads(run("analyze", str(photo_dir / "face.jpg"), "--json").stdout)
    for name in ("commissure_height", "brow_height"):
        assert abs(mirrored["metrics"][name]["left"] - iris["metrics"][name]["right"]) < 0.6


def test_dlib_backend_runs_from_the_cli(photo_dir: Path) -> None:
    proc = run("analyze", str(photo_dir / "face.jpg"), "--json", "--backend", "dlib")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["backend"] == "dlib" and doc["face"]["found"]
    proc = run("analyze", str(photo_dir / "face.jpg"), "--backend", "dlib", "--predictor", str(photo_dir / "notes.jpg"))
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
