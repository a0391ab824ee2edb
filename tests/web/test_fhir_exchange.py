"""FHIR exchange (issue 20): the Bundle of a real patient validates (fhir.resources, R4B); importing it into an empty
database gives the same records; ``facenerve web import-fhir`` and its one-line errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from facenerve.interop.fhir_import import read_bundle
from facenerve.web.clinic.imports import import_course
from facenerve.web.clinic.models import Assessment, Episode, Patient, Treatment
from facenerve.web.clinic.services import InputError
from tests.interop.test_fhir import COURSE, normalised, validate

from .conftest import World


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _full_course(w: World) -> None:
    """Give patient B1 an earlier episode, grades from a clinician and from the session, a visit without photos and
    every kind of treatment (listed and typed names, a dose, a botulinum toxin injection)."""
    today = date.today()
    a = w.assessment_b1
    a.house_brackmann, a.sunnybrook_composite, a.eye_closure_complete, a.lagophthalmos_mm = 3, 55.0, False, 2.5
    a.summary_sources = {"house_brackmann": "clinician", "sunnybrook_composite": "clinician"}
    a.save()
    Assessment.objects.create(episode=w.episode_b1, taken_on=today - timedelta(days=20), house_brackmann=4,
                              synkinesis_score=2.0, eface_total=61.5, summary_sources={"house_brackmann": "automated"})
    old = Episode.objects.create(patient=w.patient_b1, onset_date=date(2019, 2, 3), side="right",
                                 cause="ramsay_hunt", complete_at_onset=False)
    Treatment.objects.create(episode=old, kind="medication", name="valaciclovir", start=date(2019, 2, 3),
                             stop=date(2019, 2, 10), dose="1 g three times daily")
    onset = w.episode_b1.onset_date
    Treatment.objects.create(episode=w.episode_b1, kind="medication", name="prednisolone", start=onset,
                             stop=onset + timedelta(days=9), dose="50 mg daily", notes="with food")
    Treatment.objects.create(episode=w.episode_b1, kind="botulinum_toxin", name="botulinum_toxin",
                             start=today - timedelta(days=1), muscle="mentalis", side="right", units=2.5)
    Treatment.objects.create(episode=w.episode_b1, kind="therapy", name="other:Mirror therapy", start=onset)


def _fhir(w: World) -> dict[str, Any]:
    response = _client(w.clinician_b).get(f"/api/patients/{w.patient_b1.pk}/fhir")
    assert response.status_code == 200
    doc: dict[str, Any] = response.json()
    return doc


def _rows(patient: Patient) -> tuple[int, int, int]:
    return (Episode.objects.filter(patient=patient).count(),
            Assessment.objects.filter(episode__patient=patient).count(),
            Treatment.objects.filter(episode__patient=patient).count())


def test_the_bundle_of_a_real_patient_validates(world: World) -> None:
    _full_course(world)
    parsed = validate(_fhir(world))
    kinds = [type(e.resource).__name__ for e in parsed.entry]
    assert kinds.count("Condition") == 2 and kinds.count("DiagnosticReport") == 2
    assert kinds.count("MedicationStatement") == 2 and kinds.count("Procedure") == 2
    photo = next(e.resource for e in parsed.entry if type(e.resource).__name__ == "Observation"
                 and e.resource.code.coding[0].code.startswith("smile_open."))
    assert {c.valueQuantity.system for c in photo.component} == {"http://unitsofmeasure.org"}


def test_round_trip_through_an_empty_database(world: World) -> None:
    _full_course(world)
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
    client = _client(world.clinician_b)  # the imported records show (no photos: their measures are in the exports)
    assert client.get(reverse("clinic:patient", kwargs={"pk": patient.pk})).status_code == 200
    for assessment in Assessment.objects.filter(episode__patient=patient):
        assert client.get(reverse("clinic:assessment", kwargs={"pk": assessment.pk})).status_code == 200


def test_import_refuses_a_taken_identifier_and_writes_nothing_on_a_bad_record(world: World) -> None:
    _full_course(world)
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


# --- the command line ----------------------------------------------------------------------------------------------

def _facenerve(args: list[str], data_dir: Path, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env["FACENERVE_DATA_DIR"] = str(data_dir)
    return subprocess.run([sys.executable, "-m", "facenerve", "web", *args], input=stdin, env=env,
                          capture_output=True, text=True, timeout=300, check=False)


@pytest.fixture(scope="module")
def cli_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated database with the care team "ENT clinic"."""
    folder = tmp_path_factory.mktemp("import-fhir")
    done = _facenerve(["createuser", "dr-x", "--role", "clinician", "--team", "ENT clinic", "--password-stdin"],
                      folder, "a sufficiently long pass phrase 7\n")
    assert done.returncode == 0, done.stderr
    return folder


def test_import_fhir_command(cli_db: Path) -> None:
    from facenerve.interop.fhir import bundle

    path = cli_db / "course.json"
    path.write_text(json.dumps(bundle(COURSE)))
    done = _facenerve(["import-fhir", str(path), "--team", "ENT clinic"], cli_db)
    assert done.returncode == 0, done.stderr
    assert "imported patient DEMO-001 into care team ENT clinic: 2 episodes, 1 assessments, 3 treatments" in done.stdout
    again = _facenerve(["import-fhir", str(path), "--team", "ENT clinic"], cli_db)
    assert again.returncode == 2
    assert again.stderr.strip().endswith("a patient with identifier 'DEMO-001' already exists in care team "
                                         "'ENT clinic'")


@pytest.mark.parametrize(("content", "team", "message"), [
    ("{not json", "ENT clinic", "is not JSON"),
    ('{"resourceType": "Patient"}', "ENT clinic", "not a FHIR Bundle"),
    ('{"resourceType": "Bundle", "entry": []}', "ENT clinic", "the Bundle has no entries"),
    (None, "No such team", "no care team named 'No such team'"),
])
def test_import_fhir_errors_are_one_line(cli_db: Path, content: str | None, team: str, message: str) -> None:
    from facenerve.interop.fhir import bundle

    path = cli_db / "bad.json"
    path.write_text(content if content is not None else json.dumps(bundle({**COURSE, "patient": {
        **COURSE["patient"], "identifier": "OTHER-1"}})))
    done = _facenerve(["import-fhir", str(path), "--team", team], cli_db)
    assert done.returncode == 2
    assert message in done.stderr and done.stderr.startswith("error: import-fhir: ")
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1
