"""Edit and delete pages for patients, episodes, assessments and treatments (clinicians of the care team).

Records outside the user's reach answer 404; a patient user gets 403. A delete asks first: GET shows what goes
with the record, and only a POST with ``confirm=yes`` (and the CSRF token) deletes.
"""

# mypy: allow-untyped-decorators
# (Django ships no type hints here; its view decorators keep the signatures they wrap.)

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from facenerve import labels
from facenerve.web.audit.record import note
from facenerve.web.clinic import access, records
from facenerve.web.clinic.forms import AssessmentEditForm, EpisodeForm, PatientEditForm, TreatmentForm
from facenerve.web.clinic.models import Assessment, CareTeam, Episode, Patient, Treatment
from facenerve.web.clinic.services import OTHER_NAME, InputError
from facenerve.web.clinic.views import forbidden

Record = Patient | Episode | Assessment | Treatment


def _clinician(request: HttpRequest) -> HttpResponse | None:
    if not access.can_edit(request.user):
        return forbidden(request, "Only clinicians of the patient's care team can change or delete records.")
    return None


def _patient(request: HttpRequest, pk: int) -> Patient:
    found: Patient = get_object_or_404(access.visible_patients(request.user).select_related("care_team"), pk=pk)
    return found


def _episode(request: HttpRequest, pk: int) -> Episode:
    rows = Episode.objects.filter(patient__in=access.visible_patients(request.user)).select_related("patient")
    found: Episode = get_object_or_404(rows, pk=pk)
    return found


def _assessment(request: HttpRequest, pk: int) -> Assessment:
    found: Assessment = get_object_or_404(access.visible_assessments(request.user)
                                          .select_related("episode__patient"), pk=pk)
    return found


def _treatment(request: HttpRequest, pk: int) -> Treatment:
    rows = Treatment.objects.filter(episode__patient__in=access.visible_patients(request.user))
    found: Treatment = get_object_or_404(rows.select_related("episode__patient"), pk=pk)
    return found


def _teams(request: HttpRequest) -> list[tuple[int, str]]:
    return list(CareTeam.objects.filter(members__user=request.user).order_by("name").values_list("pk", "name"))


def _edit(
    request: HttpRequest, *, form: forms.Form, save: Callable[[dict[str, Any]], Any], context: dict[str, Any],
    object_type: str, object_id: int, done: str,
) -> HttpResponse:
    """Validate ``form`` (bound on POST) and ``save`` its cleaned data; errors re-show the form with a 4xx."""
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                save(dict(form.cleaned_data))
            except InputError as exc:
                form.add_error(None, str(exc))
                status = exc.status
            else:
                note(request, object_type, object_id, "update")
                return redirect(done)
        else:
            status = 400
    return render(request, "clinic/record_form.html", {**context, "form": form}, status=status)


def _delete(
    request: HttpRequest, record: Record, *, what: str, patient: Patient, object_type: str, back: str, done: str,
) -> HttpResponse:
    """GET: the confirmation page; POST with ``confirm=yes``: delete and go to ``done``."""
    context = {"what": what, "patient": patient, "back": back, "belongings": records.belongings(record)}
    if request.method == "POST":
        if request.POST.get("confirm") != "yes":
            return render(request, "clinic/record_delete.html",
                          {**context, "error": "Confirm the deletion with the button below."}, status=400)
        record_id = record.pk
        records.delete_record(record)
        note(request, object_type, record_id, "erase")
        return redirect(done)
    return render(request, "clinic/record_delete.html", context)


def _patient_url(patient: Patient, episode: Episode | None = None, anchor: str = "") -> str:
    url = str(reverse("clinic:patient", kwargs={"pk": patient.pk}))
    return url + (f"?episode={episode.pk}" if episode is not None else "") + (f"#{anchor}" if anchor else "")


@login_required
@require_http_methods(["GET", "POST"])
def patient_edit(request: HttpRequest, pk: int) -> HttpResponse:
    patient = _patient(request, pk)
    if (denied := _clinician(request)) is not None:
        return denied
    initial = {"identifier": patient.identifier, "birth_date": patient.birth_date, "sex": patient.sex,
               "comorbidities": list(patient.comorbidities or []), "care_team": patient.care_team_id}
    form = (PatientEditForm(request.POST, teams=_teams(request)) if request.method == "POST"
            else PatientEditForm(initial=initial, teams=_teams(request)))
    context = {"title": f"Edit patient {patient.identifier}", "patient": patient, "back": _patient_url(patient),
               "delete_url": reverse("clinic:patient_delete", kwargs={"pk": patient.pk})}
    return _edit(request, form=form, save=lambda data: records.update_patient(patient, request.user, data),
                 context=context, object_type="patient", object_id=patient.pk, done=_patient_url(patient))


