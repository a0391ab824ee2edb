"""Data subject rights: export everything held about one patient (JSON and images), and erase a patient.

Erasure removes the patient's rows (episodes, assessments, photos, treatments, alert dismissals), their user
account, and every stored image no other record names; the audit trail keeps the fact of the erasure (the
patient's record id, who, when), never their data.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.db import transaction
from django.forms.models import model_to_dict

from facenerve.errors import FaceNerveError
from facenerve.web.audit.record import record
from facenerve.web.storage import ImageStore

SCHEMA = "facenerve.patient-export/1"


class SubjectError(FaceNerveError):
    """No such patient, or a target folder that is not empty."""

    code = "bad_subject_request"


def _patient(identifier: str) -> Any:
    from facenerve.web.clinic.models import Patient

    matches = list(Patient.objects.filter(identifier=identifier).select_related("care_team")[:2])
    if not matches:
        raise SubjectError(f"no patient with identifier {identifier!r}")
    if len(matches) > 1:
        raise SubjectError(f"identifier {identifier!r} is used in several care teams (identifiers are per team)")
    return matches[0]


def _row(obj: Any, *drop: str) -> dict[str, Any]:
    data = model_to_dict(obj)
    data["id"] = obj.pk
    return {k: v for k, v in data.items() if k not in drop}


def _photos(patient: Any) -> list[Any]:
    from facenerve.web.clinic.models import AssessmentPhoto

    return list(AssessmentPhoto.objects.filter(assessment__episode__patient=patient).order_by("pk"))


def export_patient(identifier: str, dest: Path, store: ImageStore) -> dict[str, Any]:
    """Write ``dest/patient.json`` (every row about the patient, their account, and who accessed their record)
    and ``dest/images/<sha256>`` (originals and annotated pictures). ``dest`` must be new or empty."""
    from facenerve.web.audit.models import AuditEvent

    patient = _patient(identifier)
    dest = Path(dest)
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise SubjectError(f"{dest} is not an empty folder")
    (dest / "images").mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(dest, 0o700)
    profile = getattr(patient, "user_profile", None)
    episodes = []
    for episode in patient.episodes.order_by("onset_date"):
        episodes.append({
            **_row(episode, "patient"),
            "assessments": [{**_row(a, "episode"), "photos": [_row(p, "assessment") for p in a.photos.all()]}
                            for a in episode.assessments.order_by("taken_on")],
            "treatments": [_row(t, "episode") for t in episode.treatments.order_by("start")],
            "alert_dismissals": [_row(d, "episode") for d in episode.alert_dismissals.all()],
        })
    events = AuditEvent.objects.filter(object_type="patient", object_id=str(patient.pk)).order_by("at")
    document = {
        "schema": SCHEMA, "exported": datetime.now(UTC).isoformat(timespec="seconds"),
        "patient": {**_row(patient), "care_team": patient.care_team.name},
        "account": ({"username": profile.user.username, "email": profile.user.email, "role": profile.role}
                    if profile else None),
        "episodes": episodes,
        "accesses": [{"at": e.at.isoformat(), "user": e.username, "action": e.action, "status": e.status}
                     for e in events],
    }
    digests = set()
    for photo in _photos(patient):
        digests |= {photo.image_sha256, photo.annotated_sha256} - {""}
    for digest in sorted(digests):
        try:
            (dest / "images" / digest).write_bytes(store.read(digest))
        except FileNotFoundError:
            continue
        os.chmod(dest / "images" / digest, 0o600)
    (dest / "patient.json").write_text(json.dumps(document, indent=1, default=str) + "\n", encoding="utf-8")
    os.chmod(dest / "patient.json", 0o600)
    record(None, "command line", "export", "patient", patient.pk, method="CLI", path="patient-export")
    return document


def erase_patient(identifier: str, store: ImageStore) -> int:
    """Erase the patient ``identifier``: rows, account and unshared images go; returns the images removed."""
    from django.db.models import Q

    from facenerve.web.clinic.models import AssessmentPhoto

    patient = _patient(identifier)
    patient_id = patient.pk
    digests = set()
    for photo in _photos(patient):
        digests |= {photo.image_sha256, photo.annotated_sha256} - {""}
    with transaction.atomic():
        profile = getattr(patient, "user_profile", None)
        if profile is not None:
            profile.user.delete()
        patient.delete()
        still_named = set(AssessmentPhoto.objects.filter(Q(image_sha256__in=digests) | Q(annotated_sha256__in=digests))
                          .values_list("image_sha256", "annotated_sha256").distinct().iterator())
        shared = {d for pair in still_named for d in pair}
        record(None, "command line", "erase", "patient", patient_id, method="CLI", path="patient-erase")
    removed = 0
    for digest in sorted(digests - shared):
        try:
            store.path_of(digest).unlink()
            removed += 1
        except FileNotFoundError:
            continue
    return removed
