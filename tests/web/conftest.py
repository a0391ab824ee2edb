"""Web test setup: Django settings from the environment, a throwaway data folder, and a small clinic world.

The world has two care teams (A, B), a clinician in each, two patients in A, one in B, patient users for
A1 and B1, and an administrator; B1 has a photo assessment so cross-access to images can be tried.
"""

from __future__ import annotations

import io
import os
import secrets
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, time, timedelta
from pathlib import Path
from typing import Any

import pytest

_DATA_DIR = Path(tempfile.mkdtemp(prefix="facenerve-web-test-"))
os.environ["FACENERVE_DATA_DIR"] = str(_DATA_DIR)
os.environ.setdefault("FACENERVE_SECRET_KEY", secrets.token_urlsafe(50))
os.environ["DJANGO_SETTINGS_MODULE"] = "facenerve.web.settings"

import django  # noqa: E402

django.setup()

from django.test import Client  # noqa: E402

from .browser import browser  # noqa: E402, F401  (the Chromium fixture of the browser tests)

_plain_force_login = Client.force_login


def _force_login_past_second_factor(self: Client, user: Any, backend: str | None = None) -> None:
    """``force_login`` skips the password; for users who must use a second factor it skips that too (marks the
    session verified with a recovery-code device). The two-factor tests log in for real, through both steps."""
    _plain_force_login(self, user, backend)
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_static.models import StaticDevice

    from facenerve.web.accounts import twofactor
    from facenerve.web.accounts.pending import NO_SECOND_STEP

    session = self.session
    if twofactor.required(user):
        device, _ = StaticDevice.objects.get_or_create(user=user, name="test-force-login", confirmed=True)
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    else:
        session[NO_SECOND_STEP] = True  # as the login view marks a session that needed no second factor
    session.save()


Client.force_login = _force_login_past_second_factor  # type: ignore[method-assign]

