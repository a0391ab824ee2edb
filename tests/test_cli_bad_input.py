"""`facenerve analyze` on the bad photos a clinic really produces, run as a user runs it (a real subprocess):
no face, two faces, a turned head, a photo of too many pixels, and an --annotate folder that cannot be made.
Each bad photo is one line on stderr and a non-zero exit; the good ones are still measured."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from tests.synth.faces import face_photo
from tests.synth.pose import turned_photo


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "facenerve", *args], capture_output=True, text=True, timeout=300, check=False
    )


@pytest.fixture(scope="module")
def clinic_photos(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("clinic-photos")
    photos = {
        "wall": np.full((600, 800, 3), (120, 130, 140), np.uint8),
        "two_people": np.hstack([face_photo("astronaut"), face_photo("grace_hopper")]),
        "slightly_turned": turned_photo(face_photo("astronaut"), 55.0),
        "turned_away": turned_photo(face_photo("grace_hopper"), 60.0),
        # 8200×8200 px (67 MP): real pixels over the 60 MP limit, small on disk.
        "huge": np.full((8200, 8200, 3), 128, np.uint8),
    }
    paths = {}
    for name, rgb in photos.items():
        paths[name] = folder / f"{name}.jpg"
        Image.fromarray(rgb).save(paths[name], quality=30 if name == "huge" else 92)
    return paths


def test_clinic_photos_each_get_one_line_or_a_measurement(clinic_photos: dict[str, Path]) -> None:
    names = ["wall", "two_people", "slightly_turned", "turned_away", "huge"]
    proc = run("analyze", *(str(clinic_photos[n]) for n in names), "--json")
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    errors = proc.stderr.strip().splitlines()
    assert errors == [
        f"error: {clinic_photos['wall']}: no face found",
        f"error: {clinic_photos['turned_away']}: " + errors[1].split(": ", 2)[2],
        f"error: {clinic_photos['huge']}: image is 8200×8200 px (67 MP), larger than the 60 MP limit",
    ]
    assert "profile" in errors[1]
    docs = {Path(d["image"]).stem: d for d in map(json.loads, proc.stdout.splitlines())}
    assert list(docs) == names
    assert docs["wall"]["error"]["code"] == "no_face"
    assert docs["turned_away"]["error"]["code"] == "head_turned"
    assert docs["huge"]["error"]["code"] == "too_large"
    two = docs["two_people"]
    assert two["error"] is None and "2 faces found; measured the largest" in two["warnings"]
    turned = docs["slightly_turned"]
    assert turned["error"] is None and any(w.startswith("head turned") for w in turned["warnings"])


def test_annotate_folder_that_cannot_be_made_is_a_usage_error(clinic_photos: dict[str, Path], tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder\n")
    proc = run("analyze", str(clinic_photos["two_people"]), "--annotate", str(blocker / "annotated"))
    assert proc.returncode == 2
    target = blocker / "annotated"
    assert proc.stderr.strip() == f"error: --annotate {target}: cannot create the folder (Not a directory)"
    assert proc.stdout == ""


def test_a_device_or_pipe_is_one_line_not_a_hang(tmp_path: Path) -> None:
    """`analyze /dev/zero` used to read until memory ran out; a FIFO blocked for ever."""
    import os

    pipe = tmp_path / "pipe.jpg"
    os.mkfifo(pipe)
    proc = subprocess.run([sys.executable, "-m", "facenerve", "analyze", "/dev/zero", str(pipe)],
                          capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 1
    assert proc.stderr.strip().splitlines() == [
        "error: /dev/zero: not a regular file (a device, pipe or socket)",
        f"error: {pipe}: not a regular file (a device, pipe or socket)",
    ]
