"""FaceNerve load test (issue 21): N concurrent users on loopback against `facenerve web serve --production`
(gunicorn) on SQLite and on a throwaway PostgreSQL, for a bounded time; then a backup taken *during* the run is
verified and restored and checked row for row and image for image.

Each user logs in, then mixes dashboards, patient pages, API reads, re-logins and photo uploads (the astronaut
face) until the time is up. Reports server errors (5xx or dropped connections), throughput and p50/p95/p99 per kind
of request. It stops by itself: every request has a timeout and the run a deadline. Not part of `make test`.

Usage: python benchmarks/load_web.py [--users 50] [--seconds 60] [--workers 4] [--quick]
       (writes benchmarks/results/load_web.md)
"""

from __future__ import annotations

import argparse
import http.cookiejar
import io
import json
import os
import platform
import random
import secrets
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PASSWORD = "load test passphrase 2026"
PATIENTS = 40
#: The mix of a clinic's day (weights): mostly reading, a few uploads.
MIX = {"dashboard": 25, "patient_page": 25, "api_read": 30, "login": 10, "upload": 10}
REQUEST_TIMEOUT_S = 120


def _env(data: Path, database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FACENERVE_") and k != "DATABASE_URL"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.update({"FACENERVE_DATA_DIR": str(data), "FACENERVE_SECRET_KEY": "load-" + secrets.token_urlsafe(60),
                "FACENERVE_LANDMARK_PASSES": "1"})
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def _web(env: dict[str, str], *args: str, stdin: str = "") -> str:
    done = subprocess.run([sys.executable, "-m", "facenerve", "web", *args], env=env, input=stdin,
                          capture_output=True, text=True, timeout=600, check=False)
    if done.returncode != 0:
        raise SystemExit(f"facenerve web {args[0]} failed: {done.stderr.strip()[-300:]}")
    return done.stdout


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class User:
    """One clinician's browser: cookies, CSRF token, no redirects followed."""

    class _Stay(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: Any, **kwargs: Any) -> None:
            return None

    def __init__(self, base: str, username: str) -> None:
        self.base, self.username = base, username
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), self._Stay())

    def _csrf(self) -> str:
        return next((c.value for c in self.jar if c.name == "csrftoken"), "")

    def call(self, method: str, path: str, data: bytes | None = None, content_type: str = "") -> tuple[int, bytes]:
        headers = {"X-CSRFToken": self._csrf(), "Referer": self.base + "/"}
        if content_type:
            headers["Content-Type"] = content_type
        request = urllib.request.Request(self.base + path, data=data, headers=headers, method=method)
        try:
            with self.opener.open(request, timeout=REQUEST_TIMEOUT_S) as reply:
                return reply.status, reply.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()

    def login(self) -> int:
        self.call("GET", "/accounts/login/")
        form = urllib.parse.urlencode({"username": self.username, "password": PASSWORD,
                                       "csrfmiddlewaretoken": self._csrf()}).encode()
        return self.call("POST", "/accounts/login/", form, "application/x-www-form-urlencoded")[0]


