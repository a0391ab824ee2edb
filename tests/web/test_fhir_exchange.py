"""FHIR exchange (issue 20): the Bundle of a real patient validates (fhir.resources, R4B); importing it into an empty
database gives the same records; ``facenerve web import-fhir`` and its one-line errors."""

from __future__ import annotations

import json
from datetime import date, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from facenerve.interop.fhir_import import read_bundle
from facenerve.web.clinic.imports import import_course
from facenerve.web.clinic.models import Assessment, Episode, Patient, Treatment
from facenerve.web.clinic.services import InputError
from tests.interop.test_fhir import COURSE, normalised, validate

from .conftest import World, full_course, run_web, signed_in


def _fhir(w: World) -> dict[str, Any]:
    response = signed_in(w.clinician_b).get(f"/api/patients/{w.patient_b1.pk}/fhir")
    assert response.status_code == 200
    doc: dict[str, Any] = response.json()
    return doc


def _rows(patient: Patient) -> tuple[int, int, int]:
    return (Episode.objects.filter(patient=patient).count(),
            Assessment.objects.filter(episode__patient=patient).count(),
            Treatment.objects.filter(episode__patient=patient).count())


def test_the_bundle_of_a_real_patient_validates(world: World) -> None:
    full_course(world)
    parsed = validate(_fhir(world))
    kinds = [type(e.resource).__name__ for e in parsed.entry]
    assert kinds.count("Condition") == 2 and kinds.count("DiagnosticReport") == 2
    assert kinds.count("MedicationStatement") == 2 and kinds.count("Procedure") == 2
    photo = next(e.resource for e in parsed.entry if type(e.resource).__name__ == "Observation"
                 and e.resource.code.coding[0].code.startswith("smile_open."))
    assert {c.valueQuantity.system for c in photo.component} == {"http://unitsofmeasure.org"}


def test_round_trip_through_an_empty_database(world: World) -> None:
    full_course(world)
    first = _fhir(world)
    counts = _rows(world.patient_b1)
    Patient.objects.filter(pk=world.patient_b1.pk).delete()
    assert not Patient.objects.filter(identifier="B-001").exists()
    patient = import_course(read_bundle(json.loads(json.dumps(first))), world.team_b)
    assert _rows(patient) == counts
    world.patient_b1 = patient
    second = _fhir(world)
    assert second != first  # new rows, new ids ...
    assert normalised(second) == normalised(first)  # ... the same records
    assert patient.comorbidities == ["diabetes", "hypertension"]
    episodes = Episode.objects.filter(patient=patient).order_by("onset_date")
    assert [(e.onset_time, e.recurrence) for e in episodes] == [(None, True), (time(7, 30), False)]
    client = signed_in(world.clinician_b)  # the imported records show (no photos: their measures are in the exports)
    assert client.get(reverse("clinic:patient", kwargs={"pk": patient.pk})).status_code == 200
    for assessment in Assessment.objects.filter(episode__patient=patient):
        assert client.get(reverse("clinic:assessment", kwargs={"pk": assessment.pk})).status_code == 200


def test_import_refuses_a_taken_identifier_and_writes_nothing_on_a_bad_record(world: World) -> None:
    full_course(world)
    course = read_bundle(_fhir(world))
    with pytest.raises(InputError, match="already exists in care team 'Team B'") as caught:
        import_course(course, world.team_b)
    assert caught.value.status == 409
    before = (Patient.objects.count(), Episode.objects.count(), Assessment.objects.count(), Treatment.objects.count())
    course["patient"]["identifier"] = "B-IMPORTED"
    course["treatments"][-1]["start"] = (date.today() + timedelta(days=3)).isoformat()
    with pytest.raises(InputError, match="in the future"):
        import_course(course, world.team_b)
    assert (Patient.objects.count(), Episode.objects.count(), Assessment.objects.count(),
            Treatment.objects.count()) == before


def _one_assessment(w: World, **figures: Any) -> dict[str, Any]:
    """B1's course read back from its Bundle under a new identifier, its one assessment given ``figures``."""
    course = read_bundle(_fhir(w))
    course["patient"]["identifier"] = "B-NEW"
    course["assessments"][0].update(figures)
    return course


