"""The report as a PDF (issue 20): drawn on the server by WeasyPrint, read back with poppler's pdftotext, page 1
rendered with pdftoppm and kept as a test artifact (test-artifacts/web/report-pdf-*.png). Pictures come from the
image store through the report's own URL fetcher; any other URL is refused and nothing goes over the network."""

from __future__ import annotations

import io
import shutil
import socket
import subprocess
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from facenerve.web.clinic import report_pdf
from facenerve.web.clinic.clock import clinic_today
from facenerve.web.storage import default_store

from .conftest import ARTIFACTS, World, signed_in
from .test_access import HB_ITEMS
from .test_workstation import INTERNAL

requires_poppler = pytest.mark.skipif(
    not (shutil.which("pdftotext") and shutil.which("pdftoppm") and shutil.which("pdfimages")),
    reason="poppler-utils not installed (apt-get install poppler-utils; .ci/run does this)",
)




def _pdf_text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True,
                          timeout=60).stdout


def _page_one_png(pdf: bytes, tmp_path: Path, name: str) -> Path:
    """Page 1 as PNG with pdftoppm, copied to the test artifacts."""
    source = tmp_path / f"{name}.pdf"
    source.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", str(source),
                    str(tmp_path / name)], check=True, timeout=60)
    folder = ARTIFACTS / "web"
    folder.mkdir(parents=True, exist_ok=True)
    kept = folder / f"{name}-page1.png"
    shutil.copyfile(tmp_path / f"{name}.png", kept)
    return kept


def _images(pdf: bytes, tmp_path: Path) -> int:
    path = tmp_path / "images.pdf"
    path.write_bytes(pdf)
    listing = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True, text=True, check=True,
                             timeout=60).stdout
    return sum(1 for line in listing.splitlines()[2:] if " image " in line)


def _graded(world: World) -> None:
    """B1's assessment gets a House–Brackmann grade (III) from the clinician's scale entry."""
    url = reverse("clinic:scale", kwargs={"pk": world.assessment_b1.pk, "scale": "house_brackmann"})
    assert signed_in(world.clinician_b).post(url, HB_ITEMS).status_code == 302


@requires_poppler
def test_the_clinical_pdf_holds_identifier_photo_measures_grades_and_timeline(world: World, tmp_path: Path) -> None:
    _graded(world)
    url = reverse("clinic:report_pdf", kwargs={"pk": world.patient_b1.pk})
    response = signed_in(world.clinician_b).get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="facenerve-report-B-001-{clinic_today().isoformat()}.pdf"')
    pdf = response.content
    assert pdf.startswith(b"%PDF")
    text = _pdf_text(pdf, tmp_path)
    flat = " ".join(text.split())
    assert "Facial palsy report — B-001" in flat
    assert "House–Brackmann III" in flat  # the grade as a Roman numeral
    brow = world.photo_b1.result["metrics"]["brow_height"]
    assert "Brow height" in flat and "MRD1 (pupil to upper lid)" in flat
    assert f"Brow height {brow['right']} {brow['left']} mm" in flat  # the measures, right and left
    assert "House–Brackmann: grade III" in flat or "House–Brackmann III" in flat
    assert "Sunnybrook composite (0–100)" in flat and "day 0" in flat  # the timeline SVG, drawn as vector text
    assert "Treatments" in flat and "Alerts" in flat
    assert _images(pdf, tmp_path) >= 1  # the annotated photo, embedded from the store
    page = _page_one_png(pdf, tmp_path, "report-pdf-clinical")
    from PIL import Image

    with Image.open(page) as image:
        assert image.width > 500 and image.height > image.width  # A4 portrait
        colours = image.convert("RGB").getcolors(maxcolors=1 << 20)
        assert colours is not None and len(colours) > 1000  # a photograph, not just text on white


