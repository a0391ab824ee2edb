"""A patient's series as CSV and XLSX (issue 20): one row per assessment with human headers and units, for the care
team and the patient themself, never a formula."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from facenerve.web.clinic.models import Patient
from facenerve.web.filenames import safe_file_stem

from .conftest import World, full_course, signed_in

# --- the series as CSV and XLSX ------------------------------------------------------------------------------------

def _csv(client: Client, pk: int) -> list[dict[str, str]]:
    response = client.get(reverse("clinic:export_csv", kwargs={"pk": pk}))
    assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def _xlsx(client: Client, pk: int) -> list[dict[str, Any]]:
    from openpyxl import load_workbook

    response = client.get(reverse("clinic:export_xlsx", kwargs={"pk": pk}))
    assert response.status_code == 200 and response["Content-Type"].endswith("spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def test_series_csv_and_xlsx_hold_the_assessments(world: World) -> None:
    full_course(world)
    photo = world.photo_b1.result["metrics"]
    onset = world.episode_b1.onset_date
    for client in (signed_in(world.clinician_b), signed_in(world.user_b1)):  # the care team and the patient themself
        rows = _csv(client, world.patient_b1.pk)
        assert [r["Date"] for r in rows] == [(date.today() - timedelta(days=d)).isoformat() for d in (20, 2)]
        latest = rows[-1]
        assert latest["Patient"] == "B-001" and latest["Days since onset"] == str((date.today() - timedelta(days=2)
                                                                                 - onset).days)
        assert latest["Episode"] == f"Left · Bell's palsy · onset {onset.isoformat()}"
        assert latest["House–Brackmann grade"] == "III" and rows[0]["House–Brackmann grade"] == "IV"
        assert latest["Sunnybrook composite (points)"] == "55.0" and latest["Eye closure"] == "incomplete"
        assert float(latest["Asymmetry index (mm)"]) == pytest.approx(world.assessment_b1.asymmetry_index_mm, abs=1e-3)
        assert rows[0]["Synkinesis (Sunnybrook, points)"] == "2.0" and rows[0]["eFACE total (points)"] == "61.5"
        header = "Open-mouth smile: Mouth corner height, patient's left (mm)"
        assert float(latest[header]) == pytest.approx(photo["commissure_height"]["left"], abs=1e-3)
        assert rows[0][header] == ""  # the visit without photos
        assert "Open-mouth smile: Eye opening area, patient's right (mm²)" in latest
        assert not any("_" in h for h in latest)  # no internal key in a header
        book = _xlsx(client, world.patient_b1.pk)
        assert list(book[-1]) == list(latest)
        assert book[-1]["Date"].date() == date.today() - timedelta(days=2)
        assert book[-1]["House–Brackmann grade"] == "III" and book[0][header] is None
        assert book[-1][header] == pytest.approx(photo["commissure_height"]["left"], abs=1e-3)


def test_series_cells_never_run_as_formulas(world: World) -> None:
    from openpyxl import load_workbook

    Patient.objects.filter(pk=world.patient_b1.pk).update(identifier="=HYPERLINK(\"http://x\")")
    client = signed_in(world.clinician_b)
    (row,) = _csv(client, world.patient_b1.pk)
    assert row["Patient"] == "'=HYPERLINK(\"http://x\")"
    response = client.get(reverse("clinic:export_xlsx", kwargs={"pk": world.patient_b1.pk}))
    cell = load_workbook(io.BytesIO(response.content)).active["A2"]
    assert cell.value == "=HYPERLINK(\"http://x\")" and cell.data_type == "s"
    assert response["Content-Disposition"] == 'attachment; filename="HYPERLINK-http-x-series.xlsx"'


def test_patient_page_links_the_downloads(world: World) -> None:
    body = signed_in(world.user_b1).get(reverse("clinic:patient", kwargs={"pk": world.patient_b1.pk})).content.decode()
    assert reverse("clinic:export_csv", kwargs={"pk": world.patient_b1.pk}) in body
    assert reverse("clinic:export_xlsx", kwargs={"pk": world.patient_b1.pk}) in body


def test_safe_file_stem_keeps_only_safe_characters() -> None:
    """One rule for every download name (series exports and report PDFs)."""
    assert safe_file_stem("B-001") == "B-001"
    assert safe_file_stem('Ünïcode "quoted"\\name') == "Unicode-quoted-name"  # accents dropped, the rest one dash
    assert safe_file_stem('B/001 "x";\r\n../') == "B-001-x"
    assert safe_file_stem("=HYPERLINK(\"http://x\")") == "HYPERLINK-http-x"
    assert safe_file_stem("a.b_c-d") == "a.b_c-d"
    assert safe_file_stem("..") == "patient" and safe_file_stem("") == "patient"
    assert safe_file_stem("日本語", fallback="patient-7") == "patient-7"  # nothing ASCII left
    assert safe_file_stem("x" * 59 + "/yy") == "x" * 59  # cut to 60, no trailing dash
    assert len(safe_file_stem("z" * 200)) == 60


def test_an_identifier_with_nothing_safe_falls_back_to_the_record_number(world: World) -> None:
    Patient.objects.filter(pk=world.patient_b1.pk).update(identifier="日本語")
    response = signed_in(world.clinician_b).get(reverse("clinic:export_csv", kwargs={"pk": world.patient_b1.pk}))
    assert response["Content-Disposition"] == f'attachment; filename="patient-{world.patient_b1.pk}-series.csv"'
