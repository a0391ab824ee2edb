"""A patient's series for a spreadsheet: CSV and XLSX downloads (one row per assessment), for the care team and the
patient themself; anyone else gets 404."""

# mypy: allow-untyped-decorators
# (Django ships no type hints here; its view decorators keep the signatures they wrap.)

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from facenerve.interop import series
from facenerve.web.clinic import access
from facenerve.web.clinic.exports import course
from facenerve.web.clinic.models import Patient
from facenerve.web.filenames import safe_file_stem

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _table(request: HttpRequest, pk: int) -> tuple[Patient, list[str], list[list[series.Cell]]]:
    patient: Patient = get_object_or_404(access.visible_patients(request.user), pk=pk)
    headers, rows = series.table(course(patient))
    return patient, headers, rows


def _download(patient: Patient, body: bytes, content_type: str, extension: str) -> HttpResponse:
    """``body`` (bytes of ``content_type``) as an attachment named ``<identifier>-series.<extension>``, the identifier
    through :func:`safe_file_stem` (``patient-<pk>`` when nothing is left of it)."""
    name = safe_file_stem(patient.identifier, fallback=f"patient-{patient.pk}")
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}-series.{extension}"'
    return response


@login_required
@require_GET
def export_csv(request: HttpRequest, pk: int) -> HttpResponse:
    """The series as CSV (UTF-8 with a byte order mark, so spreadsheets read mm² and House–Brackmann right)."""
    patient, headers, rows = _table(request, pk)
    body = ("\ufeff" + series.to_csv(headers, rows)).encode("utf-8")
    return _download(patient, body, "text/csv; charset=utf-8", "csv")


@login_required
@require_GET
def export_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    """The series as an XLSX workbook."""
    patient, headers, rows = _table(request, pk)
    return _download(patient, series.to_xlsx(headers, rows), XLSX, "xlsx")
