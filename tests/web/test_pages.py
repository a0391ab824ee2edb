"""Pages with real data: the photo session upload (real engine), wrong uploads, treatments, scale forms."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from facenerve.web.clinic.models import Assessment, AssessmentPhoto, Treatment
from facenerve.web.storage import default_store

from ..conftest import png_header_only
from .conftest import World, signed_in


def _upload(client: Client, world: World, files: dict[str, tuple[str, bytes]], *, xhr: bool = False,
            taken_on: str | None = None) -> Any:
    data: dict[str, Any] = {"taken_on": taken_on or date.today().isoformat()}
    for field, (name, content) in files.items():
        data[field] = SimpleUploadedFile(name, content)
    extra = {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"} if xhr else {}
    return client.post(reverse("clinic:assessment_new", kwargs={"pk": world.patient_a1.pk}), data, **extra)


def test_upload_analyses_stores_and_shows_the_result(world: World, face_jpeg: bytes) -> None:
    client = signed_in(world.clinician_a)
    files = {"photo_smile_open": ("smile.jpg", face_jpeg), "photo_rest": ("rest.jpg", face_jpeg)}
    response = _upload(client, world, files)
    assert response.status_code == 302
    assessment = Assessment.objects.latest("id")
    assert assessment.episode == world.episode_a1
    assert assessment.asymmetry_index_mm is not None and 0 <= assessment.asymmetry_index_mm < 3  # a near-symmetric face
    photos = {p.expression: p for p in assessment.photos.all()}
    assert set(photos) == {"smile_open", "rest"}
    store = default_store()
    for photo in photos.values():
        assert store.read(photo.image_sha256) == face_jpeg  # the original, byte for byte
        assert store.read(photo.annotated_sha256).startswith(b"\x89PNG")
        assert photo.result["schema"] == "facenerve.photo/1" and photo.result["error"] is None
        assert photo.result["landmark_passes"] == 3  # the web's default: steadier serial measures
        assert store.path_of(photo.image_sha256).name == photo.image_sha256
    page = client.get(response["Location"])
    body = page.content.decode()
    assert page.status_code == 200
    assert body.count('class="annotated"') == 1  # the chosen photo, large; the session as a contact sheet
    assert body.count('<li data-expression=') == 2
    assert body.count("Landmarks by MediaPipe Face Mesh (478 points), 3 passes per region; scale ") == 1
    side_line = re.search(r'<p class="photo-asymmetry">(.*?)</p>', body, re.S)
    assert side_line and ("(0 = within normal asymmetry)" in side_line.group(1)
                          or "within normal asymmetry (severity 0)" in side_line.group(1))
    calls = ("weaker side: patient&#x27;s", "no side beyond", "leans toward the patient&#x27;s")
    assert sum(call in side_line.group(1) for call in calls) == 1
    assert "2 photos are the same picture (Rest, Open-mouth smile)" in body  # one photo uploaded twice
    smile = client.get(response["Location"] + "?photo=smile_open").content.decode()
    assert '<h2>Open-mouth smile' in smile and "from the session&#x27;s rest photo" in smile and "by hand" not in smile
    image = client.get(reverse("clinic:image", kwargs={"sha256": photos["rest"].annotated_sha256}))
    assert image["Content-Type"] == "image/png"
    assert Image.open(io.BytesIO(image.content)).size[0] > 800


def test_landmark_passes_follow_the_setting(world: World, settings: Any, face_jpeg: bytes) -> None:
    settings.FACENERVE_LANDMARK_PASSES = 1
    response = _upload(signed_in(world.clinician_a), world, {"photo_rest": ("rest.jpg", face_jpeg)})
    assert response.status_code == 302
    photo = Assessment.objects.latest("id").photos.get()
    assert photo.result["landmark_passes"] == 1
    body = signed_in(world.clinician_a).get(response["Location"]).content.decode()
    assert "Landmarks by MediaPipe Face Mesh (478 points), 1 pass per region" in body


def test_upload_by_xhr_answers_json(world: World, face_jpeg: bytes) -> None:
    response = _upload(signed_in(world.clinician_a), world, {"photo_rest": ("r.jpg", face_jpeg)}, xhr=True)
    assert response.status_code == 201
    assert response.json()["redirect"] == reverse("clinic:assessment", kwargs={"pk": response.json()["assessment"]})


@pytest.mark.parametrize(
    ("files", "status", "message"),
    [
        ({}, 400, "choose at least one photo"),
        ({"photo_rest": ("notes.jpg", b"this is not an image\n")}, 400, "not an image"),
        ({"photo_rest": ("empty.jpg", b"")}, 400, "empty"),
        ({"photo_rest": ("bomb.png", png_header_only(40000, 40000))}, 400, "larger than"),
    ],
)
def test_wrong_uploads_are_refused_with_a_message(world: World, files: dict[str, Any], status: int,
                                                 message: str) -> None:
    before = (Assessment.objects.count(), AssessmentPhoto.objects.count())
    response = _upload(signed_in(world.clinician_a), world, files, xhr=True)
    assert response.status_code == status
    assert message in response.json()["error"]
    assert (Assessment.objects.count(), AssessmentPhoto.objects.count()) == before


def test_gif_and_tiny_images_are_refused(world: World) -> None:
    gif, tiny = io.BytesIO(), io.BytesIO()
    Image.new("RGB", (200, 200)).save(gif, format="GIF")
    Image.new("RGB", (8, 8)).save(tiny, format="PNG")
    client = signed_in(world.clinician_a)
    assert "unsupported image format GIF" in _upload(client, world, {"photo_rest": ("a.gif", gif.getvalue())},
                                                     xhr=True).json()["error"]
    tiny_reply = _upload(client, world, {"photo_rest": ("t.png", tiny.getvalue())}, xhr=True)
    assert "at least 64 px" in tiny_reply.json()["error"]


def test_photo_without_a_face_is_422(world: World) -> None:
    blank = io.BytesIO()
    Image.new("RGB", (640, 480), (120, 130, 140)).save(blank, format="JPEG")
    response = _upload(signed_in(world.clinician_a), world, {"photo_rest": ("wall.jpg", blank.getvalue())}, xhr=True)
    assert response.status_code == 422
    assert "no photo could be measured" in response.json()["error"]
    # Nothing is kept on disk for a refused upload: no patient photo without its assessment.
    import hashlib

    assert not default_store().path_of(hashlib.sha256(blank.getvalue()).hexdigest()).exists()


def test_upload_larger_than_the_limit_is_413(world: World, settings: Any, face_jpeg: bytes) -> None:
    settings.FACENERVE_MAX_UPLOAD_BYTES = 50_000
    response = _upload(signed_in(world.clinician_a), world, {"photo_rest": ("big.jpg", face_jpeg)}, xhr=True)
    assert response.status_code == 413
    assert "larger than" in response.json()["error"]


def test_future_date_and_form_page_errors(world: World, face_jpeg: bytes) -> None:
    client = signed_in(world.clinician_a)
    future = (date.today() + timedelta(days=3)).isoformat()
    response = _upload(client, world, {"photo_rest": ("r.jpg", face_jpeg)}, taken_on=future)
    assert response.status_code == 400
    assert "in the future" in response.content.decode()
    response = _upload(client, world, {"photo_rest": ("r.jpg", face_jpeg)}, taken_on="not-a-date")
    assert response.status_code == 400


def test_add_treatment_and_its_validation(world: World) -> None:
    client = signed_in(world.clinician_a)
    url = reverse("clinic:treatment_new", kwargs={"pk": world.patient_a1.pk})
    start = world.episode_a1.onset_date.isoformat()
    good = {"kind": "botulinum_toxin", "name": "botulinum_toxin", "start": start, "muscle": "mentalis",
            "side": "right", "units": "4"}
    assert client.post(url, good).status_code == 302
    row = Treatment.objects.get(episode=world.episode_a1)
    assert (row.muscle, row.side, row.units) == ("mentalis", "right", 4.0)
    bad_cases = [
        ({**good, "units": ""}, "units must be"),
        ({**good, "side": ""}, "side must be"),
        ({**good, "name": "prednisolone"}, "botulinum_toxin name must be one of"),
        ({"kind": "medication", "name": "prednisolone", "start": start,
          "stop": (world.episode_a1.onset_date - timedelta(days=1)).isoformat()}, "stop date is before"),
        ({"kind": "medication", "name": "prednisolone",
          "start": (world.episode_a1.onset_date - timedelta(days=5)).isoformat()}, "before the onset"),
        ({"kind": "surgery", "name": "prednisolone", "start": start}, "Select a valid choice"),
    ]
    for data, message in bad_cases:
        response = client.post(url, data)
        assert response.status_code == 400, data
        assert message in response.content.decode(), message
    assert Treatment.objects.filter(episode=world.episode_a1).count() == 1


def test_scale_form_is_generated_from_the_scale_items(world: World) -> None:
    from facenerve.scales import SCALES

    client = signed_in(world.clinician_a)
    url = reverse("clinic:scale", kwargs={"pk": world.assessment_a1.pk, "scale": "sunnybrook"})
    body = client.get(url).content.decode()
    for item in SCALES["sunnybrook"].items:
        assert f'name="{item.key.replace(".", "__")}"' in body
    data = {item.key.replace(".", "__"): str(item.allowed[0] if item.allowed else 0)
            for item in SCALES["sunnybrook"].items}
    data.update({k: "5" for k in data if k.startswith("voluntary__")})
    assert client.post(url, data).status_code == 302
    world.assessment_a1.refresh_from_db()
    stored = world.assessment_a1.scale_scores["sunnybrook"]
    assert stored["result"]["scores"]["composite"] == 100
    assert world.assessment_a1.sunnybrook_composite == 100.0
    assert world.assessment_a1.synkinesis_score == 0.0
    missing = {k: v for k, v in data.items() if k != "voluntary__snarl"}
    response = client.post(url, missing)
    assert response.status_code == 400
    unknown = reverse("clinic:scale", kwargs={"pk": world.assessment_a1.pk, "scale": "nope"})
    assert client.get(unknown).status_code == 404


def test_questionnaire_is_stored_apart_from_clinician_scales(world: World) -> None:
    client = signed_in(world.clinician_a)
    url = reverse("clinic:scale", kwargs={"pk": world.assessment_a1.pk, "scale": "saq"})
    assert client.post(url, {f"item_{i}": "2" for i in range(1, 10)}).status_code == 302
    world.assessment_a1.refresh_from_db()
    assert "saq" in world.assessment_a1.questionnaires and "saq" not in world.assessment_a1.scale_scores


def test_house_brackmann_feeds_the_timeline(world: World) -> None:
    client = signed_in(world.clinician_a)
    url = reverse("clinic:scale", kwargs={"pk": world.assessment_a1.pk, "scale": "house_brackmann"})
    assert client.post(url, {"gross": 4, "rest": 2, "forehead": 4, "eye_closure": 4, "mouth": 4,
                             "secondary": 0}).status_code == 302
    world.assessment_a1.refresh_from_db()
    assert world.assessment_a1.house_brackmann == 4
    body = client.get(reverse("clinic:patient", kwargs={"pk": world.patient_a1.pk})).content.decode()
    assert 'data-series="house_brackmann"' in body
    assert f'data-date="{world.assessment_a1.taken_on.isoformat()}" data-value="4"' in body


def test_patient_page_shows_alerts_with_sources(world: World) -> None:
    """A complete palsy seen on day 0 without steroids: the care pathway's steroid window alert is shown."""
    world.episode_a1.onset_date = date.today()
    world.episode_a1.save()
    world.assessment_a1.taken_on = date.today()
    world.assessment_a1.save()
    page = signed_in(world.clinician_a).get(reverse("clinic:patient", kwargs={"pk": world.patient_a1.pk}))
    body = page.content.decode()
    assert 'data-rule="steroid_window"' in body
    assert "Sources: " in body and "S28" in body


