"""The batch runner through the Python API: real worker processes, a real SQLite journal, real files."""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from facenerve import analyze_photo
from facenerve.batch import default_journal, run_batch
from facenerve.errors import FaceNerveError
from facenerve.io.exports import COLUMNS, flatten_assessment, read_table
from tests.batch.photos import BAD, GOOD, NO_FACE


def test_one_row_per_photo_in_input_order_with_errors_by_reason(local_frame: pd.DataFrame, batch_folder: Path) -> None:
    frame = local_frame
    assert list(frame.columns) == list(COLUMNS)
    expected = sorted([*GOOD, *BAD, *NO_FACE])
    assert [Path(p).relative_to(batch_folder).as_posix() for p in frame["path"]] == expected
    status = {
        Path(row["path"]).relative_to(batch_folder).as_posix(): (row["status"], row["error_code"])
        for row in frame.to_dict("records")
    }
    for name in GOOD:
        assert status[name][0] == "ok" and pd.isna(status[name][1]), name
    for name, code in {**BAD, **NO_FACE}.items():
        assert status[name] == ("failed", code)
    good = frame[frame["status"] == "ok"]
    assert good["brow_height_left_mm"].notna().all() and good["mm_per_px"].gt(0).all()
    assert good["affected_side"].isin(["left", "right", "none"]).all()
    assert good["yaw_deg"].abs().lt(30).all()
    summary = frame.attrs["summary"]
    assert summary["processed"] == 8 and summary["skipped"] == 0 and summary["total"] == 8
    assert summary["ok"] == 4 and summary["failed"] == 4
    assert summary["failures"] == {"empty_file": 1, "not_an_image": 1, "corrupt_image": 1, "no_face": 1}
    assert summary["ignored_files"] == 1 and summary["workers"] == 2
    # Both workers start together, but on 8 quick photos the first one ready may take them all.
    assert 1 <= len(summary["peak_rss_mb_by_worker"]) <= 2
    assert all(50 < mb < 2000 for mb in summary["peak_rss_mb_by_worker"].values())
    assert 1.0 < summary["cpu_ms_per_photo"] < 10_000


def test_worker_rows_equal_the_engine_in_this_process(local_frame: pd.DataFrame, batch_folder: Path) -> None:
    path = str(batch_folder / "sub/deeper/grace.jpg")
    (row,) = local_frame[local_frame["path"] == path].to_dict("records")
    expected = flatten_assessment(analyze_photo(path, name=path))
    for column, value in expected.items():
        if value is None:
            assert pd.isna(row[column]), column
        else:
            assert row[column] == value, column