@pytest.mark.parametrize(("key", "value"), [("sunnybrook_composite", -15.0), ("sunnybrook_composite", -3.0),
                                            ("sunnybrook_composite", 100.0), ("eface_total", 0.0),
                                            ("synkinesis_score", 15.0), ("house_brackmann", 6),
                                            ("lagophthalmos_mm", 30.0)])
def test_every_value_a_scale_can_give_is_imported(world: World, key: str, value: float) -> None:
    """A Sunnybrook composite below 0 is what the scale gives (voluntary 20 − resting 20 − synkinesis 15 = −15)."""
    patient = import_course(_one_assessment(world, **{key: value}), world.team_b)
    assert Assessment.objects.filter(episode__patient=patient, **{key: value}).exists()


@pytest.mark.parametrize(("key", "value", "message"), [
    ("sunnybrook_composite", -16.0, "Sunnybrook composite of .* is -16, outside -15 to 100"),
    ("eface_total", 100.5, "eFACE total of .* outside 0 to 100"),
    ("synkinesis_score", 16.0, r"Synkinesis \(Sunnybrook\) of .* outside 0 to 15"),
    ("house_brackmann", 7, "House–Brackmann grade of .* is 7, outside I–VI"),
    ("lagophthalmos_mm", 31.0, "Lagophthalmos of .* is 31 mm, outside 0 to 30"),
    ("asymmetry_index_mm", float("nan"), "Asymmetry index of .* is not a finite number"),
    ("eface_total", float("inf"), "eFACE total of .* is not a finite number"),
])
def test_a_value_outside_its_scale_is_refused(world: World, key: str, value: float, message: str) -> None:
    with pytest.raises(InputError, match=f"^{message}$"):
        import_course(_one_assessment(world, **{key: value}), world.team_b)
    assert not Patient.objects.filter(identifier="B-NEW").exists()


@pytest.mark.parametrize(("metric", "message"), [
    ({"left": float("nan"), "right": 20.0, "unit": "mm"}, r"^Brow height \(Rest\), patient's left is not a finite"),
    ({"left": 20.0, "right": 1e6, "unit": "mm"}, r"^Brow height \(Rest\), patient's right, is 1e\+06 mm: outside"),
    ({"left": 20.0, "right": 21.0, "unit": "mm2"}, r"^Brow height \(Rest\) must be in mm, not mm²$"),
])
def test_photo_measures_must_be_finite_plausible_and_in_their_unit(world: World, metric: dict[str, Any],
                                                                   message: str) -> None:
    with pytest.raises(InputError, match=message):
        import_course(_one_assessment(world, photos={"rest": {"brow_height": metric}}), world.team_b)
    with pytest.raises(InputError, match=r"^the Bundle holds a photo measure FaceNerve does not take: Chin height"):
        import_course(_one_assessment(world, photos={"rest": {"chin_height": metric}}), world.team_b)


