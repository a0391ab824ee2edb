"""Tabular exports: one flat row per photo, with a stable column order, written as CSV, Parquet or XLSX.

A row is the ``facenerve.photo/1`` document (docs/schemas.md) flattened: the manifest fields, the status and
error, the image size, the scale, the pose, the asymmetry, every metric's left/right/difference/percentage with
its unit in the column name, and the warnings. The columns do not depend on the result, so a failed photo has
the same columns as a measured one (empty cells).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from facenerve.engine.assessment import PhotoAssessment
from facenerve.engine.metrics import METRICS
from facenerve.errors import FaceNerveError

if TYPE_CHECKING:
    import pandas as pd

#: Output formats by file extension.
FORMATS = {".csv": "csv", ".parquet": "parquet", ".xlsx": "xlsx"}
#: Regions of the asymmetry evidence (docs/schemas.md, ``asymmetry.evidence_mm``).
EVIDENCE_REGIONS = ("brow", "eye", "commissure", "total")
#: Warnings are joined into one cell with this separator.
WARNING_SEPARATOR = " | "
#: Excel's limit on rows in a sheet, header included.
XLSX_MAX_ROWS = 1_048_576
#: A CSV text cell starting with one of these is read as a formula by spreadsheet programs (OWASP, "CSV
#: Injection"); such a cell, and one starting with the guard itself, is written with ``CSV_TEXT_GUARD`` in front.
CSV_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_TEXT_GUARD = "'"

#: Columns given by the batch input (manifest or folder scan), before the measured ones.
INPUT_COLUMNS = ("path", "expression", "subject", "session", "mirrored", "sha256")
_HEAD_COLUMNS = (
    "status",
    "error_code",
    "error_message",
    "backend",
    "landmark_passes",
    "image_width_px",
    "image_height_px",
    "face_found",
    "mm_per_px",
    "scale_source",
    "scale_relative_uncertainty",
    "iris_diameter_left_px",
    "iris_diameter_right_px",
    "yaw_deg",
    "pitch_deg",
    "roll_deg",
    "quality_confidence_factor",
    "affected_side",
    "affected_side_confidence",
    "severity_index",
    "asymmetry_index_mm",
    *(f"evidence_{region}_mm" for region in EVIDENCE_REGIONS),
    "lip_midpoint_deviation_mm",
    "lip_midpoint_toward",
)


def _metric_columns() -> tuple[str, ...]:
    columns: list[str] = []
    for metric in METRICS:
        unit = metric.unit
        columns += [
            f"{metric.name}_left_{unit}",
            f"{metric.name}_right_{unit}",
            f"{metric.name}_difference_{unit}",
            f"{metric.name}_percent_of_reference",
            f"{metric.name}_reference_side",
        ]
    return tuple(columns)


#: Every column of a batch table, in order.
COLUMNS: tuple[str, ...] = (*INPUT_COLUMNS, *_HEAD_COLUMNS, *_metric_columns(), "warnings")


def flatten_assessment(result: PhotoAssessment | Mapping[str, Any]) -> dict[str, Any]:
    """The measured columns of one row (everything but :data:`INPUT_COLUMNS`) from a result or its ``to_dict()``."""
    doc = result.to_dict() if isinstance(result, PhotoAssessment) else result
    row: dict[str, Any] = dict.fromkeys(_HEAD_COLUMNS)
    error = doc.get("error")
    row["status"] = "failed" if error else "ok"
    if error:
        row["error_code"] = error["code"]
        row["error_message"] = error["message"]
    row["backend"] = doc.get("backend")
    row["landmark_passes"] = doc.get("landmark_passes")
    size = result.image_size_px if isinstance(result, PhotoAssessment) else doc.get("image_size_px")
    if size:
        row["image_width_px"], row["image_height_px"] = size
    face = doc.get("face") or {}
    row["face_found"] = bool(face.get("found"))
    pose = face.get("pose_deg") or {}
    row["yaw_deg"], row["pitch_deg"], row["roll_deg"] = pose.get("yaw"), pose.get("pitch"), pose.get("roll")
    scale = doc.get("scale") or {}
    row["mm_per_px"] = scale.get("mm_per_px")
    row["scale_source"] = scale.get("source")
    row["scale_relative_uncertainty"] = scale.get("relative_uncertainty")
    iris = scale.get("iris_diameter_px") or {}
    row["iris_diameter_left_px"], row["iris_diameter_right_px"] = iris.get("left"), iris.get("right")
    row["quality_confidence_factor"] = (doc.get("quality") or {}).get("confidence_factor")
    asymmetry = doc.get("asymmetry") or {}
    row["affected_side"] = asymmetry.get("affected_side")
    row["affected_side_confidence"] = asymmetry.get("confidence")
    row["severity_index"] = asymmetry.get("severity")
    row["asymmetry_index_mm"] = asymmetry.get("index")
    evidence = asymmetry.get("evidence_mm") or {}
    for region in EVIDENCE_REGIONS:
        row[f"evidence_{region}_mm"] = evidence.get(region)
    midline = doc.get("midline") or {}
    row["lip_midpoint_deviation_mm"] = midline.get("lip_midpoint_deviation_mm")
    row["lip_midpoint_toward"] = midline.get("toward")
    metrics = doc.get("metrics") or {}
    for metric in METRICS:
        value = metrics.get(metric.name) or {}
        unit = metric.unit
        row[f"{metric.name}_left_{unit}"] = value.get("left")
        row[f"{metric.name}_right_{unit}"] = value.get("right")
        row[f"{metric.name}_difference_{unit}"] = value.get("difference")
        row[f"{metric.name}_percent_of_reference"] = value.get("percent_of_reference")
        row[f"{metric.name}_reference_side"] = value.get("reference_side")
    row["warnings"] = WARNING_SEPARATOR.join(doc.get("warnings") or [])
    return row


def rows_to_frame(rows: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """A DataFrame with exactly :data:`COLUMNS`, in order, with stable dtypes (numbers as float64)."""
    import pandas as pd

    frame = pd.DataFrame.from_records(list(rows), columns=list(COLUMNS))
    for column in COLUMNS:
        kind = column_kind(column)
        if kind == "float":
            frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("float64")
        elif kind == "int":
            frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("Int64")
        elif kind == "bool":
            frame[column] = frame[column].fillna(False).astype("bool")
        else:
            frame[column] = frame[column].astype("string")
    return frame


def column_kind(column: str) -> str:
    """``float``, ``int``, ``bool`` or ``text``: the type of a column of :data:`COLUMNS`."""
    if column in ("mirrored", "face_found"):
        return "bool"
    if column in ("image_width_px", "image_height_px", "landmark_passes"):
        return "int"
    if column in ("severity_index", "scale_relative_uncertainty", "quality_confidence_factor") or column.endswith(
        ("_mm", "_mm2", "_deg", "_px", "_percent_of_reference", "_confidence")
    ):
        return "float"
    return "text"


def output_format(path: Path) -> str:
    """``csv``, ``parquet`` or ``xlsx`` from the extension; raises ``FaceNerveError`` (code ``bad_option``)."""
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise FaceNerveError(
            f"{path}: unknown output format {path.suffix or '(no extension)'!r}; use .csv, .parquet or .xlsx",
            code="bad_option",
        )
    return fmt


def write_table(frame: pd.DataFrame, path: Path) -> None:
    """Write ``frame`` to ``path`` in the format its extension names, atomically (temp file, then rename).

    Raises ``FaceNerveError`` (code ``bad_option`` for the format, ``unwritable`` for I/O, ``too_large`` for
    more rows than an XLSX sheet holds).
    """
    fmt = output_format(path)
    if fmt == "xlsx" and len(frame) + 1 > XLSX_MAX_ROWS:
        raise FaceNerveError(
            f"{path}: {len(frame)} rows do not fit in an XLSX sheet; write .csv or .parquet", code="too_large"
        )
    partial = path.with_name(f".{path.name}.partial")
    try:
        if fmt == "csv":
            _csv_guarded(frame).to_csv(partial, index=False)
        elif fmt == "parquet":
            frame.to_parquet(partial, index=False)
        else:
            _write_xlsx(frame, partial)
        partial.replace(path)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise FaceNerveError(f"{path}: cannot write ({exc.strerror or exc})", code="unwritable") from None


def _csv_guarded(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with every text cell that a spreadsheet would run as a formula prefixed by ``CSV_TEXT_GUARD``.

    A path or subject such as ``=HYPERLINK(...)`` then opens as text; :func:`read_table` removes the guard.
    """
    guarded = frame.copy()
    for column in frame.columns:
        if column_kind(str(column)) == "text":
            guarded[column] = frame[column].map(_guard_text, na_action="ignore")
    return guarded


