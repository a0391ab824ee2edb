"""Pages: dashboard, patient, new assessment, assessment result, scale scores, treatments, stored images.

Every view reads patients through :mod:`access` (anything outside the user's reach is a 404) and leaves clinical
judgement to ``facenerve.care`` and ``facenerve.scales``.
"""

# mypy: allow-untyped-decorators
# (Django ships no type hints here; its view decorators keep the signatures they wrap.)

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from facenerve.protocol import Expression
from facenerve.web.accounts.models import ROLE_ADMIN, ROLE_CLINICIAN, ROLE_PATIENT
from facenerve.web.audit.record import note
from facenerve.web.clinic import access, assessment_view, patient_own, services
from facenerve.web.clinic.choices import Comorbidity
from facenerve.web.clinic.clock import clinic_today
from facenerve.web.clinic.forms import (
    EpisodeForm,
    ObservationForm,
    PatientForm,
    PhotoSessionForm,
    TreatmentForm,
    photo_field,
    scale_data,
    scale_form_class,
)
from facenerve.web.clinic.models import Assessment, CareTeam, Episode, Patient
from facenerve.web.clinic.overview import dashboard_rows, episode_order, overview
from facenerve.web.storage import default_store

PAGE_SIZE = 50


def _today() -> date:
    return clinic_today()


def forbidden(request: HttpRequest, message: str) -> HttpResponse:
    """The styled 403 page with a one-line reason."""
    return render(request, "403.html", {"message": message}, status=403)


def _clinician_only(request: HttpRequest) -> HttpResponse | None:
    if not access.can_edit(request.user):
        return forbidden(request, "Only clinicians of the patient's care team can do this.")
    return None


def favicon(request: HttpRequest) -> HttpResponse:
    """``/favicon.ico`` for browsers that ask for it: the app's own icon."""
    return redirect("/static/facenerve/favicon.svg", permanent=True)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Send each role to its start page."""
    role = access.role_of(request.user)
    if role == ROLE_CLINICIAN:
        return redirect("clinic:dashboard")
    if role == ROLE_PATIENT:
        patient = access.visible_patients(request.user).first()
        if patient is not None:
            return redirect("clinic:patient", pk=patient.pk)
    if role == ROLE_ADMIN:
        return redirect("admin:index")
    return render(request, "clinic/no_access.html", status=403)


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """The clinician's patients (50 a page) with their open alerts."""
    if (denied := _clinician_only(request)) is not None:
        return denied
    query = request.GET.get("q", "").strip()[:64]
    patients = access.visible_patients(request.user).select_related("care_team").order_by("identifier")
    if query:
        patients = patients.filter(identifier__icontains=query)
    page = Paginator(patients, PAGE_SIZE).get_page(request.GET.get("page"))
    today = _today()
    rows = dashboard_rows(list(page.object_list), today)
    return render(request, "clinic/dashboard.html", {"rows": rows, "page": page, "query": query, "today": today})


