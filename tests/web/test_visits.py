"""Visit comparison, the printable report and the FHIR export on the pages and the API (issue 20)."""

from __future__ import annotations

from datetime import timedelta

from django.test import Client
from django.urls import reverse

from facenerve.web.clinic.models import Assessment, AssessmentPhoto, Treatment

from .conftest import World, signed_in
from .test_workstation import visible_text


def _second_visit(world: World, days_later: int = 1, *, hb: int = 3) -> Assessment:
    """A later visit of B1 with the same photo measured a little differently."""
    first = world.assessment_b1
    first.house_brackmann, first.sunnybrook_composite = 5, 30.0
    first.save()
    later = Assessment.objects.create(episode=world.episode_b1, taken_on=first.taken_on + timedelta(days=days_later),
                                      asymmetry_index_mm=1.2, house_brackmann=hb, sunnybrook_composite=52.5)
    result = {**world.photo_b1.result, "metrics": {
        name: {**m, "left": None if m["left"] is None else m["left"] + 1.0} for name, m in
        world.photo_b1.result["metrics"].items()}}
    AssessmentPhoto.objects.create(assessment=later, expression=world.photo_b1.expression,
                                   image_sha256=world.photo_b1.image_sha256,
                                   annotated_sha256=world.photo_b1.annotated_sha256, width_px=world.photo_b1.width_px,
                                   height_px=world.photo_b1.height_px, result=result)
    return later


def test_compare_two_visits_shows_each_change_with_sign_and_unit(world: World) -> None:
    later = _second_visit(world)
    url = reverse("clinic:compare", kwargs={"pk": world.patient_b1.pk})
    body = signed_in(world.clinician_b).get(url).content.decode()  # default: the last two visits
    text = visible_text(body)
    assert "House–Brackmann grade V III 2 grades better (V → III)" in text
    assert "Sunnybrook composite (higher is better) 30 52.5 +22.5 points" in text
    assert "Brow height, patient's left" in text and "+1.0 mm" in text and "Brow height, patient's right" in text
    assert body.count('class="card pair"') == 1 and body.count('<figure class="visit-photo">') == 2
    explicit = signed_in(world.clinician_b).get(f"{url}?a={world.assessment_b1.pk}&b={later.pk}")
    assert explicit.status_code == 200
    for bad in ("?a=999999&b=1", "?a=x", "?treatment=999999", f"?a={world.assessment_a1.pk}&b={later.pk}"):
        assert signed_in(world.clinician_b).get(url + bad).status_code == 404, bad


def test_a_treatment_opens_the_visits_around_it(world: World) -> None:
    later = _second_visit(world, 10)
    toxin = Treatment.objects.create(episode=world.episode_b1, kind="botulinum_toxin", name="botulinum_toxin",
                                     start=world.assessment_b1.taken_on + timedelta(days=3), muscle="mentalis",
                                     side="left", units=5)
    client = signed_in(world.clinician_b)
    patient_page = client.get(reverse("clinic:patient", kwargs={"pk": world.patient_b1.pk})).content.decode()
    link = f"/patients/{world.patient_b1.pk}/compare/?treatment={toxin.pk}"
    assert link in patient_page
    body = client.get(link).content.decode()
    assert f'value="{world.assessment_b1.pk}" selected' in body and f'value="{later.pk}" selected' in body
    assert "Before and after <strong>Botulinum toxin</strong>" in body
    early = Treatment.objects.create(episode=world.episode_b1, kind="medication", name="prednisolone",
                                     start=world.episode_b1.onset_date)
    assert "no visit on both sides" in client.get(
        f"/patients/{world.patient_b1.pk}/compare/?treatment={early.pk}").content.decode()


def test_printable_report_has_the_record_and_a_print_stylesheet(world: World) -> None:
    _second_visit(world)
    Treatment.objects.create(episode=world.episode_b1, kind="medication", name="vitamin_b1",
                             start=world.episode_b1.onset_date, dose="100 mg")
    client = signed_in(world.user_b1)  # the patient reads their own report
    body = client.get(reverse("clinic:report", kwargs={"pk": world.patient_b1.pk})).content.decode()
    text = visible_text(body)
    assert "Facial palsy report — B-001" in text and "Latest assessment" in text and "Vitamin B1" in text
    assert "House–Brackmann III" in text and "<svg" in body and "Brow height" in text
    plain = visible_text(client.get(reverse("clinic:report", kwargs={"pk": world.patient_b1.pk})
                                    + "?version=patient").content.decode())
    assert "Your facial palsy: summary" in plain and "Alerts" not in plain
    css = Client().get("/static/facenerve/app.css")
    assert b"@media print" in b"".join(css.streaming_content)


def test_fhir_export_of_the_patients_course(world: World) -> None:
    _second_visit(world)
    reply = signed_in(world.clinician_b).get(f"/api/patients/{world.patient_b1.pk}/fhir")
    assert reply.status_code == 200
    doc = reply.json()
    kinds = [e["resource"]["resourceType"] for e in doc["entry"]]
    assert doc["resourceType"] == "Bundle" and kinds.count("DiagnosticReport") == 2
    patient = doc["entry"][0]["resource"]
    assert patient["identifier"][0]["value"] == "B-001" and patient["birthDate"] == "1970-05-01"
    urls = {e["fullUrl"] for e in doc["entry"]}
    for entry in doc["entry"]:
        subject = entry["resource"].get("subject")
        assert subject is None or subject["reference"] in urls
    assert signed_in(world.clinician_a).get(f"/api/patients/{world.patient_b1.pk}/fhir").status_code == 404