def test_a_second_run_resumes_from_the_journal(local_frame: pd.DataFrame, batch_folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "again.csv"
    first = run_batch(batch_folder, out, workers=1)
    assert default_journal(out).is_file()
    again = run_batch(batch_folder, out, workers=1)
    assert again.attrs["summary"]["processed"] == 0 and again.attrs["summary"]["skipped"] == 8
    pd.testing.assert_frame_equal(again, first)
    pd.testing.assert_frame_equal(first, local_frame)
    pd.testing.assert_frame_equal(read_table(out), local_frame, check_exact=False, rtol=1e-9)


def test_changed_options_need_a_restart(batch_folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "scaled.xlsx"
    manifest = tmp_path / "two.csv"
    manifest.write_text(f"path\n{batch_folder / 'astronaut.jpg'}\n{batch_folder / 'notes.jpg'}\n")
    run_batch(manifest, out, workers=1)
    with pytest.raises(FaceNerveError, match="other options") as info:
        run_batch(manifest, out, workers=1, mm_per_px=0.2)
    assert info.value.code == "bad_journal"
    frame = run_batch(manifest, out, workers=1, mm_per_px=0.2, restart=True)
    assert frame.attrs["summary"]["processed"] == 2
    assert frame["mm_per_px"].iloc[0] == 0.2 and frame["scale_source"].iloc[0] == "manual"


def test_manifest_fields_reach_the_rows(batch_folder: Path, tmp_path: Path) -> None:
    rgb = np.asarray(Image.open(batch_folder / "astronaut.jpg").convert("RGB"))
    Image.fromarray(rgb).save(tmp_path / "face.png")
    Image.fromarray(np.ascontiguousarray(rgb[:, ::-1])).save(tmp_path / "selfie.png")
    manifest = tmp_path / "m.csv"
    manifest.write_text(
        "path,expression,subject,session,mirrored\n"
        "face.png,smile_open,P01,week-2,no\n"
        "face.png,smile_open,P01,week-2,no\n"
        "selfie.png,smile_open,P01,week-2,yes\n"
    )
    frame = run_batch(manifest, workers=1)
    summary = frame.attrs["summary"]
    assert summary["total"] == 2 and summary["duplicates"] == 1
    assert list(frame["path"]) == ["face.png", "selfie.png"]
    assert list(frame["mirrored"]) == [False, True] and set(frame["session"]) == {"week-2"}
    # The declared selfie is flipped back at the engine's edge: the same pixels, the same patient sides.
    measured = [c for c in COLUMNS if c.endswith(("_mm", "_mm2", "_deg", "_side"))]
    plain, selfie = frame.iloc[0], frame.iloc[1]
    assert plain["status"] == "ok" and plain["commissure_height_left_mm"] > 0
    assert plain["commissure_height_left_mm"] != plain["commissure_height_right_mm"]
    assert selfie[measured].equals(plain[measured])


def test_bad_options_fail_before_any_work(batch_folder: Path, tmp_path: Path) -> None:
    cases = [
        ({"workers": 0}, "at least 1"),
        ({"backend": "opencv"}, "unknown backend"),
        ({"iris_mm": 11.0, "mm_per_px": 0.1}, "either --iris-mm or --mm-per-px"),
        ({"mm_per_px": -1.0}, "positive number"),
        ({"iris_mm": 150.0}, "--iris-mm must be a positive number of millimetres"),  # the engine's 0–100 mm rule
        ({"cluster": "tcp://127.0.0.1:8786", "workers": 2}, "applies to local runs"),
        ({"landmark_passes": 4}, "--passes must be a whole number from 1 to 3"),
        ({"landmark_passes": 3, "backend": "dlib"}, "--passes applies to the mediapipe backend only"),
    ]
    for kwargs, message in cases:
        with pytest.raises(FaceNerveError, match=message):
            run_batch(batch_folder, tmp_path / "x.csv", **kwargs)  # type: ignore[arg-type]
    with pytest.raises(FaceNerveError, match="does not exist"):
        run_batch(batch_folder, tmp_path / "no" / "x.csv")
    (tmp_path / "empty").mkdir()
    with pytest.raises(FaceNerveError, match="no photos found"):
        run_batch(tmp_path / "empty", tmp_path / "x.csv")
    assert not list(tmp_path.glob("x.csv*"))


class _KillAWorkerOnce:
    """A progress reporter that SIGKILLs one pool worker after the first photo: a native crash, as seen from outside."""

    def __init__(self) -> None:
        self.killed: list[int] = []
        self.rows = 0

    def start(self, total: int, already_done: int) -> None:
        self.total = total

    def advance(self, row: Mapping[str, Any]) -> None:
        self.rows += 1
        if not self.killed:
            victim = multiprocessing.active_children()[0]
            os.kill(victim.pid or 0, signal.SIGKILL)
            self.killed.append(victim.pid or 0)

    def stop(self) -> None:
        pass


def test_a_crashed_worker_does_not_stop_the_batch(
    batch_folder: Path, local_frame: pd.DataFrame, tmp_path: Path
) -> None:
    killer = _KillAWorkerOnce()
    frame = run_batch(batch_folder, tmp_path / "crash.csv", workers=2, progress=killer)
    assert killer.killed and killer.rows == 8
    # The photos in flight on the killed worker were measured again, one at a time, and none was blamed.
    pd.testing.assert_frame_equal(frame, local_frame)


def test_a_detector_that_cannot_load_stops_the_batch_with_its_reason(batch_folder: Path, tmp_path: Path) -> None:
    junk = tmp_path / "junk.dat"
    junk.write_text("not a dlib model\n")
    with pytest.raises(FaceNerveError, match="not a dlib shape predictor") as info:
        run_batch(batch_folder, tmp_path / "t.csv", workers=1, backend="dlib", predictor_path=junk)
    assert info.value.code == "backend_unavailable"
    with pytest.raises(FaceNerveError, match="predictor file not found"):
        run_batch(batch_folder, tmp_path / "t.csv", backend="dlib", predictor_path=tmp_path / "missing.dat")


def test_three_landmark_passes_reach_the_rows_as_the_engine_gives_them(batch_folder: Path, tmp_path: Path) -> None:
    frame = run_batch(batch_folder / "sub", tmp_path / "three.csv", workers=1, landmark_passes=3, progress=None)
    ok = frame[frame["status"] == "ok"]
    assert len(ok) >= 1 and set(ok["landmark_passes"]) == {3}
    (row,) = frame[frame["path"].str.endswith("grace.jpg")].to_dict("records")
    expected = flatten_assessment(analyze_photo(row["path"], name=row["path"], landmark_passes=3))
    assert expected["landmark_passes"] == 3
    for column in ("commissure_height_left_mm", "brow_height_right_mm", "mm_per_px", "asymmetry_index_mm"):
        assert row[column] == expected[column], column