@login_required
@require_http_methods(["GET", "POST"])
def patient_delete(request: HttpRequest, pk: int) -> HttpResponse:
    patient = _patient(request, pk)
    if (denied := _clinician(request)) is not None:
        return denied
    return _delete(request, patient, what=f"patient {patient.identifier}", patient=patient, object_type="patient",
                   back=_patient_url(patient), done=reverse("clinic:dashboard"))


@login_required
@require_http_methods(["GET", "POST"])
def episode_edit(request: HttpRequest, pk: int) -> HttpResponse:
    episode = _episode(request, pk)
    if (denied := _clinician(request)) is not None:
        return denied
    initial = {"onset_date": episode.onset_date, "onset_time": episode.onset_time, "side": episode.side,
               "cause": episode.cause, "recurrence": episode.recurrence,
               "severity_at_onset": "complete" if episode.complete_at_onset else "incomplete"}
    form = EpisodeForm(request.POST) if request.method == "POST" else EpisodeForm(initial=initial)
    patient = episode.patient
    done = _patient_url(patient, episode)
    context = {"title": f"Edit episode (onset {episode.onset_date.isoformat()})", "patient": patient, "back": done,
               "delete_url": reverse("clinic:episode_delete", kwargs={"pk": episode.pk})}
    return _edit(request, form=form, save=lambda data: records.update_episode(episode, data), context=context,
                 object_type="episode", object_id=episode.pk, done=done)


@login_required
@require_http_methods(["GET", "POST"])
def episode_delete(request: HttpRequest, pk: int) -> HttpResponse:
    episode = _episode(request, pk)
    if (denied := _clinician(request)) is not None:
        return denied
    patient = episode.patient
    return _delete(request, episode, what=f"the episode with onset {episode.onset_date.isoformat()}",
                   patient=patient, object_type="episode", back=_patient_url(patient, episode),
                   done=_patient_url(patient))


@login_required
@require_http_methods(["GET", "POST"])
def assessment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment(request, pk)
    if (denied := _clinician(request)) is not None:
        return denied
    initial = {"taken_on": assessment.taken_on, "notes": assessment.notes}
    form = AssessmentEditForm(request.POST) if request.method == "POST" else AssessmentEditForm(initial=initial)
    back = reverse("clinic:assessment", kwargs={"pk": assessment.pk})
    context = {"title": f"Edit assessment of {assessment.taken_on.isoformat()}",
               "patient": assessment.episode.patient, "back": back,
               "delete_url": reverse("clinic:assessment_delete", kwargs={"pk": assessment.pk})}
    return _edit(request, form=form, save=lambda data: records.update_assessment(assessment, data), context=context,
                 object_type="assessment", object_id=assessment.pk, done=back)


@login_required
@require_http_methods(["GET", "POST"])
def assessment_delete(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment(request, pk)
    if (denied := _clinician(request)) is not None:
        return denied
    episode = assessment.episode
    return _delete(request, assessment, what=f"the assessment of {assessment.taken_on.isoformat()}",
                   patient=episode.patient, object_type="assessment",
                   back=reverse("clinic:assessment", kwargs={"pk": assessment.pk}),
                   done=_patient_url(episode.patient, episode, "assessments"))


@login_required
@require_http_methods(["GET", "POST"])
def treatment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    treatment = _treatment(request, pk)
    if (denied := _clinician(request)) is not None:
        return denied
    typed = labels.free_text_name(treatment.name)
    initial = {"kind": treatment.kind, "name": OTHER_NAME if typed else treatment.name, "other_name": typed,
               "start": treatment.start, "stop": treatment.stop, "dose": treatment.dose, "muscle": treatment.muscle,
               "side": treatment.side, "units": treatment.units, "notes": treatment.notes}
    form = TreatmentForm(request.POST) if request.method == "POST" else TreatmentForm(initial=initial)
    episode = treatment.episode
    done = _patient_url(episode.patient, episode, "treatments")
    context = {"title": f"Edit treatment: {labels.treatment(treatment.name)}", "patient": episode.patient,
               "back": done, "treatment_form": True,
               "delete_url": reverse("clinic:treatment_delete", kwargs={"pk": treatment.pk})}
    return _edit(request, form=form, save=lambda data: records.update_treatment(treatment, data), context=context,
                 object_type="treatment", object_id=treatment.pk, done=done)


@login_required
@require_http_methods(["GET", "POST"])
def treatment_delete(request: HttpRequest, pk: int) -> HttpResponse:
    treatment = _treatment(request, pk)
    if (denied := _clinician(request)) is not None:
        return denied
    episode = treatment.episode
    what = f"the treatment {labels.treatment(treatment.name)} from {treatment.start.isoformat()}"
    return _delete(request, treatment, what=what, patient=episode.patient, object_type="treatment",
                   back=_patient_url(episode.patient, episode, "treatments"),
                   done=_patient_url(episode.patient, episode, "treatments"))
