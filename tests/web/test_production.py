"""Production serving (issue 21): gunicorn with WhiteNoise, the health endpoint, `check --deploy` with HTTPS on."""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

ROOT = Path(__file__).resolve().parents[2]
#: The servers and commands here run on their own SQLite data folders: the PostgreSQL pass need not repeat them.
own_sqlite = pytest.mark.skipif(os.environ.get("FACENERVE_WEB_ON_POSTGRES") == "1",
                                reason="runs its own SQLite servers; done in the SQLite pass")


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FACENERVE_") and k != "DATABASE_URL"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.update({"FACENERVE_DATA_DIR": str(tmp_path / "data"), "FACENERVE_SECRET_KEY": secrets.token_urlsafe(64),
                **extra})
    return env


@own_sqlite
def test_check_deploy_passes_with_https(tmp_path: Path) -> None:
    env = _env(tmp_path, FACENERVE_HTTPS="1", FACENERVE_ALLOWED_HOSTS="clinic.example.org",
               DJANGO_SETTINGS_MODULE="facenerve.web.settings")
    done = subprocess.run([sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"], env=env,
                          capture_output=True, text=True, timeout=120, check=False, cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def test_health_reports_database_and_image_store(db: Any, settings: Any, tmp_path: Path) -> None:
    reply = Client().get("/health")
    assert reply.status_code == 200 and reply.json() == {"status": "ok", "database": "ok", "images": "ok"}
    assert "no-cache" in reply["Cache-Control"] or "max-age=0" in reply["Cache-Control"]
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    settings.FACENERVE_IMAGE_DIR = blocker
    reply = Client().get("/health")
    assert reply.status_code == 503 and reply.json()["images"] == "failed"


def test_health_is_exempt_from_the_https_redirect(db: Any, settings: Any) -> None:
    settings.SECURE_SSL_REDIRECT = True
    assert Client().get("/health").status_code == 200
    assert Client().get("/accounts/login/").status_code == 301


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(url: str) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as reply:
            return reply.status, dict(reply.headers), reply.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


@own_sqlite
@pytest.mark.parametrize(("option", "value"), [("--workers", "0"), ("--timeout", "0"), ("--port", "70000")])
def test_serve_refuses_bad_numbers_in_one_line(tmp_path: Path, option: str, value: str) -> None:
    done = subprocess.run([sys.executable, "-m", "facenerve", "web", "serve", "--production", option, value],
                          env=_env(tmp_path), capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert option in done.stderr and len(done.stderr.strip().splitlines()) == 1


class _Session:
    """A logged-in HTTP client of a running server (cookies and the CSRF token kept), standard library only."""

    def __init__(self, base: str, username: str, password: str) -> None:
        import http.cookiejar

        self.base, self.jar = base, http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.request("GET", "/accounts/login/")
        status, _ = self.request("POST", "/accounts/login/", form={"username": username, "password": password})
        assert status == 302 or status == 200, status

    def csrf(self) -> str:
        return next(c.value for c in self.jar if c.name == "csrftoken") or ""

    def request(self, method: str, path: str, *, form: dict[str, str] | None = None,
                body: dict[str, Any] | None = None) -> tuple[int, bytes]:
        import urllib.parse

        data, headers = None, {"Referer": self.base + "/"}
        if form is not None:
            data = urllib.parse.urlencode({**form, "csrfmiddlewaretoken": self.csrf()}).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if body is not None:
            data = json.dumps(body).encode()
            headers.update({"Content-Type": "application/json", "X-CSRFToken": self.csrf()})

        class _NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args: Any, **kwargs: Any) -> None:
                return None

        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect())
        try:
            with opener.open(urllib.request.Request(self.base + path, data=data, headers=headers, method=method),
                             timeout=60) as reply:
                return reply.status, reply.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()


def _start(tmp_path: Path, *args: str) -> tuple[subprocess.Popen[str], str]:
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "facenerve", "web", "serve", "--production", "--port", str(port),
                               *args], env=_env(tmp_path), cwd=tmp_path, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while True:
        try:
            _get(base + "/health")
            return server, base
        except (urllib.error.URLError, ConnectionError):
            assert server.poll() is None and time.monotonic() < deadline, "gunicorn did not start"
            time.sleep(0.5)


@own_sqlite
def test_gunicorn_serves_survives_races_and_a_vanished_database(tmp_path: Path) -> None:
    """`serve --production`: gunicorn with two workers, static files through WhiteNoise; 8 simultaneous creates of
    one identifier on SQLite give one 201 and seven 409 (was 500 'database is locked'); then the database file is
    destroyed under the running server: 503 with one line, never a traceback."""
    from concurrent.futures import ThreadPoolExecutor

    password = "correct horse battery staple 42"
    made = subprocess.run([sys.executable, "-m", "facenerve", "web", "createuser", "dr-load", "--role", "clinician",
                           "--team", "Clinic", "--password-stdin"], input=password + "\n", env=_env(tmp_path),
                          capture_output=True, text=True, timeout=120, check=False)
    assert made.returncode == 0, made.stderr
    server, base = _start(tmp_path, "--workers", "2")
    try:
        status, headers, body = _get(base + "/health")
        assert status == 200 and json.loads(body)["status"] == "ok"
        assert "gunicorn" in headers.get("Server", "") and "Python" not in headers.get("Server", "")
        status, headers, body = _get(base + "/static/facenerve/app.css")  # WhiteNoise
        assert status == 200 and headers["Content-Type"].startswith("text/css") and body
        children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
        assert len(children) == 2  # the arbiter (this very process, exec'd) and its two workers
        one = _Session(base, "dr-load", password)
        sessions = [one] * 8  # one login (Argon2 is slow on purpose), eight simultaneous requests
        team = json.loads(sessions[0].request("GET", "/api/patients")[1] or b"[]")
        assert team == []
        patient = {"identifier": "RACE-1", "birth_date": "1980-01-01", "care_team": 1, "onset_date": "2026-01-01",
                   "side": "left", "severity_at_onset": "complete"}
        with ThreadPoolExecutor(8) as pool:
            statuses = sorted(pool.map(lambda s: s.request("POST", "/api/patients", body=patient)[0], sessions))
        assert statuses == [201] + [409] * 7
        (tmp_path / "data" / "facenerve.sqlite3").write_bytes(b"this is not a database" * 500)
        status, body = sessions[0].request("GET", "/api/patients")
        assert status == 503 and b"Traceback" not in body and b"unavailable" in body
        status, body = _get(base + "/health")[::2]
        assert status == 503 and json.loads(body)["database"] == "failed"
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        output = server.communicate(timeout=30)[0]
    assert "Traceback" not in output

