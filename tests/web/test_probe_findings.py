"""One test per row of the security probe in issue 21, item 7 (each failed on the code before the fix)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from .conftest import World, signed_in


@pytest.mark.parametrize("kind", ["page", "api", "image"])
def test_patient_data_is_never_cached(world: World, kind: str) -> None:
    url = {"page": reverse("clinic:patient", kwargs={"pk": world.patient_b1.pk}),
           "api": f"/api/patients/{world.patient_b1.pk}",
           "image": reverse("clinic:image", kwargs={"sha256": world.photo_b1.image_sha256})}[kind]
    reply = signed_in(world.clinician_b).get(url)
    assert reply.status_code == 200 and reply["Cache-Control"] == "no-store"


# -- medium: a treatment in 2062 / 9999 or an onset in 2000 gave 500 (StopIteration in the chart's ticks) ----------

def _treatment(world: World, start: str) -> Any:
    return signed_in(world.clinician_b).post(f"/api/patients/{world.patient_b1.pk}/treatments",
                                           {"kind": "medication", "name": "prednisolone", "start": start},
                                           content_type="application/json")


@pytest.mark.parametrize("start", ["2062-01-05", "9999-12-31"])
def test_far_future_treatment_dates_are_refused(world: World, start: str) -> None:
    reply = _treatment(world, start)
    assert reply.status_code == 400 and "days ahead" in reply.json()["detail"]


@pytest.mark.parametrize("user", ["clinician_b", "user_b1"])
def test_a_timeline_of_decades_draws(world: World, user: str) -> None:
    from datetime import date

    world.episode_b1.onset_date = date(2000, 1, 1)
    world.episode_b1.save(update_fields=["onset_date"])
    assert _treatment(world, "2000-02-01").status_code == 201
    reply = signed_in(getattr(world, user)).get(reverse("clinic:patient", kwargs={"pk": world.patient_b1.pk}))
    assert reply.status_code == 200 and b"<svg" in reply.content


# -- medium: five failures from elsewhere locked the real user (and the admin) out; name variants were other keys --

PASSWORD = "correct horse battery staple 42"


@pytest.mark.parametrize("role", ["clinician", "admin"])
def test_failures_from_elsewhere_do_not_lock_the_user_out(db: Any, role: str) -> None:
    from facenerve.web.accounts.users import create_user

    create_user("clinA", role, PASSWORD)
    attacker = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(5):
        attacker.post(reverse("accounts:login"), {"username": "clinA", "password": "guess"})
    assert attacker.post(reverse("accounts:login"), {"username": "clinA", "password": "guess"}).status_code == 429
    reply = Client().post(reverse("accounts:login"), {"username": "clinA", "password": PASSWORD})
    assert reply.status_code == 302  # in (admins go on to their second factor)


# -- low: lone surrogate, huge offset, utf-16 form, concurrent creates gave 500 ---------------------------------------

def _new_patient(world: World, **changes: Any) -> dict[str, Any]:
    return {"identifier": "B-NEW", "birth_date": "1980-01-01", "care_team": world.team_b.pk,
            "onset_date": "2026-01-01", "side": "left", "severity_at_onset": "complete", **changes}


def test_a_lone_surrogate_is_a_4xx(world: World) -> None:
    import json

    body = json.dumps(_new_patient(world, identifier="\ud800"))  # ASCII JSON with the escape "\ud800"
    client = signed_in(world.clinician_b)
    assert 400 <= client.post("/api/patients", body, content_type="application/json").status_code < 500
    notes = json.dumps({"kind": "medication", "name": "prednisolone", "start": world.episode_b1.onset_date.isoformat(),
                        "notes": "\udc00"})
    reply = client.post(f"/api/patients/{world.patient_b1.pk}/treatments", notes, content_type="application/json")
    assert 400 <= reply.status_code < 500
    assert client.get("/api/patients?q=%ED%A0%80").status_code == 200  # undecodable bytes are replaced


def test_a_huge_offset_is_a_4xx(world: World) -> None:
    assert signed_in(world.clinician_b).get("/api/patients?offset=99999999999999999999").status_code == 422


def test_a_utf16_form_is_a_4xx(world: World) -> None:
    client = signed_in(world.clinician_b)
    client.raise_request_exception = False
    reply = client.post(reverse("clinic:patient_new"), "identifier=x",  # the test client encodes it as UTF-16
                        content_type="application/x-www-form-urlencoded; charset=utf-16")
    assert reply.status_code == 415


# -- low: 3,000,000 comorbidities were stored (31 MB): lists and API bodies are bounded ------------------------------

def test_api_bodies_and_lists_are_bounded(world: World) -> None:
    import json

    client = signed_in(world.clinician_b)
    huge = json.dumps(_new_patient(world, comorbidities=["diabetes"] * 3_000_000))
    assert client.post("/api/patients", huge, content_type="application/json").status_code == 413
    many = json.dumps(_new_patient(world, comorbidities=["diabetes"] * 17))
    assert client.post("/api/patients", many, content_type="application/json").status_code == 422
    twice = client.post("/api/patients", json.dumps(_new_patient(world, comorbidities=["diabetes", "diabetes"])),
                        content_type="application/json")
    assert twice.status_code == 201 and twice.json()["comorbidities"] == ["diabetes"]


# -- info: invisible characters in identifiers; loose JSON types --------------------------------------------------

@pytest.mark.parametrize("identifier", ["B\u200b-9", "B-\u202e9", "B\x00-9", "B-\u20289"])
def test_identifiers_refuse_invisible_characters(world: World, identifier: str) -> None:
    import json

    reply = signed_in(world.clinician_b).post("/api/patients", json.dumps(_new_patient(world, identifier=identifier)),
                                            content_type="application/json")
    assert reply.status_code == 400 and "identifier" in reply.json()["detail"]


@pytest.mark.parametrize(("path", "body"), [
    ("treatments", {"kind": "botulinum_toxin", "name": "onabotulinumtoxinA", "muscle": "frontalis", "side": "left",
                    "units": True}),
    ("episodes", {"onset_date": "2026-01-01", "side": "left", "severity_at_onset": "complete", "recurrence": "yes"}),
])
def test_json_types_are_strict(world: World, path: str, body: dict[str, Any]) -> None:
    if path == "treatments":
        body = {**body, "start": world.episode_b1.onset_date.isoformat()}
    reply = signed_in(world.clinician_b).post(f"/api/patients/{world.patient_b1.pk}/{path}", body,
                                            content_type="application/json")
    assert reply.status_code == 422


# -- low: an existing data folder kept facenerve.sqlite3 0644 and images/ 0755 -----------------------------------

@pytest.mark.skipif(__import__("os").environ.get("FACENERVE_WEB_ON_POSTGRES") == "1", reason="SQLite data folder")
def test_data_folder_permissions_are_enforced_whatever_exists(tmp_path: Any) -> None:
    import os
    import subprocess
    import sys

    data = tmp_path / "data"
    (data / "images").mkdir(parents=True, mode=0o755)
    (data / "facenerve.sqlite3").touch(mode=0o644)
    for path, mode in ((data, 0o755), (data / "images", 0o755), (data / "facenerve.sqlite3", 0o644)):
        os.chmod(path, mode)
    env = {k: v for k, v in os.environ.items() if not k.startswith("FACENERVE_") and k != "DATABASE_URL"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env["FACENERVE_DATA_DIR"] = str(data)
    done = subprocess.run([sys.executable, "-m", "facenerve", "web", "migrate"], env=env, capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    modes = {p.name: oct(p.stat().st_mode & 0o777) for p in (data, data / "images", data / "facenerve.sqlite3")}
    assert modes == {"data": "0o700", "images": "0o700", "facenerve.sqlite3": "0o600"}


# -- low: originals kept GPS and a camera serial, and the client's file name (a name, a birth date) was returned -----

def _with_metadata(jpeg: bytes, orientation: int = 1) -> bytes:
    import io

    from PIL import Image

    image = Image.open(io.BytesIO(jpeg))
    exif = Image.Exif()
    exif[0x0110], exif[0x0112] = "SecretCam", orientation
    exif.get_ifd(0x8825).update({1: "N", 2: (51.0, 30.0, 12.5)})
    exif.get_ifd(0x8769)[0xA431] = "SERIAL-4711"
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=92, exif=exif.tobytes())
    return out.getvalue()


def test_stored_originals_lose_metadata_and_client_file_names(world: World, face_jpeg: bytes) -> None:
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from facenerve.web.storage import default_store

    upload = _with_metadata(face_jpeg)
    assert b"SERIAL-4711" in upload
    client = signed_in(world.clinician_b)
    reply = client.post(reverse("clinic:assessment_new", kwargs={"pk": world.patient_b1.pk}),
                        {"taken_on": world.episode_b1.onset_date.isoformat(),
                         "photo_rest": SimpleUploadedFile("Jane_Smith_1980-01-01_rest.jpg", upload, "image/jpeg")})
    assert reply.status_code == 302, reply.content[:300]
    assessment_id = int(reply["Location"].rstrip("/").split("/")[-1])
    document = client.get(f"/api/assessments/{assessment_id}").content
    assert b"Jane" not in document and b"1980-01-01_rest" not in document
    photo = client.get(f"/api/assessments/{assessment_id}").json()["photos"][0]
    stored = default_store().read(photo["image_sha256"])
    assert b"SERIAL-4711" not in stored and b"SecretCam" not in stored
    assert dict(Image.open(io.BytesIO(stored)).getexif()) == {}


def test_a_turned_photo_is_stored_upright_without_metadata() -> None:
    import io

    import numpy as np
    from PIL import Image

    from facenerve.io.images import load_image
    from facenerve.web.clinic.scrub import stored_original

    buffer = io.BytesIO()
    Image.fromarray(np.tile(np.arange(120, dtype=np.uint8), (80, 1))[..., None].repeat(3, 2)).save(buffer, "JPEG")
    turned = _with_metadata(buffer.getvalue(), orientation=6)  # "rotate 90° clockwise to view"
    upright = load_image(turned).rgb
    stored = stored_original(turned, upright)
    image = Image.open(io.BytesIO(stored))
    assert image.size == (upright.shape[1], upright.shape[0]) == (80, 120) and dict(image.getexif()) == {}


# -- low: nine 59.5-megapixel black PNGs in one upload took 24 s and 1.1 GB: a pixel budget per request, read from
#    the headers before decoding, and a cap on concurrent analyses ------------------------------------------------

def _black_png(width: int, height: int) -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("1", (width, height)).save(buffer, format="PNG")
    return buffer.getvalue()


def _upload(world: World, photos: dict[str, bytes]) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    data: dict[str, Any] = {"taken_on": world.episode_b1.onset_date.isoformat()}
    data.update({f"photo_{e}": SimpleUploadedFile(f"{e}.png", blob, "image/png") for e, blob in photos.items()})
    return signed_in(world.clinician_b).post(reverse("clinic:assessment_new", kwargs={"pk": world.patient_b1.pk}),
                                           data, HTTP_X_REQUESTED_WITH="XMLHttpRequest")


def test_an_upload_over_the_pixel_budget_is_refused_before_decoding(world: World) -> None:
    import time

    from facenerve.protocol import Expression

    huge = _black_png(8000, 7440)  # 59.5 MP declared, a few kB on the wire
    started = time.perf_counter()
    reply = _upload(world, {e.value: huge for e in list(Expression)[:9]})
    assert reply.status_code == 413 and "megapixels" in reply.json()["error"]
    assert time.perf_counter() - started < 5


def test_analyses_beyond_the_cap_wait_then_answer_503(world: World, settings: Any, face_jpeg: bytes) -> None:
    from facenerve.web.clinic import limits

    settings.FACENERVE_ANALYSIS_WAIT_S = 0
    held = []
    slots = limits.ANALYSES.semaphore()
    while slots.acquire(blocking=False):  # every slot busy with other sessions
        held.append(True)
    try:
        reply = _upload(world, {"rest": face_jpeg})
        assert reply.status_code == 503 and "try again" in reply.json()["error"]
    finally:
        for _ in held:
            slots.release()


# -- low: registering another team's identifier answered 409, revealing that the patient exists -------------------

def test_identifiers_are_per_care_team_so_registering_reveals_nothing(world: World) -> None:
    import json

    body = {"identifier": "A-001", "birth_date": "1980-01-01", "care_team": world.team_b.pk,
            "onset_date": "2026-01-01", "side": "left", "severity_at_onset": "complete"}
    client = signed_in(world.clinician_b)  # A-001 is team A's patient
    created = client.post("/api/patients", json.dumps(body), content_type="application/json")
    assert created.status_code == 201 and created.json()["care_team"] == "Team B"
    again = client.post("/api/patients", json.dumps(body), content_type="application/json")
    assert again.status_code == 409  # one's own team's identifiers stay unique
    assert client.get(f"/api/patients/{world.patient_a1.pk}").status_code == 404


# -- info: behind a proxy that does not pass the client's address, 20 failures locked everyone out ----------------

def test_behind_a_trusted_proxy_one_clients_failures_do_not_block_another(db: Any, settings: Any) -> None:
    from facenerve.web.accounts.users import create_user

    settings.FACENERVE_TRUSTED_PROXIES = 1
    create_user("dr-proxy", "clinician", PASSWORD)
    proxy = {"REMOTE_ADDR": "10.0.0.1"}  # every request arrives from the proxy
    for i in range(25):
        Client().post(reverse("accounts:login"), {"username": f"guess-{i}", "password": "x"},
                      HTTP_X_FORWARDED_FOR="198.51.100.66", **proxy)
    blocked = Client().post(reverse("accounts:login"), {"username": "dr-proxy", "password": PASSWORD},
                            HTTP_X_FORWARDED_FOR="198.51.100.66", **proxy)
    assert blocked.status_code == 429
    other = Client().post(reverse("accounts:login"), {"username": "dr-proxy", "password": PASSWORD},
                          HTTP_X_FORWARDED_FOR="192.0.2.10", **proxy)
    assert other.status_code == 302