@requires_poppler
def test_the_patient_summary_pdf_has_no_internal_keys(world: World, tmp_path: Path) -> None:
    _graded(world)
    url = reverse("clinic:report_pdf", kwargs={"pk": world.patient_b1.pk}) + "?version=patient"
    response = signed_in(world.user_b1).get(url)  # the patient downloads their own summary
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="facenerve-summary-B-001-{clinic_today().isoformat()}.pdf"')
    text = _pdf_text(response.content, tmp_path)
    flat = " ".join(text.split())
    assert "Your facial palsy: summary — B-001" in flat
    # The grade in plain words, not by its scale's name; the alerts as "What to do now".
    assert "Overall grade, from I (normal) to VI (no movement) III" in flat and "House–Brackmann" not in flat
    assert "How it has changed" in flat and "Alerts" not in flat and "What to do now" in flat
    for key in (*INTERNAL, "mrd1", "_mm", "house_brackmann", "asymmetry_index", "sha256"):
        assert key not in text, key
    assert _images(response.content, tmp_path) >= 1
    _page_one_png(response.content, tmp_path, "report-pdf-patient")


def test_other_teams_and_strangers_get_no_pdf(world: World) -> None:
    url = reverse("clinic:report_pdf", kwargs={"pk": world.patient_b1.pk})
    for user in (world.clinician_a, world.user_a1, world.admin):
        assert signed_in(user).get(url).status_code == 404
    assert Client().get(url).status_code == 302


def test_the_file_name_is_sanitised(world: World) -> None:
    assert report_pdf.file_name('B/001 "x";\r\n../', date(2026, 3, 4), plain=False) == (
        "facenerve-report-B-001-x-2026-03-04.pdf")
    assert report_pdf.file_name("...", date(2026, 3, 4), plain=True) == "facenerve-summary-patient-2026-03-04.pdf"
    world.patient_b1.identifier = 'Ünïcode "quoted"\\name'
    world.patient_b1.save()
    response = signed_in(world.clinician_b).get(reverse("clinic:report_pdf", kwargs={"pk": world.patient_b1.pk}))
    assert response["Content-Disposition"] == (
        f'attachment; filename="facenerve-report-Unicode-quoted-name-{clinic_today().isoformat()}.pdf"')


def test_the_fetcher_reads_only_this_reports_images_and_stylesheets(world: World) -> None:
    store = default_store()
    own = world.photo_b1.annotated_sha256
    fetcher = report_pdf.StoreFetcher(store, {own})
    base = report_pdf.BASE_URL.rstrip("/")
    data, kind = fetcher.resolve(f"{base}/images/{own}")
    assert store.read(own).startswith(b"\x89PNG") and data.startswith(b"\xff\xd8") and kind == "image/jpeg"
    from PIL import Image

    with Image.open(io.BytesIO(data)) as jpeg, Image.open(io.BytesIO(store.read(own))) as png:
        assert jpeg.size == png.size  # the stored picture, re-encoded, not resized
    css, kind = fetcher.resolve(f"{base}/static/facenerve/report-pdf.css")
    assert b"@page" in css and kind == "text/css"
    other = world.photo_b1.image_sha256  # stored, visible to this clinician, but not a picture of this report
    for url in (f"{base}/images/{other}", f"{base}/images/{own}?x=1", f"{base}/images/../{own}",
                f"http://report.facenerve.invalid/images/{own}", f"https://example.org/images/{own}",
                "file:///etc/passwd", "data:image/png;base64,iVBORw0KGgo=", f"{base}/static/facenerve/upload.js",
                f"{base}/static/facenerve/../../settings.py", f"{base}/api/patients/{world.patient_b1.pk}/fhir"):
        with pytest.raises(report_pdf.RefusedURLError):
            fetcher.resolve(url)


