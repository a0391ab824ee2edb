"""Row flattening and the CSV/Parquet/XLSX writers."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from facenerve import METRICS, PhotoAssessment, analyze_photo
from facenerve.errors import FaceNerveError
from facenerve.io.exports import (
    COLUMNS,
    INPUT_COLUMNS,
    column_kind,
    flatten_assessment,
    read_table,
    rows_to_frame,
    write_table,
)


def _row(result: PhotoAssessment, path: str) -> dict[str, object]:
    inputs = {"path": path, "expression": result.expression, "subject": "s01", "session": None, "mirrored": False}
    return {**inputs, "sha256": "ab" * 32, **flatten_assessment(result)}


def test_columns_are_unique_stable_and_carry_units() -> None:
    assert len(set(COLUMNS)) == len(COLUMNS)
    assert COLUMNS[: len(INPUT_COLUMNS)] == INPUT_COLUMNS
    assert COLUMNS[-1] == "warnings"
    for metric in METRICS:
        left = f"{metric.name}_left_{metric.unit}"
        assert COLUMNS.index(left) + 1 == COLUMNS.index(f"{metric.name}_right_{metric.unit}")
    assert COLUMNS.index("brow_height_left_mm") < COLUMNS.index("nasolabial_fold_angle_left_deg")


def test_flattened_row_matches_the_photo_document(astronaut_result: PhotoAssessment) -> None:
    doc = astronaut_result.to_dict()
    row = flatten_assessment(astronaut_result)
    assert set(row) == set(COLUMNS) - set(INPUT_COLUMNS)
    assert row["status"] == "ok" and row["error_code"] is None and row["face_found"] is True
    assert row["mm_per_px"] == doc["scale"]["mm_per_px"] and row["scale_source"] == "iris"
    assert row["scale_relative_uncertainty"] == doc["scale"]["relative_uncertainty"] > 0
    assert row["quality_confidence_factor"] == doc["quality"]["confidence_factor"] == 1.0
    assert row["yaw_deg"] == doc["face"]["pose_deg"]["yaw"] and row["roll_deg"] == doc["face"]["pose_deg"]["roll"]
    assert row["affected_side"] == doc["asymmetry"]["affected_side"]
    assert row["affected_side_confidence"] == doc["asymmetry"]["confidence"]
    assert row["asymmetry_index_mm"] == doc["asymmetry"]["index"]
    assert row["evidence_total_mm"] == doc["asymmetry"]["evidence_mm"]["total"]
    assert (row["image_width_px"], row["image_height_px"]) == astronaut_result.image_size_px
    for name, metric in doc["metrics"].items():
        unit = metric["unit"]
        assert row[f"{name}_left_{unit}"] == metric["left"]
        assert row[f"{name}_right_{unit}"] == metric["right"]
        assert row[f"{name}_difference_{unit}"] == metric["difference"]
        assert row[f"{name}_percent_of_reference"] == metric["percent_of_reference"]
        assert row[f"{name}_reference_side"] == metric["reference_side"]
    assert row["brow_height_left_mm"] is not None and row["brow_height_left_mm"] > 5


def test_failed_photo_row_has_the_error_and_empty_measures() -> None:
    result = analyze_photo(b"definitely not an image", name="x.jpg")
    row = flatten_assessment(result)
    assert row["status"] == "failed" and row["error_code"] == "not_an_image"
    assert row["error_message"].startswith("x.jpg: ")
    assert row["face_found"] is False and row["brow_height_left_mm"] is None and row["mm_per_px"] is None


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".xlsx"])
def test_tables_round_trip_with_the_same_columns_and_values(
    suffix: str, astronaut_result: PhotoAssessment, tmp_path: Path
) -> None:
    failed = analyze_photo(b"", name="empty.png")
    frame = rows_to_frame([_row(astronaut_result, "a/face.jpg"), _row(failed, "a/empty.png")])
    assert list(frame.columns) == list(COLUMNS)
    assert frame["brow_height_left_mm"].dtype == "float64" and frame["mirrored"].dtype == "bool"
    target = tmp_path / f"out{suffix}"
    write_table(frame, target)
    assert not list(tmp_path.glob(".*partial"))
    back = read_table(target)
    pd.testing.assert_frame_equal(back, frame, check_exact=False, rtol=1e-9)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_text_that_looks_like_a_formula_stays_text(suffix: str, tmp_path: Path) -> None:
    failed = analyze_photo(b"", name="=HYPERLINK(1).png")
    row = {**_row(failed, "=HYPERLINK(1).png"), "subject": "=1+1"}
    frame = rows_to_frame([row])
    target = tmp_path / f"formula{suffix}"
    write_table(frame, target)
    back = read_table(target)
    assert back["path"].iloc[0] == "=HYPERLINK(1).png" and back["subject"].iloc[0] == "=1+1"
    if suffix == ".xlsx":
        from openpyxl import load_workbook

        sheet = load_workbook(target)["photos"]
        assert sheet["A2"].data_type == "s" and sheet["C2"].value == "=1+1"


def test_csv_text_cells_never_start_a_formula_and_numbers_stay_numbers(tmp_path: Path) -> None:
    failed = analyze_photo(b"", name="@SUM(A1).png")
    starts = ["=1+1", "+1", "-2+3", "@A1", "\tx", "'quoted", "plain"]
    rows = [{**_row(failed, f"p{i}.png"), "subject": value, "session": "s"} for i, value in enumerate(starts)]
    rows[0] = {**rows[0], "path": "@SUM(A1).png", "roll_deg": -4.5}
    frame = rows_to_frame(rows)
    target = tmp_path / "guarded.csv"
    write_table(frame, target)
    raw = pd.read_csv(target, dtype=str, keep_default_na=False)
    assert list(raw["subject"]) == ["'=1+1", "'+1", "'-2+3", "'@A1", "'\tx", "''quoted", "plain"]
    assert raw["path"].iloc[0] == "'@SUM(A1).png" and raw["roll_deg"].iloc[0] == "-4.5"  # a number is not text
    for column in (c for c in raw.columns if column_kind(c) == "text"):  # no cell a spreadsheet would evaluate
        assert not raw[column].str.match(r"[=+\-@\t\r]").any(), column
    back = read_table(target)
    assert list(back["subject"]) == starts and back["path"].iloc[0] == "@SUM(A1).png"
    assert back["roll_deg"].iloc[0] == -4.5


def test_unknown_format_and_unwritable_place_are_clear_errors(tmp_path: Path) -> None:
    frame = rows_to_frame([])
    with pytest.raises(FaceNerveError, match=r"unknown output format '\.json'") as info:
        write_table(frame, tmp_path / "out.json")
    assert info.value.code == "bad_option"
    with pytest.raises(FaceNerveError, match="cannot write") as info:
        write_table(frame, tmp_path / "missing-folder" / "out.csv")
    assert info.value.code == "unwritable"
