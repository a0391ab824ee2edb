"""``facenerve batch`` run as users run it (real subprocesses), including a SIGKILL in the middle of a run."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd

from facenerve.io.exports import read_table


def run(*args: str, timeout_s: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "facenerve", *args], capture_output=True, text=True, timeout=timeout_s, check=False
    )


def test_batch_command_writes_the_table_and_a_summary(
    batch_folder: Path, local_frame: pd.DataFrame, tmp_path: Path
) -> None:
    out = tmp_path / "table.parquet"
    proc = run("batch", str(batch_folder), "--out", str(out), "--workers", "2", "--no-progress")
    assert proc.returncode == 1, proc.stderr  # some photos failed
    assert proc.stderr == ""  # no tracebacks, no native MediaPipe logs from the workers
    assert "processed 8 in" in proc.stdout and "skipped 0 (already done)" in proc.stdout
    assert "measured 4 of 8 photos, failed 4" in proc.stdout
    assert "failed by reason: corrupt_image 1, empty_file 1, no_face 1, not_an_image 1" in proc.stdout
    pd.testing.assert_frame_equal(read_table(out), local_frame, check_exact=False, rtol=1e-9)
    again = run("batch", str(batch_folder), "--out", str(out), "--workers", "2")
    assert "processed 0" in again.stdout and "skipped 8 (already done)" in again.stdout


def test_all_good_photos_exit_zero_and_show_progress(batch_folder: Path, tmp_path: Path) -> None:
    manifest = tmp_path / "good.csv"
    manifest.write_text(f"path,expression\n{batch_folder / 'astronaut.jpg'},smile_closed\n")
    proc = run("batch", str(manifest), "--out", str(tmp_path / "good.csv.out.csv"), "--workers", "1")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "1/1" in proc.stderr and "photos/s" in proc.stderr and "ETA" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_bad_usage_is_one_line_and_exit_two(batch_folder: Path, tmp_path: Path) -> None:
    cases = [
        (["batch", str(batch_folder), "--out", str(tmp_path / "t.json")], "unknown output format"),
        (["batch", str(tmp_path / "none"), "--out", str(tmp_path / "t.csv")], "no such file or folder"),
        (["batch", str(batch_folder), "--out", str(tmp_path / "t.csv"), "--expression", "yawn"], "unknown expression"),
        (["batch", str(batch_folder), "--out", str(tmp_path / "t.csv"), "--workers", "0"], "at least 1"),
        (["batch", str(batch_folder), "--out", str(tmp_path / "t.csv"), "--mm-per-px", "-2"], "positive number"),
        (["batch", str(batch_folder), "--out", str(tmp_path / "folder.csv")], "is a folder"),
    ]
    (tmp_path / "folder.csv").mkdir()
    for args, message in cases:
        proc = run(*args)
        assert proc.returncode == 2, (args, proc.stderr)
        lines = proc.stderr.strip().splitlines()
        assert lines[-1].startswith("error: ") and message in lines[-1], proc.stderr
        assert "Traceback" not in proc.stderr
    assert not (tmp_path / "folder.csv.journal").exists()  # refused before measuring anything


def _journal_rows(journal: Path) -> int:
    try:
        with sqlite3.connect(f"file:{journal}?mode=ro", uri=True, timeout=1.0) as db:
            return int(db.execute("SELECT count(*) FROM results").fetchone()[0])
    except sqlite3.Error:
        return 0


def test_sigkill_mid_run_then_resume_loses_and_duplicates_nothing(batch_folder: Path, tmp_path: Path) -> None:
    # 24 photos: the batch folder three times over, so the run is long enough to be killed in the middle.
    photos = tmp_path / "many"
    for copy in ("a", "b", "c"):
        shutil.copytree(batch_folder, photos / copy)
    out, reference_out = tmp_path / "killed.csv", tmp_path / "reference.csv"
    journal = Path(f"{out}.journal")
    args = [sys.executable, "-m", "facenerve", "batch", str(photos), "--out", str(out), "--workers", "1"]
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 240
        while _journal_rows(journal) < 3 and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        os.killpg(proc.pid, signal.SIGKILL)  # the command and its worker process, with no chance to clean up
    finally:
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    done_at_kill = _journal_rows(journal)
    assert 3 <= done_at_kill < 24, done_at_kill
    assert not out.exists()

    resumed = run("batch", str(photos), "--out", str(out), "--workers", "2", "--no-progress")
    assert resumed.returncode == 1, resumed.stderr
    assert f"processed {24 - done_at_kill} in" in resumed.stdout
    assert f"skipped {done_at_kill} (already done)" in resumed.stdout
    reference = run("batch", str(photos), "--out", str(reference_out), "--workers", "2", "--no-progress")
    assert "processed 24 in" in reference.stdout

    table, expected = read_table(out), read_table(reference_out)
    assert len(table) == 24 and table["path"].is_unique
    pd.testing.assert_frame_equal(table, expected)


def test_ctrl_c_keeps_the_finished_photos_and_says_how_to_resume(batch_folder: Path, tmp_path: Path) -> None:
    photos = tmp_path / "many"
    for copy in ("a", "b", "c"):
        shutil.copytree(batch_folder, photos / copy)
    out = tmp_path / "stopped.csv"
    args = [sys.executable, "-m", "facenerve", "batch", str(photos), "--out", str(out), "--workers", "1"]
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        deadline = time.monotonic() + 240
        while _journal_rows(Path(f"{out}.journal")) < 1 and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C reaches the whole foreground process group
        _, stderr = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)
    assert proc.returncode == 130
    assert "interrupted: finished photos are kept in" in stderr and "Traceback" not in stderr
    kept = _journal_rows(Path(f"{out}.journal"))
    assert 1 <= kept < 24 and not out.exists()


def test_a_pipe_in_the_folder_fails_its_row_and_does_not_block_the_batch(batch_folder: Path, tmp_path: Path) -> None:
    """Hashing a FIFO blocked the whole batch before the first photo; now the pipe is one failed row."""
    folder = Path(shutil.copytree(batch_folder, tmp_path / "photos"))
    os.mkfifo(folder / "pipe.jpg")
    out = tmp_path / "t.csv"
    proc = run("batch", str(folder), "--out", str(out), "--workers", "1", timeout_s=240)
    assert proc.returncode == 1, proc.stderr
    table = read_table(out).set_index("path")
    pipe_row = table.loc[str(folder / "pipe.jpg")]
    assert pipe_row["status"] == "failed" and pipe_row["error_code"] == "unreadable"
    assert "not a regular file" in pipe_row["error_message"]
    assert (table["status"] == "ok").sum() >= 1