def test_a_report_never_fetches_over_the_network(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """Hostile markup in the HTML (as if a field had slipped through unescaped): each URL is refused, the PDF is
    still made, and no socket is opened."""
    attempts: list[Any] = []

    def no_connect(self: socket.socket, address: Any) -> None:
        attempts.append(address)
        raise OSError("network used")

    monkeypatch.setattr(socket.socket, "connect", no_connect)
    fetcher = report_pdf.store_fetcher(default_store(), {world.photo_b1.annotated_sha256})
    html = ('<link rel="stylesheet" href="https://example.org/x.css"><p>Report</p>'
            '<img src="http://127.0.0.1:9/x.png"><img src="file:///etc/passwd">'
            f'<img src="/images/{world.photo_b1.image_sha256}"><img src="/images/{world.photo_b1.annotated_sha256}">'
            '<p style="background:url(https://example.org/bg.png)">x</p>')
    pdf = report_pdf.render_pdf(html, fetcher)
    assert pdf.startswith(b"%PDF")
    assert attempts == []
    assert set(fetcher.rules.refused) >= {"https://example.org/x.css", "http://127.0.0.1:9/x.png", "file:///etc/passwd",
                                          f"{report_pdf.BASE_URL}images/{world.photo_b1.image_sha256}"}
    assert not any(world.photo_b1.annotated_sha256 in url for url in fetcher.rules.refused)


def test_pdfs_beyond_the_cap_answer_503_with_retry_after(world: World, settings: Any) -> None:
    """Every PDF slot busy: a one-line 503 with Retry-After, nothing drawn. The analyses' slots are another cap: all
    of them busy does not stop a PDF once a PDF slot is free."""
    from facenerve.web.clinic import limits

    settings.FACENERVE_PDF_WAIT_S = 0
    url = reverse("clinic:report_pdf", kwargs={"pk": world.patient_b1.pk})
    held: list[Any] = []

    def hold_all(cap: limits.Cap) -> None:
        slots = cap.semaphore()
        while slots.acquire(blocking=False):
            held.append(slots)

    try:
        hold_all(limits.PDFS)
        for user in (world.user_b1, world.clinician_b):
            reply = signed_in(user).get(url)
            assert reply.status_code == 503 and reply["Retry-After"].isdigit(), reply.status_code
            assert reply["Content-Type"].startswith("text/plain") and "try again" in reply.content.decode()
            assert "\n" not in reply.content.decode().strip()
        hold_all(limits.ANALYSES)
        for slots in [s for s in held if s is limits.PDFS.semaphore()]:
            slots.release()
            held.remove(slots)
        reply = signed_in(world.clinician_b).get(url)
        assert reply.status_code == 200 and reply.content.startswith(b"%PDF")
    finally:
        for slots in held:
            slots.release()


class _RefuseImport:
    """A meta-path finder standing in for a server without Pango: importing WeasyPrint (only it) raises OSError,
    as cffi's ``dlopen`` does when libpango cannot be loaded."""

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> Any:
        if name == "weasyprint" or name.startswith("weasyprint."):
            raise OSError("cannot load library 'libpango-1.0-0': libpango-1.0-0: cannot open shared object file")
        return None


@pytest.mark.parametrize("failure", ["ImportError", "OSError"])
def test_without_weasyprint_or_pango_the_pdf_is_a_one_line_503(world: World, monkeypatch: pytest.MonkeyPatch,
                                                                failure: str) -> None:
    """WeasyPrint not installed (ImportError) or Pango missing (OSError on import): the third-party import alone is
    made to fail; the report page still works and the PDF answers one line, not a traceback."""
    import sys

    if failure == "ImportError":
        monkeypatch.setitem(sys.modules, "weasyprint", None)  # `import weasyprint` raises ImportError
    else:
        for name in [n for n in sys.modules if n == "weasyprint" or n.startswith("weasyprint.")]:
            monkeypatch.delitem(sys.modules, name)
        monkeypatch.setattr(sys, "meta_path", [_RefuseImport(), *sys.meta_path])
    client = signed_in(world.clinician_b)
    reply = client.get(reverse("clinic:report_pdf", kwargs={"pk": world.patient_b1.pk}))
    assert reply.status_code == 503 and reply["Content-Type"].startswith("text/plain")
    assert reply.content.decode() == "PDF reports need Pango (see docs)"
    assert client.get(reverse("clinic:report", kwargs={"pk": world.patient_b1.pk})).status_code == 200
    with pytest.raises(report_pdf.PdfUnavailableError):
        report_pdf.store_fetcher(default_store(), set())


def test_after_a_pdf_a_cut_photo_is_still_refused(world: World, face_jpeg: bytes) -> None:
    """WeasyPrint's import turns on Pillow's process-wide LOAD_TRUNCATED_IMAGES; the report restores it, so an
    upload cut short is still "not a usable image" after the server has made a PDF."""
    from facenerve.errors import ImageError
    from facenerve.io.images import load_image

    reply = signed_in(world.clinician_b).get(reverse("clinic:report_pdf", kwargs={"pk": world.patient_b1.pk}))
    assert reply.status_code == 200
    with pytest.raises(ImageError):
        load_image(face_jpeg[: len(face_jpeg) // 3], name="cut.jpg")