def test_only_a_taken_identifier_is_already_exists(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """Another broken database rule is a one-line 400, never a false "already exists" 409."""
    from django.db import IntegrityError

    course = _one_assessment(world)

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise IntegrityError("NOT NULL constraint failed: clinic_episode.side\nDETAIL: more")

    monkeypatch.setattr(Episode.objects, "create", broken)
    with pytest.raises(InputError) as caught:
        import_course(course, world.team_b)
    assert caught.value.status == 400 and "already exists" not in str(caught.value)
    assert str(caught.value).startswith("a record breaks a rule of the database")
    assert "clinic_episode" not in str(caught.value)  # the database's own names go to the log, not to the person
    monkeypatch.setattr(Patient.objects, "create", broken)
    with pytest.raises(InputError, match="breaks a rule") as caught:
        import_course(course, world.team_b)
    assert caught.value.status == 400
    assert not Patient.objects.filter(identifier="B-NEW").exists()


def test_imported_figures_show_their_provenance_and_stay_estimates_for_the_care_pathway(world: World) -> None:
    """An imported automated grade shows no "automated estimate" badge with no derivation behind it, but "imported
    from another record; derivation not available"; for the care pathway it is still an automated estimate (it never
    settles a concern), a clinician's imported grade a clinician's; the export gives the original methods back."""
    from facenerve.web.clinic.care_bridge import assessment_facts

    full_course(world)
    patient = import_course(_one_assessment(world), world.team_b)
    rows = {a.taken_on: a for a in Assessment.objects.filter(episode__patient=patient)}
    earlier, later = sorted(rows.values(), key=lambda a: a.taken_on)
    assert earlier.summary_sources == {"house_brackmann": "imported", "synkinesis_score": "imported_unstated",
                                       "eface_total": "imported_unstated"}
    assert later.summary_sources["house_brackmann"] == "imported_clinician"
    assert later.summary_sources["eye_closure_complete"] == "imported_unstated"
    assert assessment_facts(earlier).automated == {"house_brackmann", "synkinesis_score", "eface_total"}
    assert "house_brackmann" not in assessment_facts(later).automated
    assert {"eye_closure_complete", "lagophthalmos_mm"} <= assessment_facts(later).automated
    client = signed_in(world.clinician_b)
    page = client.get(reverse("clinic:assessment", kwargs={"pk": earlier.pk})).content.decode()
    assert "imported from another record; derivation not available" in page and "automated estimate</span>" not in page
    listing = client.get(reverse("clinic:patient", kwargs={"pk": patient.pk})).content.decode()
    assert ">imported</sup>" in listing and ">auto</sup>" not in listing
    doc = client.get(f"/api/patients/{patient.pk}/fhir").json()
    methods = sorted(o["resource"]["method"]["coding"][0]["code"] for o in doc["entry"]
                     if o["resource"].get("method"))
    assert methods == ["automated", "clinician", "clinician"]


# --- the command line ----------------------------------------------------------------------------------------------



@pytest.fixture(scope="module")
def cli_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated database with the care team "ENT clinic"."""
    folder = tmp_path_factory.mktemp("import-fhir")
    done = run_web(["createuser", "dr-x", "--role", "clinician", "--team", "ENT clinic", "--password-stdin"],
                      folder, "a sufficiently long pass phrase 7\n")
    assert done.returncode == 0, done.stderr
    return folder


def test_import_fhir_command(cli_db: Path) -> None:
    from facenerve.interop.fhir import bundle

    path = cli_db / "course.json"
    path.write_text(json.dumps(bundle(COURSE)))
    done = run_web(["import-fhir", str(path), "--team", "ENT clinic"], cli_db)
    assert done.returncode == 0, done.stderr
    assert "imported patient DEMO-001 into care team ENT clinic: 2 episodes, 1 assessments, 3 treatments" in done.stdout
    again = run_web(["import-fhir", str(path), "--team", "ENT clinic"], cli_db)
    assert again.returncode == 2
    assert again.stderr.strip().endswith("a patient with identifier 'DEMO-001' already exists in care team "
                                         "'ENT clinic'")


@pytest.mark.parametrize(("content", "team", "message"), [
    ("{not json", "ENT clinic", "is not JSON"),
    ('{"resourceType": "Patient"}', "ENT clinic", "not a FHIR Bundle"),
    ('{"resourceType": "Bundle", "entry": []}', "ENT clinic", "the Bundle has no entries"),
    (None, "No such team", "no care team named 'No such team'"),
    ('{"resourceType": "Bundle", "total": ' + "9" * 5000 + "}", "ENT clinic", "a number in it has too many digits"),
    ("[" * 100_000 + "]" * 100_000, "ENT clinic", "nested too deeply"),
    ("OVERFLOW", "ENT clinic", "Sunnybrook composite: the value is not a finite number"),
    ("NAN", "ENT clinic", "Sunnybrook composite: the value is not a finite number"),
])
def test_import_fhir_errors_are_one_line(cli_db: Path, content: str | None, team: str, message: str) -> None:
    from facenerve.interop.fhir import bundle

    path = cli_db / "bad.json"
    other = json.dumps(bundle({**COURSE, "patient": {**COURSE["patient"], "identifier": "OTHER-1"}}))
    if content in ("OVERFLOW", "NAN"):  # a float() OverflowError (400 digits), a NaN
        content = other.replace('"value": 44.0', '"value": ' + ("1" + "0" * 400 if content == "OVERFLOW" else "NaN"))
    path.write_text(content if content is not None else other)
    done = run_web(["import-fhir", str(path), "--team", team], cli_db)
    assert done.returncode == 2
    assert message in done.stderr and done.stderr.startswith("error: import-fhir: ")
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1