def run_web(args: list[str], data_dir: Path, stdin: str = "") -> subprocess.CompletedProcess[str]:
    """``facenerve web ARGS`` in a child process on the data folder ``data_dir`` (its own SQLite database)."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env["FACENERVE_DATA_DIR"] = str(data_dir)
    return subprocess.run([sys.executable, "-m", "facenerve", "web", *args], input=stdin, env=env,
                          capture_output=True, text=True, timeout=300, check=False)


def signed_in(user: Any) -> Client:
    """A test client signed in as ``user`` (past a second factor it would need)."""
    client = Client()
    client.force_login(user)
    return client


ARTIFACTS = Path(os.environ.get("FACENERVE_TEST_ARTIFACTS", Path(__file__).resolve().parents[2] / "test-artifacts"))


@pytest.fixture(scope="session")
def face_jpeg() -> bytes:
    """The astronaut face photo (scikit-image) as JPEG bytes."""
    from PIL import Image

    from tests.synth.faces import face_photo

    buffer = io.BytesIO()
    Image.fromarray(face_photo("astronaut")).save(buffer, format="JPEG", quality=92)
    return buffer.getvalue()


@pytest.fixture(scope="session")
def analysed_faces(face_jpeg: bytes) -> list[Any]:
    """The astronaut photo and its mirror image, each analysed and stored once (real engine, real store)."""
    from django.conf import settings
    from PIL import Image

    from facenerve.protocol import Expression
    from facenerve.web.clinic.photos import analyse_session
    from facenerve.web.storage import default_store

    mirrored = io.BytesIO()
    Image.open(io.BytesIO(face_jpeg)).transpose(Image.Transpose.FLIP_LEFT_RIGHT).save(mirrored, format="JPEG")
    return [
        analyse_session(
            {Expression.SMILE_OPEN: (name, data)}, default_store(), landmark_passes=settings.FACENERVE_LANDMARK_PASSES
        )
        for name, data in (("face.jpg", face_jpeg), ("mirror.jpg", mirrored.getvalue()))
    ]


@dataclass
class World:
    team_a: Any
    team_b: Any
    clinician_a: Any
    clinician_b: Any
    patient_a1: Any
    patient_a2: Any
    patient_b1: Any
    user_a1: Any
    user_b1: Any
    admin: Any
    episode_a1: Any
    episode_b1: Any
    assessment_a1: Any
    assessment_b1: Any
    photo_b1: Any


def make_user(username: str, role: str, patient: Any = None) -> Any:
    """A user with a role and an unusable password (tests log in with force_login)."""
    from django.contrib.auth import get_user_model

    from facenerve.web.accounts.models import Profile

    user = get_user_model().objects.create(username=username, is_staff=role == "admin", is_superuser=role == "admin")
    user.set_unusable_password()
    user.save()
    Profile.objects.create(user=user, role=role, patient=patient)
    return user


def make_patient(identifier: str, team: Any, onset_days_ago: int = 30) -> tuple[Any, Any]:
    from facenerve.web.clinic.models import Episode, Patient

    patient = Patient.objects.create(identifier=identifier, birth_date=date(1970, 5, 1), sex="female", care_team=team)
    episode = Episode.objects.create(patient=patient, onset_date=date.today() - timedelta(days=onset_days_ago),
                                     side="left", cause="bells", complete_at_onset=True)
    return patient, episode


@pytest.fixture
def world(db: Any, analysed_faces: list[Any]) -> Iterator[World]:
    """The clinic world; the shared stored images a test deletes (a record's delete removes them) come back after."""
    from facenerve.web.storage import default_store

    store = default_store()
    images = {d: store.read(d) for face in analysed_faces for p in face.photos
              for d in (p.image_sha256, p.annotated_sha256) if d}
    yield _world(analysed_faces)
    for digest, data in images.items():
        if not store.path_of(digest).exists():
            store.put(data)


def _world(analysed_faces: list[Any]) -> World:
    from facenerve.web.clinic.models import Assessment, AssessmentPhoto, CareTeam, CareTeamMember

    team_a = CareTeam.objects.create(name="Team A")
    team_b = CareTeam.objects.create(name="Team B")
    clinician_a = make_user("clin-a", "clinician")
    clinician_b = make_user("clin-b", "clinician")
    CareTeamMember.objects.create(team=team_a, user=clinician_a, role="neurologist")
    CareTeamMember.objects.create(team=team_b, user=clinician_b, role="ent")
    patient_a1, episode_a1 = make_patient("A-001", team_a)
    patient_a2, _ = make_patient("A-002", team_a)
    patient_b1, episode_b1 = make_patient("B-001", team_b)
    assessments = {}
    photos = {}
    for key, episode, analysed_face in (("a1", episode_a1, analysed_faces[0]), ("b1", episode_b1, analysed_faces[1])):
        stored = analysed_face.photos[0]
        assessments[key] = Assessment.objects.create(
            episode=episode, taken_on=date.today() - timedelta(days=2),
            asymmetry_index_mm=analysed_face.asymmetry_index_mm, affected_side=analysed_face.affected_side,
        )
        photos[key] = AssessmentPhoto.objects.create(
            assessment=assessments[key], expression=stored.expression.value, image_sha256=stored.image_sha256,
            annotated_sha256=stored.annotated_sha256, width_px=stored.width_px, height_px=stored.height_px,
            result=stored.result, landmarks=stored.landmarks,
        )
    return World(
        team_a=team_a, team_b=team_b, clinician_a=clinician_a, clinician_b=clinician_b,
        patient_a1=patient_a1, patient_a2=patient_a2, patient_b1=patient_b1,
        user_a1=make_user("pat-a1", "patient", patient_a1), user_b1=make_user("pat-b1", "patient", patient_b1),
        admin=make_user("admin", "admin"), episode_a1=episode_a1, episode_b1=episode_b1,
        assessment_a1=assessments["a1"], assessment_b1=assessments["b1"], photo_b1=photos["b1"],
    )


def full_course(w: World) -> None:
    """Give patient B1 an earlier episode, grades from a clinician and from the session, a visit without photos and
    every kind of treatment (listed and typed names, a dose, a botulinum toxin injection)."""
    from facenerve.web.clinic.models import Assessment, Episode, Treatment

    today = date.today()
    w.patient_b1.comorbidities = ["diabetes", "hypertension"]
    w.patient_b1.save()
    Episode.objects.filter(pk=w.episode_b1.pk).update(onset_time=time(7, 30))
    a = w.assessment_b1
    a.house_brackmann, a.sunnybrook_composite, a.eye_closure_complete, a.lagophthalmos_mm = 3, 55.0, False, 2.5
    a.summary_sources = {"house_brackmann": "clinician", "sunnybrook_composite": "clinician"}
    a.save()
    Assessment.objects.create(episode=w.episode_b1, taken_on=today - timedelta(days=20), house_brackmann=4,
                              synkinesis_score=2.0, eface_total=61.5, summary_sources={"house_brackmann": "automated"})
    old = Episode.objects.create(patient=w.patient_b1, onset_date=date(2019, 2, 3), side="right",
                                 cause="ramsay_hunt", complete_at_onset=False, recurrence=True)
    Treatment.objects.create(episode=old, kind="medication", name="valaciclovir", start=date(2019, 2, 3),
                             stop=date(2019, 2, 10), dose="1 g three times daily")
    onset = w.episode_b1.onset_date
    Treatment.objects.create(episode=w.episode_b1, kind="medication", name="prednisolone", start=onset,
                             stop=onset + timedelta(days=9), dose="50 mg daily", notes="with food")
    Treatment.objects.create(episode=w.episode_b1, kind="botulinum_toxin", name="botulinum_toxin",
                             start=today - timedelta(days=1), muscle="mentalis", side="right", units=2.5)
    Treatment.objects.create(episode=w.episode_b1, kind="therapy", name="other:Mirror therapy", start=onset)
