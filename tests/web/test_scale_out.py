"""Running for real (issue 21): two gunicorn servers share one PostgreSQL and one image store; a worker killed in
the middle of an upload leaves nothing half stored, and the retry succeeds."""

from __future__ import annotations

import http.client
import io
import os
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from .pgcluster import Cluster, running_cluster
from .test_production import _env, _free_port, _get, _Session

pytestmark = pytest.mark.skipif(os.environ.get("FACENERVE_WEB_ON_POSTGRES") == "1",
                                reason="starts its own servers and databases")
PASSWORD = "correct horse battery staple 42"


def _serve(env: dict[str, str], workers: int = 1) -> tuple[subprocess.Popen[str], str]:
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "facenerve", "web", "serve", "--production", "--port", str(port),
                               "--workers", str(workers)], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        try:
            if _get(base + "/health")[0] == 200:
                return server, base
        except OSError:
            pass
        assert server.poll() is None and time.monotonic() < deadline, "gunicorn did not start"
        time.sleep(0.5)


def _stop(server: subprocess.Popen[str]) -> str:
    os.killpg(server.pid, signal.SIGTERM)
    return server.communicate(timeout=60)[0]


def _createuser(env: dict[str, str]) -> None:
    done = subprocess.run([sys.executable, "-m", "facenerve", "web", "createuser", "dr-two", "--role", "clinician",
                           "--team", "Clinic", "--password-stdin"], input=PASSWORD + "\n", env=env,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr


cluster = pytest.fixture(scope="module", name="cluster")(running_cluster)


def test_two_servers_share_one_postgresql_and_image_store(cluster: Cluster, tmp_path: Path) -> None:
    shared = {"DATABASE_URL": cluster.url, "FACENERVE_IMAGE_DIR": str(tmp_path / "shared-images")}
    env_a = {**_env(tmp_path / "a"), **shared}
    env_b = {**env_a, "FACENERVE_DATA_DIR": str(tmp_path / "b" / "data")}  # same secret key, own data folder
    _createuser(env_a)
    server_a, base_a = _serve(env_a)
    server_b, base_b = _serve(env_b)
    try:
        on_a = _Session(base_a, "dr-two", PASSWORD)
        patient = {"identifier": "TWO-1", "birth_date": "1980-01-01", "care_team": 1, "onset_date": "2026-01-01",
                   "side": "left", "severity_at_onset": "complete"}
        assert on_a.request("POST", "/api/patients", body=patient)[0] == 201
        on_b = _Session(base_b, "dr-two", PASSWORD)
        status, body = on_b.request("GET", "/api/patients")
        assert status == 200 and b"TWO-1" in body
        on_a.base = base_b  # a session made on one server is good on the other (sessions live in the database)
        assert on_a.request("GET", "/patients/")[0] == 200
        assert _get(base_b + "/health")[0] == 200 and (tmp_path / "shared-images").is_dir()
    finally:
        logs = _stop(server_a) + _stop(server_b)
    assert "Traceback" not in logs


def _face_jpeg() -> bytes:
    from PIL import Image

    from tests.synth.faces import face_photo

    buffer = io.BytesIO()
    Image.fromarray(face_photo("astronaut")).save(buffer, format="JPEG", quality=92)
    return buffer.getvalue()


def _upload_body(session: _Session, face: bytes) -> tuple[bytes, dict[str, str]]:
    boundary = uuid.uuid4().hex
    body = (f'--{boundary}\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n{session.csrf()}\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="taken_on"\r\n\r\n{time.strftime("%Y-%m-%d")}\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="photo_rest"; filename="f.jpg"\r\n'
            "Content-Type: image/jpeg\r\n\r\n").encode() + face + f"\r\n--{boundary}--\r\n".encode()
    cookies = "; ".join(f"{c.name}={c.value}" for c in session.jar)
    headers = {"Content-Type": f"multipart/form-data; boundary={boundary}", "Content-Length": str(len(body)),
               "Cookie": cookies, "X-CSRFToken": session.csrf(), "Referer": session.base + "/"}
    return body, headers


def test_a_worker_killed_mid_upload_leaves_nothing_and_the_retry_succeeds(tmp_path: Path) -> None:
    env = {**_env(tmp_path), "FACENERVE_LANDMARK_PASSES": "1"}
    _createuser(env)
    server, base = _serve(env, workers=1)
    database = tmp_path / "data" / "facenerve.sqlite3"
    try:
        session = _Session(base, "dr-two", PASSWORD)
        patient = {"identifier": "KILL-1", "birth_date": "1980-01-01", "care_team": 1, "onset_date": "2026-01-01",
                   "side": "left", "severity_at_onset": "complete"}
        assert session.request("POST", "/api/patients", body=patient)[0] == 201
        body, headers = _upload_body(session, _face_jpeg())
        connection = http.client.HTTPConnection("127.0.0.1", int(base.rsplit(":", 1)[1]), timeout=60)
        connection.putrequest("POST", "/patients/1/assessments/new/")
        for name, value in headers.items():
            connection.putheader(name, value)
        connection.endheaders()
        connection.send(body[: len(body) // 2])  # half the photo is on its way...
        time.sleep(1.0)
        worker = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()[0]
        os.kill(int(worker), signal.SIGKILL)  # ...when the worker dies
        with pytest.raises((ConnectionError, http.client.HTTPException, OSError)):
            connection.send(body[len(body) // 2:])
            reply = connection.getresponse()
            reply.read()
            raise ConnectionError(f"answered {reply.status}") if reply.status >= 500 else AssertionError(reply.status)
        rows = sqlite3.connect(database).execute("SELECT COUNT(*) FROM clinic_assessment").fetchone()[0]
        photos = sqlite3.connect(database).execute("SELECT COUNT(*) FROM clinic_assessmentphoto").fetchone()[0]
        assert (rows, photos) == (0, 0)
        deadline = time.monotonic() + 90
        while True:  # the arbiter starts a new worker
            try:
                if _get(base + "/health")[0] == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline
            time.sleep(0.5)
        retry = http.client.HTTPConnection("127.0.0.1", int(base.rsplit(":", 1)[1]), timeout=120)
        retry.request("POST", "/patients/1/assessments/new/", body=body, headers=headers)
        assert retry.getresponse().status == 302
        assert sqlite3.connect(database).execute("SELECT COUNT(*) FROM clinic_assessment").fetchone()[0] == 1
    finally:
        _stop(server)
