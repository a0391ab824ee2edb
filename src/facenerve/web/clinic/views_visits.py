"""Visit comparison and the printable report of a patient's course (care team; the patient reads their own)."""

# mypy: allow-untyped-decorators
# (Django ships no type hints here; its view decorators keep the signatures they wrap.)

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string

from facenerve.errors import ImageError
from facenerve.web.clinic import access, aligned, assessment_view, compare, limits, plain, services
from facenerve.web.clinic import report_pdf as report_pdf_module
from facenerve.web.clinic.choices import Comorbidity
from facenerve.web.clinic.clock import clinic_today
from facenerve.web.clinic.models import Assessment, AssessmentPhoto
from facenerve.web.clinic.overview import overview
from facenerve.web.storage import default_store

#: Seconds a client is told to wait (``Retry-After``) when every PDF slot stayed busy: about a few PDFs' time.
PDF_RETRY_AFTER_S = 5


def _patient(request: HttpRequest, pk: int) -> Any:
    return get_object_or_404(services.with_course(access.visible_patients(request.user)), pk=pk)


def _int(raw: str | None) -> int | None:
    try:
        return int(raw) if raw else None
    except ValueError:
        raise Http404("no such visit") from None


@login_required
def compare_visits(request: HttpRequest, pk: int) -> HttpResponse:
    """Two assessments of an episode side by side (``?a=&b=``, or ``?treatment=`` for the visits around it)."""
    patient = _patient(request, pk)
    visits = {a.pk: a for e in patient.episodes.all() for a in e.assessments.all()}
    treatments = {t.pk: t for e in patient.episodes.all() for t in e.treatments.all()}
    first, second = _int(request.GET.get("a")), _int(request.GET.get("b"))
    with_photos = set(AssessmentPhoto.objects.filter(assessment_id__in=list(visits))
                      .values_list("assessment_id", flat=True))
    note = chosen = ""
    chosen_treatment = None
    if "treatment" in request.GET:
        chosen_treatment = treatments.get(_int(request.GET.get("treatment")) or -1)
        if chosen_treatment is None:
            raise Http404("no such treatment")
        episode_visits = [a for a in visits.values() if a.episode_id == chosen_treatment.episode_id]
        before, after = compare.nearest_around(chosen_treatment, episode_visits, with_photos)
        first, second = (before.pk if before else None), (after.pk if after else None)
        if before is None or after is None:
            note = "There is no visit on both sides of this treatment yet."
        else:
            chosen = compare.skipped_note(before, after, episode_visits, with_photos, low=before.taken_on,
                                          high=after.taken_on)
    ordered = sorted(visits.values(), key=lambda a: (a.taken_on, a.pk))
    if first is None and second is None and "treatment" not in request.GET:
        pair = compare.latest_pair(ordered, with_photos)
        if pair is not None:
            first, second = pair[0].pk, pair[1].pk
            chosen = compare.skipped_note(pair[0], pair[1], ordered, with_photos)
    for wanted in (first, second):
        if wanted is not None and wanted not in visits:
            raise Http404("no such visit")
    a = _with_photos(first) if first is not None else None
    b = _with_photos(second) if second is not None else None
    context = {
        "patient": patient, "visits": ordered, "a": a, "b": b, "note": note, "treatment": chosen_treatment,
        "chosen": chosen, "without_photos": [v for v in (a, b) if v is not None and v.pk not in with_photos],
        "summary": compare.summary_changes(a, b) if a and b else [],
        "pairs": compare.pairs(a, b) if a and b else [], "canvas": aligned.canvas(),
    }
    return render(request, "clinic/compare.html", context)


