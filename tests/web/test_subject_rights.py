"""Data subject rights (issue 21): export everything about one patient; erase a patient, keeping only the fact."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from facenerve.web.audit.models import AuditEvent
from facenerve.web.clinic.models import Assessment, AssessmentPhoto, Episode, Patient
from facenerve.web.storage import default_store
from facenerve.web.subject import SubjectError, erase_patient, export_patient

from .conftest import World


def test_export_holds_the_record_the_account_the_images_and_who_looked(world: World, tmp_path: Path) -> None:
    client = Client()
    client.force_login(world.clinician_b)
    client.get(reverse("clinic:patient", kwargs={"pk": world.patient_b1.pk}))
    document = export_patient("B-001", tmp_path / "out", default_store())
    on_disk = json.loads((tmp_path / "out" / "patient.json").read_text())
    assert on_disk["schema"] == document["schema"] == "facenerve.patient-export/1"
    assert on_disk["patient"]["identifier"] == "B-001" and on_disk["account"]["username"] == "pat-b1"
    photo = on_disk["episodes"][0]["assessments"][0]["photos"][0]
    images = {p.name for p in (tmp_path / "out" / "images").iterdir()}
    assert images == {photo["image_sha256"], photo["annotated_sha256"]}
    assert [a["user"] for a in on_disk["accesses"]] == ["clin-b"]
    assert AuditEvent.objects.filter(action="export", object_id=str(world.patient_b1.pk)).count() == 1
    with pytest.raises(SubjectError, match="not an empty folder"):
        export_patient("B-001", tmp_path / "out", default_store())
    with pytest.raises(SubjectError, match="no patient"):
        export_patient("NOBODY", tmp_path / "other", default_store())


def test_erase_removes_rows_account_and_images_and_keeps_the_fact(world: World) -> None:
    store = default_store()
    photo = world.photo_b1
    kept: dict[str, Any] = {d: store.read(d) for d in (photo.image_sha256, photo.annotated_sha256)}
    patient_id = world.patient_b1.pk
    try:
        assert erase_patient("B-001", store) == 2
        assert not Patient.objects.filter(pk=patient_id).exists()
        assert not Episode.objects.filter(patient_id=patient_id).exists()
        assert not Assessment.objects.filter(pk=world.assessment_b1.pk).exists()
        assert not AssessmentPhoto.objects.filter(pk=photo.pk).exists()
        assert not get_user_model().objects.filter(username="pat-b1").exists()
        assert all(not store.path_of(d).exists() for d in kept)
        assert Patient.objects.filter(identifier="A-001").exists()
        event = AuditEvent.objects.get(action="erase")
        assert (event.object_type, event.object_id) == ("patient", str(patient_id))
    finally:
        for data in kept.values():
            store.put(data)  # the session's shared test images


def _web(args: list[str], data: Path) -> Any:
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith("FACENERVE_") and k != "DATABASE_URL"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env["FACENERVE_DATA_DIR"] = str(data)
    return subprocess.run([sys.executable, "-m", "facenerve", "web", *args], env=env, capture_output=True, text=True,
                          timeout=120, check=False)


@pytest.mark.parametrize("args", [["patient-erase", "B-001"], ["patient-erase", "NOBODY", "--yes"],
                                  ["patient-export", "NOBODY", "/tmp/facenerve-never"]])
def test_the_commands_refuse_in_one_line(tmp_path: Path, args: list[str]) -> None:
    done = _web(args, tmp_path / "data")
    assert done.returncode == 2 and "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1