def _multipart(fields: dict[str, str], files: dict[str, tuple[str, bytes]]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, (filename, blob) in files.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                     f"Content-Type: image/jpeg\r\n\r\n".encode() + blob + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def _face_jpeg() -> bytes:
    from PIL import Image
    from tests.synth.faces import face_photo

    buffer = io.BytesIO()
    Image.fromarray(face_photo("astronaut")).save(buffer, format="JPEG", quality=90)
    return buffer.getvalue()


def _prepare(env: dict[str, str], users: int) -> None:
    """The clinicians ``load-00`` … in one care team (one process: a command per user would take minutes)."""
    script = (
        "import django, sys; django.setup()\n"
        "from facenerve.web.accounts.users import create_user\n"
        "from facenerve.web.clinic.models import CareTeam, CareTeamMember\n"
        "team, _ = CareTeam.objects.get_or_create(name='Load clinic')\n"
        "for i in range(int(sys.argv[1])):\n"
        "    user = create_user(f'load-{i:02d}', 'clinician', sys.argv[2])\n"
        "    CareTeamMember.objects.create(team=team, user=user, role='neurologist')\n"
    )
    done = subprocess.run([sys.executable, "-c", script, str(users), PASSWORD],
                          env={**env, "DJANGO_SETTINGS_MODULE": "facenerve.web.settings"}, capture_output=True,
                          text=True, timeout=600, check=False)
    if done.returncode != 0:
        raise SystemExit(f"creating the users failed: {done.stderr.strip()[-300:]}")


def _seed_patients(base: str) -> list[int]:
    user = User(base, "load-00")
    user.login()
    ids = []
    for i in range(PATIENTS):
        body = json.dumps({"identifier": f"L-{i:03d}", "birth_date": "1970-01-01", "care_team": 1,
                           "onset_date": "2026-01-01", "side": "left", "severity_at_onset": "complete"}).encode()
        status, reply = user.call("POST", "/api/patients", body, "application/json")
        if status != 201:
            raise SystemExit(f"seeding patients failed: {status} {reply[:200]!r}")
        ids.append(json.loads(reply)["id"])
    return ids


def _run_users(base: str, users: int, seconds: float, patients: list[int], face: bytes,
               during: Any = None) -> dict[str, Any]:
    results: dict[str, list[float]] = defaultdict(list)
    statuses: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    errors: list[str] = []
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def note(kind: str, status: int, elapsed: float) -> None:
        with lock:
            results[kind].append(elapsed)
            statuses[kind][status] += 1

    def user_loop(index: int) -> None:
        rng = random.Random(index)
        user = User(base, f"load-{index:02d}")
        started = time.perf_counter()
        note("login", user.login(), time.perf_counter() - started)
        kinds, weights = list(MIX), list(MIX.values())
        while time.monotonic() < deadline:
            kind = rng.choices(kinds, weights)[0]
            patient = rng.choice(patients)
            started = time.perf_counter()
            try:
                if kind == "dashboard":
                    status = user.call("GET", "/patients/")[0]
                elif kind == "patient_page":
                    status = user.call("GET", f"/patients/{patient}/")[0]
                elif kind == "api_read":
                    path = rng.choice([f"/api/patients/{patient}", f"/api/patients/{patient}/alerts",
                                       f"/api/patients/{patient}/assessments", "/api/patients?limit=50"])
                    status = user.call("GET", path)[0]
                elif kind == "login":
                    user = User(base, f"load-{index:02d}")
                    status = user.login()
                else:
                    body, content_type = _multipart({"taken_on": time.strftime("%Y-%m-%d")},
                                                    {"photo_rest": ("face.jpg", face)})
                    status = user.call("POST", f"/patients/{patient}/assessments/new/", body, content_type)[0]
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError) as exc:
                with lock:
                    errors.append(f"{kind}: {type(exc).__name__}: {exc}")
                status = 599
            note(kind, status, time.perf_counter() - started)

    threads = [threading.Thread(target=user_loop, args=(i,), daemon=True) for i in range(users)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    if during is not None:
        time.sleep(seconds / 2)
        during()
    for thread in threads:
        thread.join(timeout=seconds + REQUEST_TIMEOUT_S + 30)
    wall = time.monotonic() - began
    return {"latencies": dict(results), "statuses": {k: dict(v) for k, v in statuses.items()}, "errors": errors,
            "wall_s": wall}


def _p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] * 1000 if ordered else float("nan")


def _serve(env: dict[str, str], workers: int) -> tuple[subprocess.Popen[str], str]:
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "facenerve", "web", "serve", "--production", "--host",
                               "127.0.0.1", "--port", str(port), "--workers", str(workers), "--timeout", "120"],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                              start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base + "/health", timeout=30) as reply:
                if reply.status == 200:
                    return server, base
        except (urllib.error.URLError, OSError):
            time.sleep(0.5)
    os.killpg(server.pid, signal.SIGTERM)
    raise SystemExit("the server did not start")


def _check_restore(env: dict[str, str], backup: Path, fresh: Path, database_url: str) -> str:
    """Verify the backup taken under load, restore it into a fresh folder (and database) and compare."""
    _web(env, "verify-backup", str(backup))
    restore_env = {**env, "FACENERVE_DATA_DIR": str(fresh)}
    if database_url:
        restore_env["DATABASE_URL"] = database_url
    _web(restore_env, "restore", str(backup))
    manifest = json.loads((backup / "manifest.json").read_text())
    images = {name.split("/")[-1]: digest for name, digest in manifest["files"].items() if name.startswith("images/")}
    import hashlib

    restored = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in (fresh / "images").rglob("*")
                if p.is_file()}
    assert restored == images, "restored images differ from the manifest"
    rows = manifest.get("rows")
    if rows:
        db = sqlite3.connect(fresh / "facenerve.sqlite3")
        for table, count in rows.items():
            assert db.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0] == count, table
        return f"{len(images)} images and {sum(rows.values())} rows in {len(rows)} tables restored and matched"
    return f"{len(images)} images restored and matched"