def test_dashboard_paginates_and_searches(world: World) -> None:
    client = signed_in(world.clinician_a)
    body = client.get(reverse("clinic:dashboard") + "?q=002").content.decode()
    assert "A-002" in body and "A-001" not in body


def test_home_sends_each_role_to_its_page(world: World) -> None:
    assert signed_in(world.clinician_a).get("/")["Location"] == reverse("clinic:dashboard")
    own_page = reverse("clinic:patient", kwargs={"pk": world.patient_a1.pk})
    assert signed_in(world.user_a1).get("/")["Location"] == own_page
    assert signed_in(world.admin).get("/")["Location"] == reverse("admin:index")


def test_full_session_upload_fills_automated_grades(world: World) -> None:
    """A synthetic complete left palsy (9 expressions): the session's automated grades fill the summary columns,
    labelled automated, and a clinician's own House–Brackmann entry then replaces the estimate."""
    from tests.synth.session import palsy, session_photos

    files = {}
    for expression, rgb in session_photos(palsy("left", 0.0)).items():
        buffer = io.BytesIO()
        Image.fromarray(rgb).save(buffer, format="JPEG", quality=92)
        files[f"photo_{expression.value}"] = (f"{expression.value}.jpg", buffer.getvalue())
    client = signed_in(world.clinician_a)
    assert _upload(client, world, files).status_code == 302
    assessment = Assessment.objects.latest("id")
    assert assessment.photos.count() == 9
    assert assessment.affected_side == "left"
    assert assessment.engine_result["schema"] == "facenerve.session/1"
    assert assessment.house_brackmann is not None and assessment.house_brackmann >= 4
    assert assessment.summary_sources["house_brackmann"] == "automated"
    body = client.get(reverse("clinic:assessment", kwargs={"pk": assessment.pk})).content.decode()
    assert "automated estimate" in body and 'data-scale="house_brackmann"' in body
    url = reverse("clinic:scale", kwargs={"pk": assessment.pk, "scale": "house_brackmann"})
    assert client.post(url, {"gross": 2, "rest": 2, "forehead": 2, "eye_closure": 2, "mouth": 2,
                             "secondary": 0}).status_code == 302
    assessment.refresh_from_db()
    assert assessment.house_brackmann == 2 and assessment.summary_sources["house_brackmann"] == "clinician"