@login_required
def photo_aligned(request: HttpRequest, pk: int) -> HttpResponse:
    """A photo on the comparison canvas (PNG): pupil line level, pupils' midpoint at a fixed point, a fixed number of
    pixels per mm. For whoever may read the photo's assessment; 404 otherwise, and for a photo with no pupils.

    Not cached by the browser (the audit middleware sends ``no-store``, as for all patient data); the server keeps
    recently drawn pictures (:func:`aligned.cached_png`), looked up only after the access check above."""
    rows = AssessmentPhoto.objects.filter(assessment__in=access.visible_assessments(request.user))
    photo: AssessmentPhoto = get_object_or_404(rows, pk=pk)
    alignment, why = aligned.alignment_of(photo)
    if alignment is None:
        raise Http404(why)
    try:
        png = aligned.cached_png(photo, alignment)
    except (FileNotFoundError, ValueError, ImageError):
        raise Http404("image missing from the store") from None
    response = HttpResponse(png, content_type="image/png")
    response["Content-Disposition"] = "inline"
    return response


def _with_photos(pk: int) -> Assessment:
    found: Assessment = Assessment.objects.prefetch_related("photos").get(pk=pk)
    return found


def _report_context(request: HttpRequest, pk: int) -> dict[str, Any]:
    """What the report shows, for the page and the PDF alike (one source of content)."""
    patient = _patient(request, pk)
    today = clinic_today()
    view = overview(patient, None, today)
    latest = None
    cards: list[Any] = []
    if view and view.assessments:
        latest = _with_photos(view.assessments[-1].pk)
        cards = [c for c in assessment_view.photo_cards(latest) if c.photo.annotated_sha256]
    is_plain = request.GET.get("version") == "patient"
    return {
        "patient": patient, "view": view, "today": today, "latest": latest, "cards": cards,
        "chart": view.chart_svg(today, plain=is_plain, table=False) if view else "",  # the report prints its own table
        "comorbidities": [dict(Comorbidity.choices).get(c, c) for c in patient.comorbidities or ()],
        "auto_scores": assessment_view.auto_scores(latest.engine_result or {}, latest) if latest else [],
        "fallbacks": assessment_view.automated_fallbacks(latest) if latest else {},
        "clinician_scores": assessment_view.scale_entries(latest.scale_scores or {}) if latest else [],
        "plain": is_plain,
        # The plain version says the alerts and the outlook in the patient's words (the same as their own page).
        "plain_alerts": plain.patient_alerts(view.care.alerts, view.care.dismissed) if is_plain and view else [],
        "plain_outlook": plain.outlook(view.care.prognosis, today) if is_plain and view else None,
    }


@login_required
def report(request: HttpRequest, pk: int) -> HttpResponse:
    """The course on printable pages: patient, episode, latest photos and measures, grades with their derivation,
    the timeline, alerts, prognosis and treatments (print it, or download the PDF)."""
    return render(request, "clinic/report.html", _report_context(request, pk))


@login_required
def report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The report as a PDF drawn on the server (``?version=patient`` for the plain-language summary), as a download
    named from the patient identifier and the date. The pictures come from the image store, never over a network.
    At most ``FACENERVE_MAX_CONCURRENT_PDFS`` are drawn at once per process (else 503 with ``Retry-After``); 503 too
    when WeasyPrint or Pango is missing."""
    context = _report_context(request, pk)
    html = render_to_string("clinic/report.html", {**context, "pdf": True}, request=request)
    allowed = {card.photo.annotated_sha256 for card in context["cards"]}
    with limits.pdf_slot() as slot:
        if not slot:
            busy = _one_line("the server is drawing other PDF reports; try again in a few seconds", 503)
            busy["Retry-After"] = str(PDF_RETRY_AFTER_S)
            return busy
        try:
            # Relative URLs resolve against the app's own address (checked against ALLOWED_HOSTS), so the PDF's
            # links lead back to the app; the fetcher reads only from the store and the static files, whatever the
            # address.
            fetcher = report_pdf_module.store_fetcher(default_store(), allowed, request.build_absolute_uri("/"))
            pdf = report_pdf_module.render_pdf(html, fetcher)
        except report_pdf_module.PdfUnavailableError as exc:
            return _one_line(str(exc), 503)
    name = report_pdf_module.file_name(context["patient"].identifier, context["today"], plain=context["plain"])
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _one_line(message: str, status: int) -> HttpResponse:
    """A plain-text answer of one line (as :mod:`facenerve.web.faults` gives for the app's other failures)."""
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")