def _guard_text(value: object) -> object:
    if isinstance(value, str) and value.startswith((*CSV_FORMULA_STARTS, CSV_TEXT_GUARD)):
        return CSV_TEXT_GUARD + value
    return value


def _write_xlsx(frame: pd.DataFrame, path: Path) -> None:
    """One sheet, ``photos``, streamed row by row. Text is always stored as text: a value such as ``=A1`` in a
    path or a subject stays what it is and never becomes a formula."""
    import pandas as pd
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    sheet = book.create_sheet("photos")
    sheet.append(list(frame.columns))
    for record in frame.itertuples(index=False, name=None):
        cells: list[Any] = []
        for value in record:
            if value is None or (not isinstance(value, str) and bool(pd.isna(value))):
                cells.append(None)
            elif isinstance(value, str):
                cell = WriteOnlyCell(sheet, value=value)
                cell.data_type = "s"
                cells.append(cell)
            else:
                cells.append(value.item() if hasattr(value, "item") else value)
        sheet.append(cells)
    book.save(path)


def _unguard_text(value: str) -> str:
    return value[1:] if value.startswith(CSV_TEXT_GUARD) else value


def read_table(path: Path) -> pd.DataFrame:
    """Read a table written by :func:`write_table` back, with the same dtypes (for checks and round trips)."""
    import pandas as pd

    fmt = output_format(path)
    if fmt == "parquet":
        return pd.read_parquet(path)
    if fmt == "csv":
        raw = pd.read_csv(path, dtype=str, keep_default_na=False)
        for column in raw.columns:
            if column_kind(str(column)) == "text":
                raw[column] = raw[column].map(_unguard_text)
    else:
        raw = pd.read_excel(path, dtype=str, keep_default_na=False, engine="openpyxl")
    records = raw.to_dict("records")
    for record in records:
        for key, value in record.items():
            if key in ("mirrored", "face_found"):
                record[key] = str(value).lower() == "true"
            elif value == "" and key != "warnings":
                record[key] = None
    return rows_to_frame(records)