def run_backend(name: str, database_url: str, fresh_url: str, users: int, seconds: float, workers: int,
                face: bytes, tmp: Path) -> dict[str, Any]:
    env = _env(tmp / f"{name}-data", database_url)
    _web(env, "migrate")
    _prepare(env, users)
    server, base = _serve(env, workers)
    backup = tmp / f"{name}-backup"
    backup_note: dict[str, Any] = {}

    def take_backup() -> None:
        started = time.perf_counter()
        _web(env, "backup", str(backup))
        backup_note["seconds"] = time.perf_counter() - started

    try:
        patients = _seed_patients(base)
        outcome = _run_users(base, users, seconds, patients, face, during=take_backup)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        log = server.communicate(timeout=60)[1]
    outcome["traceback_in_log"] = "Traceback" in log
    outcome["backup"] = _check_restore(env, backup, tmp / f"{name}-restored", fresh_url)
    outcome["backup_s"] = backup_note.get("seconds", float("nan"))
    return outcome


def _report(runs: dict[str, dict[str, Any]], args: argparse.Namespace) -> str:
    lines = [f"# Load test ({args.users} users, {args.seconds:.0f} s, {args.workers} gunicorn workers, loopback)", "",
             f"Machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}; "
             f"`python benchmarks/load_web.py --users {args.users} --seconds {args.seconds:.0f} "
             f"--workers {args.workers}`. Uploads are one photo (the astronaut), one landmark pass.",
             "Mix per user action: " + ", ".join(f"{k} {v} %" for k, v in MIX.items()) + "; each user waits for "
             "its answer, then acts again at once (no think time), so the server is saturated by design and the "
             "latencies are queueing time on this machine's CPUs.", ""]
    for name, run in runs.items():
        total = sum(len(v) for v in run["latencies"].values())
        server_errors = sum(n for s in run["statuses"].values() for code, n in s.items() if code >= 500)
        lines += [f"## {name}", "",
                  f"* requests: {total} in {run['wall_s']:.1f} s = **{total / run['wall_s']:.1f} req/s**",
                  f"* server errors (5xx or dropped): **{server_errors}**; tracebacks in the server log: "
                  f"{'yes' if run['traceback_in_log'] else 'none'}",
                  f"* backup taken mid-run in {run['backup_s']:.1f} s: {run['backup']}", "",
                  "| request | n | statuses | p50 ms | p95 ms | p99 ms |", "|---|---|---|---|---|---|"]
        for kind in MIX:
            values = run["latencies"].get(kind, [])
            codes = ", ".join(f"{c}×{n}" for c, n in sorted(run["statuses"].get(kind, {}).items()))
            lines.append(f"| {kind} | {len(values)} | {codes} | {_p(values, .5):.0f} | {_p(values, .95):.0f} | "
                         f"{_p(values, .99):.0f} |")
        if run["errors"]:
            lines += ["", f"First errors: {'; '.join(run['errors'][:3])}"]
        lines.append("")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--quick", action="store_true", help="10 users for 15 s")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "load_web.md")
    args = parser.parse_args()
    if args.quick:
        args.users, args.seconds = 10, 15.0
    if not 1 <= args.users <= 200 or not 1 <= args.seconds <= 600:
        parser.error("--users must be 1-200 and --seconds 1-600 (a bounded run)")
    face = _face_jpeg()
    runs = {}
    with tempfile.TemporaryDirectory(prefix="facenerve-load-") as folder:
        tmp = Path(folder)
        runs["SQLite"] = run_backend("sqlite", "", "", args.users, args.seconds, args.workers, face, tmp)
        from tests.web.pgcluster import start_cluster, unavailable_reason

        if unavailable_reason() is None:
            cluster = start_cluster()
            try:
                import psycopg

                with psycopg.connect(cluster.url, autocommit=True) as admin:
                    admin.execute("CREATE DATABASE live")
                    admin.execute("CREATE DATABASE fresh")
                root_url = cluster.url.rsplit("/", 1)[0]
                runs["PostgreSQL"] = run_backend("postgres", root_url + "/live", root_url + "/fresh", args.users,
                                                 args.seconds, args.workers, face, tmp)
            finally:
                cluster.stop()
    report = _report(runs, args)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(report + "\n", encoding="utf-8")
    print(report)


if __name__ == "__main__":
    main()
