"""`facenerve score`, run as users run it (a real subprocess)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from facenerve.scales import SCALES, score

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples" / "scales"


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "facenerve", "score", *args],
        capture_output=True,
        text=True,
        input=stdin,
        timeout=120,
        check=False,
    )


def assert_usage_error(proc: subprocess.CompletedProcess[str], *fragments: str) -> None:
    assert proc.returncode == 2, proc.stderr
    assert proc.stdout == ""
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), proc.stderr
    for fragment in fragments:
        assert fragment in lines[0]


@pytest.mark.parametrize("scale", list(SCALES))
def test_each_example_scores_and_prints_the_result_json(scale: str) -> None:
    path = EXAMPLES / f"{scale}.json"
    proc = run(scale, str(path))
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    printed = json.loads(proc.stdout)
    assert printed == score(scale, json.loads(path.read_text(encoding="utf-8"))).to_dict()
    assert set(printed) == {"scale", "scores", "headline", "derivation", "sources", "provisional"}
    assert printed["headline"] in printed["scores"]


def test_stdin_input() -> None:
    proc = run("saq", "-", stdin=json.dumps({f"item_{n}": 5 for n in range(1, 10)}))
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["scores"]["total"] == 100.0


@pytest.fixture()
def sunnybrook_items() -> dict[str, object]:
    data: dict[str, object] = json.loads((EXAMPLES / "sunnybrook.json").read_text(encoding="utf-8"))
    return data


def write(tmp_path: Path, name: str, content: str | bytes) -> str:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return str(path)


def test_unknown_scale() -> None:
    assert_usage_error(run("sunny", str(EXAMPLES / "sunnybrook.json")), "unknown scale 'sunny'", "sunnybrook")


def test_missing_file_and_directory(tmp_path: Path) -> None:
    assert_usage_error(run("sunnybrook", str(tmp_path / "nope.json")), "nope.json: no such file")
    assert_usage_error(run("sunnybrook", str(tmp_path)), "not a file")


@pytest.mark.parametrize(
    ("content", "fragments"),
    [
        ('{"resting.eye": 1,', ("invalid JSON", "line 1")),
        ("", ("empty file",)),
        ("[1, 2]", ("expected a JSON object of items, got list",)),
        (b"\xff\xfe\x00{", ("not UTF-8",)),
        ('{"resting.eye": 1, "resting.eye": 0}', ("duplicate item 'resting.eye'",)),
    ],
)
def test_unreadable_json(tmp_path: Path, content: str | bytes, fragments: tuple[str, ...]) -> None:
    assert_usage_error(run("sunnybrook", write(tmp_path, "in.json", content)), *fragments)


def test_missing_item(tmp_path: Path, sunnybrook_items: dict[str, object]) -> None:
    del sunnybrook_items["voluntary.snarl"]
    path = write(tmp_path, "in.json", json.dumps(sunnybrook_items))
    assert_usage_error(run("sunnybrook", path), "sunnybrook: item 'voluntary.snarl' is missing", "integer 1–5")


def test_out_of_range_item(tmp_path: Path, sunnybrook_items: dict[str, object]) -> None:
    path = write(tmp_path, "in.json", json.dumps(sunnybrook_items | {"voluntary.gentle_eye_closure": 7}))
    assert_usage_error(
        run("sunnybrook", path), "sunnybrook: item 'voluntary.gentle_eye_closure' must be an integer 1–5, got 7"
    )


@pytest.mark.parametrize(("value", "got"), [('"5"', "got '5'"), ("true", "got bool True"), ("[5]", "got list")])
def test_wrong_type_item(tmp_path: Path, value: str, got: str) -> None:
    text = (
        (EXAMPLES / "sunnybrook.json")
        .read_text(encoding="utf-8")
        .replace('"voluntary.snarl": 3', f'"voluntary.snarl": {value}')
    )
    assert_usage_error(run("sunnybrook", write(tmp_path, "in.json", text)), "item 'voluntary.snarl'", got)


def test_non_finite_number(tmp_path: Path) -> None:
    data = json.loads((EXAMPLES / "eface.json").read_text(encoding="utf-8"))
    text = json.dumps(data).replace('"static.brow": 80', '"static.brow": NaN')
    assert_usage_error(run("eface", write(tmp_path, "in.json", text)), "item 'static.brow'", "got nan")


def test_unknown_item(tmp_path: Path, sunnybrook_items: dict[str, object]) -> None:
    path = write(tmp_path, "in.json", json.dumps(sunnybrook_items | {"voluntary.smile": 3}))
    assert_usage_error(run("sunnybrook", path), "unknown item 'voluntary.smile'")


def test_no_arguments() -> None:
    assert_usage_error(run(), "give a scale and an input file")
    assert_usage_error(run("sunnybrook"), "give a scale and an input file")


def test_list_scales_and_items() -> None:
    proc = run("--list")
    assert proc.returncode == 0 and proc.stderr == ""
    for name, spec in SCALES.items():
        assert f"{name}: " in proc.stdout
        for item in spec.items:
            assert f"  {item.key}" in proc.stdout
    one = run("--list", "eface")
    assert one.returncode == 0 and "static.palpebral_fissure" in one.stdout and "sunnybrook" not in one.stdout
    assert "provisional" in one.stdout
    assert_usage_error(run("--list", "nope"), "unknown scale 'nope'")