@login_required
def patient_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The patient page: episode, timeline, assessments, treatments, alerts and prognosis; the patient themself
    gets their own page in plain words (:mod:`patient_own`)."""
    patient = get_object_or_404(services.with_course(access.visible_patients(request.user)), pk=pk)
    episode = None
    if "episode" in request.GET:
        episode = next((e for e in patient.episodes.all() if str(e.pk) == request.GET["episode"]), None)
        if episode is None:
            raise Http404("no such episode")
    today = _today()
    view = overview(patient, episode, today)
    if access.is_own_record(request.user, patient):
        return render(request, "clinic/patient_own.html", patient_own.context(patient, view, today))
    context: dict[str, Any] = {
        "patient": patient,
        "comorbidities": [dict(Comorbidity.choices).get(c, c) for c in patient.comorbidities or ()],
        "view": view,
        "today": today,
        "can_edit": access.can_edit(request.user),
        "chart": view.chart_svg(today) if view else "",
        "days_since_onset": (today - view.episode.onset_date).days if view else None,
        "dismiss_url": reverse("clinic:alert_dismiss", kwargs={"pk": patient.pk}),
    }
    return render(request, "clinic/patient.html", context)


def _episode_of(request: HttpRequest, pk: int, *, read_body: bool = True) -> tuple[Patient, Episode]:
    """The visible patient and the episode named by ``episode`` (query string, or form unless ``read_body`` is
    False: an upload's body is not parsed before its size is checked), else the latest episode."""
    patient = get_object_or_404(access.visible_patients(request.user), pk=pk)
    episodes = list(patient.episodes.all())
    wanted = (request.POST.get("episode") if read_body and request.method == "POST" else None) or request.GET.get(
        "episode"
    )
    if wanted:
        match = next((e for e in episodes if str(e.pk) == wanted), None)
        if match is None:
            raise Http404("no such episode")
        return patient, match
    if not episodes:
        raise Http404("this patient has no episode yet")
    return patient, max(episodes, key=episode_order)


@login_required
@require_http_methods(["GET", "POST"])
def assessment_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload a photo session; the result page follows. XHR posts get JSON (for the progress bar)."""
    patient, episode = _episode_of(request, pk, read_body=False)
    if (denied := _clinician_only(request)) is not None:
        return denied
    wants_json = request.headers.get("x-requested-with") == "XMLHttpRequest"
    if request.method == "GET":
        return render(request, "clinic/assessment_new.html", {"patient": patient, "episode": episode,
                                                               "form": PhotoSessionForm()})
    limit = settings.FACENERVE_MAX_UPLOAD_BYTES
    if _content_length(request) > limit:
        return _upload_error(request, patient, episode, None, f"the upload is larger than {limit // 2**20} MB", 413,
                             wants_json)
    form = PhotoSessionForm(request.POST, request.FILES)
    if not form.is_valid():
        message = "; ".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items())
        return _upload_error(request, patient, episode, form, message, 400, wants_json)
    files = {}
    for expression in Expression:
        upload = form.cleaned_data.get(photo_field(expression))
        if upload:
            if upload.size > limit:
                return _upload_error(request, patient, episode, form, f"{upload.name} is too large", 413, wants_json)
            files[expression] = (str(upload.name)[:120], upload.read())
    try:
        assessment = services.add_photo_session(episode, files, request.user, form.cleaned_data["taken_on"])
    except services.InputError as exc:
        return _upload_error(request, patient, episode, form, str(exc), exc.status, wants_json)
    note(request, "assessment", assessment.pk, "create")
    target = reverse("clinic:assessment", kwargs={"pk": assessment.pk})
    if wants_json:
        return JsonResponse({"redirect": target, "assessment": assessment.pk}, status=201)
    return redirect(target)


def _content_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def _upload_error(
    request: HttpRequest, patient: Patient, episode: Episode, form: PhotoSessionForm | None, message: str,
    status: int, wants_json: bool,
) -> HttpResponse:
    if wants_json:
        return JsonResponse({"error": message}, status=status)
    context = {"patient": patient, "episode": episode, "form": form or PhotoSessionForm(), "error": message}
    return render(request, "clinic/assessment_new.html", context, status=status)


def _visible_assessment(request: HttpRequest, pk: int) -> Assessment:
    rows = access.visible_assessments(request.user).select_related("episode__patient").prefetch_related("photos")
    assessment: Assessment = get_object_or_404(rows, pk=pk)
    return assessment


@login_required
def assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The result of one assessment: the chosen photo large, the session's contact sheet, measures, scores."""
    assessment = _visible_assessment(request, pk)
    from facenerve.scales import SCALES

    cards = assessment_view.photo_cards(assessment)
    engine = assessment.engine_result or {}
    context = {
        "assessment": assessment,
        "patient": assessment.episode.patient,
        "cards": cards,
        "current": assessment_view.chosen(cards, request.GET.get("photo")),
        "identical": assessment_view.identical_photos(cards),
        "side_sources": assessment_view.side_sources(assessment),
        "fallbacks": assessment_view.automated_fallbacks(assessment),
        "scales": [s for s in SCALES.values() if s.kind == "clinician"],
        "questionnaires": [s for s in SCALES.values() if s.kind == "patient"],
        "can_edit": access.can_edit(request.user),
        "can_fill_questionnaires": access.can_enter_scale(request.user, "patient"),
        "observation_form": ObservationForm(initial={
            "eye_closure_complete": assessment.eye_closure_complete,
            "lagophthalmos_mm": assessment.lagophthalmos_mm,
        }),
        "auto_scores": assessment_view.auto_scores(engine, assessment),
        "clinician_scores": assessment_view.scale_entries(assessment.scale_scores or {}),
        "questionnaire_scores": assessment_view.scale_entries(assessment.questionnaires or {}),
    }
    return render(request, "clinic/assessment.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def scale_entry(request: HttpRequest, pk: int, scale: str) -> HttpResponse:
    """Clinician scale scores (or a questionnaire) for an assessment, as a form generated from the scale's items."""
    assessment = _visible_assessment(request, pk)
    from facenerve.scales import SCALES

    spec = SCALES.get(scale)
    if spec is None:
        raise Http404("unknown scale")
    if not access.can_enter_scale(request.user, spec.kind):
        return forbidden(request, "Only clinicians of the patient's care team can enter this scale.")
    form_class = scale_form_class(spec)
    status = 200
    if request.method == "POST":
        form = form_class(request.POST)
        if form.is_valid():
            try:
                services.record_scale(assessment, scale, scale_data(spec, form.cleaned_data))
            except services.InputError as exc:
                form.add_error(None, str(exc))
                status = exc.status
            else:
                return redirect("clinic:assessment", pk=assessment.pk)
        else:
            status = 400
    else:
        previous = (assessment.scale_scores or {}).get(scale) or (assessment.questionnaires or {}).get(scale) or {}
        form = form_class(initial={k.replace(".", "__"): v for k, v in (previous.get("items") or {}).items()})
    context = {"assessment": assessment, "patient": assessment.episode.patient, "spec": spec, "form": form}
    return render(request, "clinic/scale_form.html", context, status=status)


@login_required
@require_http_methods(["POST"])
def observations(request: HttpRequest, pk: int) -> HttpResponse:
    """Record eye closure and lagophthalmos for an assessment."""
    assessment = _visible_assessment(request, pk)
    if (denied := _clinician_only(request)) is not None:
        return denied
    form = ObservationForm(request.POST)
    if not form.is_valid():
        return HttpResponse("; ".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items()), status=400,
                            content_type="text/plain")
    assessment.eye_closure_complete = form.cleaned_data["eye_closure_complete"]
    assessment.lagophthalmos_mm = form.cleaned_data["lagophthalmos_mm"]
    assessment.save(update_fields=["eye_closure_complete", "lagophthalmos_mm"])
    return redirect("clinic:assessment", pk=assessment.pk)


@login_required
@require_http_methods(["GET", "POST"])
def treatment_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a treatment record to the patient's current (or chosen) episode."""
    patient, episode = _episode_of(request, pk)
    if (denied := _clinician_only(request)) is not None:
        return denied
    status = 200
    if request.method == "POST":
        form = TreatmentForm(request.POST)
        if form.is_valid():
            try:
                treatment = services.add_treatment(episode, dict(form.cleaned_data), request.user)
            except services.InputError as exc:
                form.add_error(None, str(exc))
                status = exc.status
            else:
                note(request, "treatment", treatment.pk, "create")
                return redirect(reverse("clinic:patient", kwargs={"pk": patient.pk}) + "#treatments")
        else:
            status = 400
    else:
        form = TreatmentForm()
    return render(request, "clinic/treatment_form.html", {"patient": patient, "episode": episode, "form": form},
                  status=status)


@login_required
@require_http_methods(["POST"])
def alert_dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    """Dismiss one dismissible alert of the patient's episode (clinicians); red flags answer 400."""
    patient, episode = _episode_of(request, pk)
    if (denied := _clinician_only(request)) is not None:
        return denied
    full = services.with_course(Patient.objects.filter(pk=patient.pk)).get()
    episode = next(e for e in full.episodes.all() if e.pk == episode.pk)
    try:
        services.dismiss_alert(full, episode, str(request.POST.get("rule", ""))[:64], request.user, _today())
    except services.InputError as exc:
        return HttpResponse(str(exc), status=exc.status, content_type="text/plain; charset=utf-8")
    return redirect(reverse("clinic:patient", kwargs={"pk": patient.pk}) + f"?episode={episode.pk}#alerts")


@login_required
@require_http_methods(["POST"])
def alert_undismiss(request: HttpRequest, pk: int) -> HttpResponse:
    """Undo a dismissal: the alert shows again (clinicians of the care team)."""
    patient, episode = _episode_of(request, pk)
    if (denied := _clinician_only(request)) is not None:
        return denied
    try:
        services.undo_dismissal(episode, str(request.POST.get("rule", ""))[:64])
    except services.InputError as exc:
        return HttpResponse(str(exc), status=exc.status, content_type="text/plain; charset=utf-8")
    return redirect(reverse("clinic:patient", kwargs={"pk": patient.pk}) + f"?episode={episode.pk}#alerts")


@login_required
@require_http_methods(["GET", "POST"])
def patient_new(request: HttpRequest) -> HttpResponse:
    """Register a patient in one of the clinician's care teams, with their first episode."""
    if (denied := _clinician_only(request)) is not None:
        return denied
    teams = list(CareTeam.objects.filter(members__user=request.user).order_by("name").values_list("pk", "name"))
    status = 200
    if request.method == "POST":
        form = PatientForm(request.POST, teams=teams)
        if form.is_valid():
            try:
                patient = services.create_patient(request.user, dict(form.cleaned_data))
            except services.InputError as exc:
                form.add_error(None, str(exc))
                status = exc.status
            else:
                note(request, "patient", patient.pk, "create")
                return redirect("clinic:patient", pk=patient.pk)
        else:
            status = 400
    else:
        form = PatientForm(teams=teams)
    return render(request, "clinic/patient_form.html", {"form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def episode_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a new palsy episode (e.g. a recurrence) for a patient of the clinician's care team."""
    patient = get_object_or_404(access.visible_patients(request.user), pk=pk)
    if (denied := _clinician_only(request)) is not None:
        return denied
    status = 200
    if request.method == "POST":
        form = EpisodeForm(request.POST)
        if form.is_valid():
            try:
                episode = services.add_episode(patient, dict(form.cleaned_data))
            except services.InputError as exc:
                form.add_error(None, str(exc))
                status = exc.status
            else:
                note(request, "episode", episode.pk, "create")
                return redirect(reverse("clinic:patient", kwargs={"pk": patient.pk}) + f"?episode={episode.pk}")
        else:
            status = 400
    else:
        form = EpisodeForm()
    return render(request, "clinic/episode_form.html", {"form": form, "patient": patient}, status=status)


@login_required
def stored_image(request: HttpRequest, sha256: str) -> HttpResponse:
    """A stored photo or annotated picture, only for users who may see its assessment."""
    photo = access.visible_photo(request.user, sha256)
    if photo is None:
        raise Http404("no such image")
    try:
        data = default_store().read(sha256)
    except (FileNotFoundError, ValueError):
        raise Http404("image missing from the store") from None
    kind = "image/png" if sha256 == photo.annotated_sha256 else _sniff(data)
    response = HttpResponse(data, content_type=kind)
    response["Cache-Control"] = "private, max-age=3600"
    response["Content-Disposition"] = "inline"
    return response


def _sniff(data: bytes) -> str:
    signatures = {b"\xff\xd8": "image/jpeg", b"\x89PNG": "image/png", b"RIFF": "image/webp", b"BM": "image/bmp",
                  b"II*\x00": "image/tiff", b"MM\x00*": "image/tiff"}
    return next((kind for magic, kind in signatures.items() if data.startswith(magic)), "application/octet-stream")
