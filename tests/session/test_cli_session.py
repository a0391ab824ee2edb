"""The `facenerve session` command, run as users run it (a real subprocess)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "facenerve", "session", *args], capture_output=True, text=True, timeout=300, check=False
    )


@pytest.fixture(scope="module")
def broken_dir(session_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The clinic folder plus a pucker photo that is not an image (it replaces the real one)."""
    folder = tmp_path_factory.mktemp("broken")
    for path in session_dir.iterdir():
        if "pucker" not in path.name:
            (folder / path.name).write_bytes(path.read_bytes())
    (folder / "08_pucker.jpg").write_text("this is not an image\n")
    return folder


def test_folder_with_variant_names_json_and_sheet(session_dir: Path, tmp_path: Path) -> None:
    sheet = tmp_path / "sheet.png"
    proc = run(str(session_dir), "--json", "--sheet", str(sheet))
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["schema"] == "facenerve.session/1"
    assert doc["missing"] == [] and doc["failed"] == []
    assert doc["unrecognised"] == ["IMG_0042.png"]
    assert "IMG_0042.png: expression not recognised" in proc.stderr
    assert doc["scores"]["house_brackmann"]["grade"] in ("I", "II")
    with Image.open(sheet) as png:
        assert png.format == "PNG" and png.width >= 1800 and png.height >= 1200


def test_broken_photo_is_reported_on_one_line_and_the_rest_scored(broken_dir: Path) -> None:
    proc = run(str(broken_dir))
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    errors = [line for line in proc.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "08_pucker.jpg" in errors[0]
    assert "sunnybrook: composite" in proc.stdout and "lip_pucker" in proc.stdout
    assert "house_brackmann: grade" in proc.stdout


def test_three_landmark_passes_reach_every_photo_and_grade_a_healthy_session_as_one_does(session_dir: Path) -> None:
    one = json.loads(run(str(session_dir), "--json").stdout)
    proc = run(str(session_dir), "--json", "--passes", "3")
    assert proc.returncode == 0, proc.stderr
    three = json.loads(proc.stdout)
    assert {photo["landmark_passes"] for photo in one["photos"].values()} == {1}
    assert {photo["landmark_passes"] for photo in three["photos"].values()} == {3}
    assert three["photos"]["rest"]["metrics"] != one["photos"]["rest"]["metrics"]  # the passes were really run
    assert three["scores"]["house_brackmann"]["grade"] in ("I", "II")  # a healthy session, as with one pass


def test_manifest_overrides_names(session_dir: Path, tmp_path: Path) -> None:
    manifest = tmp_path / "manifest.csv"
    manifest.write_text("path,expression\nIMG_0042.png,rest\n01_rest.png,lower_teeth\n")
    proc = run(str(session_dir), "--manifest", str(manifest), "--json")
    doc = json.loads(proc.stdout)
    assert Path(doc["photos"]["rest"]["image"]).name == "IMG_0042.png"
    assert Path(doc["photos"]["lower_teeth"]["image"]).name == "01_rest.png"
    assert "09_show_bottom_teeth.png (lower_teeth)" in doc["duplicates"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["/no/such/folder"], "not a folder"),
        (["{dir}"], "no photos of the standard expressions found"),
        (["{dir}", "--iris-mm", "11.7", "--mm-per-px", "0.1"], "either --iris-mm or --mm-per-px"),
        (["{dir}", "--manifest", "/no/such.csv"], "manifest /no/such.csv not found"),
        (["{dir}", "--mm-per-px", "-1"], "--mm-per-px must be a positive number"),
        (["{dir}", "--sheet", "/no/such/dir/sheet.png"], "cannot write"),
        (["{dir}", "--affected-side", "middle"], "--affected-side must be left or right"),
        (["{dir}", "--passes", "4"], "--passes must be a whole number from 1 to 3"),
        (["{dir}", "--passes", "3", "--backend", "dlib"], "mediapipe"),
    ],
)
def test_bad_usage_is_one_line_and_status_2(tmp_path: Path, args: list[str], message: str) -> None:
    proc = run(*(a.replace("{dir}", str(tmp_path)) for a in args))
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.startswith("error: ") and message in proc.stderr
    assert "Traceback" not in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
