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


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FACENERVE_") and k != "DATABASE_URL"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.update({"FACENERVE_DATA_DIR": str(tmp_path / "data"), "FACENERVE_SECRET_KEY": secrets.token_urlsafe(64),
                **extra})
    return env


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


def test_serve_production_runs_gunicorn_with_static_files(tmp_path: Path) -> None:
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "facenerve", "web", "serve", "--production", "--port", str(port),
                               "--workers", "2", "--timeout", "60"], env=_env(tmp_path), cwd=tmp_path,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                status, headers, body = _get(base + "/health")
                break
            except (urllib.error.URLError, ConnectionError):
                assert server.poll() is None and time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.5)
        assert status == 200 and json.loads(body)["status"] == "ok"
        assert "gunicorn" in headers.get("Server", "") and "Python" not in headers.get("Server", "")
        status, headers, body = _get(base + "/static/facenerve/app.css")
        assert status == 200 and headers["Content-Type"].startswith("text/css") and body
        assert _get(base + "/accounts/login/")[0] == 200
        children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
        assert len(children) == 2  # the gunicorn arbiter (this very process, exec'd) and its two workers
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        output = server.communicate(timeout=30)[0]
    assert "serving with gunicorn (2 workers)" in output and "Traceback" not in output


@pytest.mark.parametrize(("option", "value"), [("--workers", "0"), ("--timeout", "0"), ("--port", "70000")])
def test_serve_refuses_bad_numbers_in_one_line(tmp_path: Path, option: str, value: str) -> None:
    done = subprocess.run([sys.executable, "-m", "facenerve", "web", "serve", "--production", option, value],
                          env=_env(tmp_path), capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert option in done.stderr and len(done.stderr.strip().splitlines()) == 1