def test_dashboard_and_patient_page_queries_do_not_grow_with_data(world: World, django_assert_max_num_queries: Any
                                                                  ) -> None:
    """No N+1: the same number of queries for 3 patients as for 40 with 10 assessments and 2 treatments each."""
    from .conftest import make_patient

    client = signed_in(world.clinician_a)
    with django_assert_max_num_queries(10) as few:
        client.get(reverse("clinic:dashboard"))
    for i in range(40):
        _, episode = make_patient(f"A-1{i:02d}", world.team_a)
        Assessment.objects.bulk_create(Assessment(episode=episode, taken_on=episode.onset_date + timedelta(days=d),
                                                  house_brackmann=4) for d in range(10))
        Treatment.objects.bulk_create(Treatment(episode=episode, kind="therapy", name="massage",
                                                start=episode.onset_date + timedelta(days=d)) for d in (1, 2))
    with django_assert_max_num_queries(len(few.captured_queries)):
        body = client.get(reverse("clinic:dashboard")).content.decode()
    assert "A-139" in body
    patient_url = reverse("clinic:patient", kwargs={"pk": world.patient_a1.pk})
    with django_assert_max_num_queries(10) as patient_queries:
        client.get(patient_url)
    assert len(patient_queries.captured_queries) <= 10


def test_observations_are_saved_and_shown_selected(world: World) -> None:
    client = signed_in(world.clinician_a)
    url = reverse("clinic:observations", kwargs={"pk": world.assessment_a1.pk})
    assert client.post(url, {"eye_closure_complete": "false", "lagophthalmos_mm": "3.5"}).status_code == 302
    world.assessment_a1.refresh_from_db()
    assert world.assessment_a1.eye_closure_complete is False and world.assessment_a1.lagophthalmos_mm == 3.5
    body = client.get(reverse("clinic:assessment", kwargs={"pk": world.assessment_a1.pk})).content.decode()
    assert '<option value="false" selected>incomplete</option>' in body
    assert client.post(url, {"eye_closure_complete": "true", "lagophthalmos_mm": "-1"}).status_code == 400
