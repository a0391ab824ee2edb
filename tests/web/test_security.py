"""Security defaults: Argon2, login rate limiting, CSRF, cookie flags, settings from the environment."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from facenerve.web import config
from facenerve.web.accounts.models import LoginFailure
from facenerve.web.accounts.users import AccountError, create_user

from .conftest import World

PASSWORD = "correct horse battery staple 42"


@pytest.fixture
def clinician(db: Any) -> Any:
    return create_user("dr-who", "clinician", PASSWORD)


def _login(client: Client, username: str, password: str, **extra: Any) -> Any:
    return client.post(reverse("accounts:login"), {"username": username, "password": password}, **extra)


def test_passwords_are_hashed_with_argon2(clinician: Any) -> None:
    assert settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    assert clinician.password.startswith("argon2$argon2id$")


def test_weak_passwords_and_duplicates_are_refused(clinician: Any) -> None:
    with pytest.raises(AccountError, match="password rejected"):
        create_user("someone", "clinician", "password")
    with pytest.raises(AccountError, match="already exists"):
        create_user("dr-who", "clinician", PASSWORD)
    with pytest.raises(AccountError, match="needs --patient"):
        create_user("pat", "patient", PASSWORD)


def test_login_sets_hardened_cookies(clinician: Any) -> None:
    client = Client()
    response = _login(client, "dr-who", PASSWORD)
    assert response.status_code == 302
    session = response.cookies[settings.SESSION_COOKIE_NAME]
    assert session["httponly"] is True
    assert session["samesite"] == "Lax"
    assert client.get(reverse("clinic:dashboard")).status_code == 200
    csrf = Client().get(reverse("accounts:login")).cookies[settings.CSRF_COOKIE_NAME]
    # Readable, as docs/web.md tells API clients to read it (issue 21: it was HttpOnly).
    assert not csrf["httponly"] and csrf["samesite"] == "Lax"


def test_login_rate_limit_slows_the_name_at_that_address_only(clinician: Any, settings: Any) -> None:
    settings.FACENERVE_LOGIN_MAX_FAILURES = 3
    client = Client()
    for _ in range(settings.FACENERVE_LOGIN_MAX_FAILURES):
        assert _login(client, "dr-who", "wrong password").status_code == 400
    locked = _login(client, "dr-who", PASSWORD)
    assert locked.status_code == 429 and 0 < int(locked["Retry-After"]) <= settings.FACENERVE_LOGIN_DELAY_S
    assert "Too many failed attempts" in locked.content.decode()
    assert settings.SESSION_COOKIE_NAME not in locked.cookies
    # The real user, elsewhere, is not locked out by someone else's failures (issue 21).
    assert _login(Client(), "dr-who", PASSWORD, REMOTE_ADDR="10.0.0.9").status_code == 302
    LoginFailure.objects.all().delete()  # the wait has passed
    assert _login(client, "dr-who", PASSWORD).status_code == 302


def test_login_rate_limit_by_address(clinician: Any, settings: Any) -> None:
    settings.FACENERVE_LOGIN_MAX_FAILURES = 2
    client = Client()
    for i in range(4 * settings.FACENERVE_LOGIN_MAX_FAILURES):
        _login(client, f"guess-{i}", "x", REMOTE_ADDR="10.1.1.1")
    assert _login(client, "dr-who", PASSWORD, REMOTE_ADDR="10.1.1.1").status_code == 429
    assert _login(client, "dr-who", PASSWORD, REMOTE_ADDR="10.1.1.2").status_code == 302


def test_csrf_is_enforced_on_forms_and_api(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    assert _login(client, "anyone", "x").status_code == 403
    client.force_login(world.clinician_a)
    url = reverse("clinic:treatment_new", kwargs={"pk": world.patient_a1.pk})
    data = {"kind": "medication", "name": "prednisolone", "start": world.episode_a1.onset_date.isoformat()}
    assert client.post(url, data).status_code == 403
    api = client.post(f"/api/patients/{world.patient_a1.pk}/treatments", data, content_type="application/json")
    assert api.status_code == 403
    # With the token the same API call works.
    client.get(reverse("clinic:patient", kwargs={"pk": world.patient_a1.pk}))
    token = client.cookies[settings.CSRF_COOKIE_NAME].value
    ok = client.post(f"/api/patients/{world.patient_a1.pk}/treatments", data, content_type="application/json",
                     HTTP_X_CSRFTOKEN=token)
    assert ok.status_code == 201


def test_logout_needs_post(world: World) -> None:
    client = Client()
    client.force_login(world.clinician_a)
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert client.get(reverse("clinic:dashboard")).status_code == 302


def test_login_ignores_foreign_next(clinician: Any) -> None:
    response = Client().post(reverse("accounts:login") + "?next=https://evil.example/",
                             {"username": "dr-who", "password": PASSWORD, "next": "https://evil.example/"})
    assert response.status_code == 302
    assert "evil" not in response["Location"]


def test_security_headers(world: World) -> None:
    response = Client().get(reverse("accounts:login"))
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy and "unsafe-eval" not in policy


def test_images_need_a_digest_and_access(world: World) -> None:
    client = Client()
    client.force_login(world.clinician_b)
    assert client.get("/images/..%2F..%2Fetc%2Fpasswd").status_code == 404
    assert client.get(reverse("clinic:image", kwargs={"sha256": "not-a-digest"})).status_code == 404
    assert client.get(reverse("clinic:image", kwargs={"sha256": "0" * 64})).status_code == 404


def _settings_in_child(env: dict[str, str], expression: str) -> str:
    code = f"import django; django.setup(); from django.conf import settings; print({expression})"
    child = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120,
                           check=True)
    return child.stdout.strip()


def test_settings_come_from_the_environment(tmp_path: Path) -> None:
    base = {k: v for k, v in os.environ.items() if not k.startswith("FACENERVE_") and k != "DATABASE_URL"}
    base.update({"DJANGO_SETTINGS_MODULE": "facenerve.web.settings", "FACENERVE_DATA_DIR": str(tmp_path / "data")})
    expr = ("settings.DEBUG, settings.SESSION_COOKIE_SECURE, settings.DATABASES['default']['ENGINE'], "
            "settings.ALLOWED_HOSTS")
    assert _settings_in_child(base, expr) == "False False django.db.backends.sqlite3 ['127.0.0.1', 'localhost']"
    key_file = tmp_path / "data" / "secret_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert len(key_file.read_text().strip()) >= 50
    custom = {**base, "FACENERVE_DEBUG": "1", "FACENERVE_HTTPS": "1", "FACENERVE_ALLOWED_HOSTS": "clinic.example",
              "DATABASE_URL": "postgres://u:p@db.example:5432/facenerve"}
    assert _settings_in_child(custom, expr) == (
        "True True django.db.backends.postgresql ['clinic.example']"
    )


def test_secret_key_is_generated_once_and_env_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(config.ENV_SECRET_KEY, raising=False)
    first = config.secret_key(tmp_path)
    assert first == config.secret_key(tmp_path)
    assert stat.S_IMODE((tmp_path / "secret_key").stat().st_mode) == 0o600
    monkeypatch.setenv(config.ENV_SECRET_KEY, "from-the-environment-" + "x" * 40)
    assert config.secret_key(tmp_path).startswith("from-the-environment-")
    other = tmp_path / "other"
    other.mkdir()
    monkeypatch.delenv(config.ENV_SECRET_KEY)
    assert config.secret_key(other) != first


def test_admin_login_is_rate_limited_too(db: Any, settings: Any) -> None:
    """The Django admin's own login form must not be a way round the limit: it shares it (and asks for the second
    factor an administrator must set up)."""
    create_user("root-admin", "admin", PASSWORD)
    settings.FACENERVE_LOGIN_MAX_FAILURES = 3
    client = Client()
    for _ in range(settings.FACENERVE_LOGIN_MAX_FAILURES):
        reply = client.post("/admin/login/", {"username": "root-admin", "password": "wrong password"})
        assert reply.status_code in (200, 400) and settings.SESSION_COOKIE_NAME not in reply.cookies
    locked = client.post("/admin/login/", {"username": "root-admin", "password": PASSWORD})
    assert locked.status_code == 429
    assert client.get("/admin/").status_code == 302
    LoginFailure.objects.all().delete()  # the wait has passed
    ok = client.post("/admin/login/?next=/admin/", {"username": "root-admin", "password": PASSWORD})
    assert ok.status_code == 302 and ok["Location"] == reverse("accounts:setup")
    assert client.get("/admin/").status_code == 302


def _migrate_with(tmp_path: Path, name: str, value: str) -> subprocess.CompletedProcess[str]:
    """``facenerve web migrate`` in a fresh data folder with only ``name`` set among the FACENERVE_ variables."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("FACENERVE_") and k != "DATABASE_URL"}
    env.update({"FACENERVE_DATA_DIR": str(tmp_path / "data"), name: value})
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run([sys.executable, "-m", "facenerve", "web", "migrate"], env=env, capture_output=True,
                          text=True, timeout=120, check=False)


@pytest.mark.parametrize(("name", "value"), [("FACENERVE_LOGIN_MAX_FAILURES", "five"),
                                             ("FACENERVE_LOGIN_MAX_FAILURES", "0"),
                                             ("FACENERVE_LOGIN_WINDOW_S", "-1"),
                                             ("FACENERVE_DB_CONN_MAX_AGE", "1.5")])
def test_a_bad_number_in_the_environment_names_the_variable(tmp_path: Path, name: str, value: str) -> None:
    """A limit of 0 failures would lock everyone out; a typo used to print a bare int() message."""
    done = _migrate_with(tmp_path, name, value)
    minimum = 0 if name == "FACENERVE_DB_CONN_MAX_AGE" else 1
    assert done.returncode == 1
    assert done.stderr.strip() == f"error: web settings: {name} must be a whole number of at least {minimum}, " \
        f"got {value!r}"


@pytest.mark.parametrize("value", ["forty", "0", "-5", "inf"])
def test_a_bad_upload_limit_is_refused_not_replaced(tmp_path: Path, value: str) -> None:
    done = _migrate_with(tmp_path, "FACENERVE_MAX_UPLOAD_MB", value)
    assert done.returncode == 1
    assert done.stderr.strip() == (
        f"error: web settings: FACENERVE_MAX_UPLOAD_MB must be a positive number of megabytes, got {value!r}"
    )


@pytest.mark.parametrize("value", ["three", "0", "4"])
def test_a_bad_landmark_passes_setting_is_refused(tmp_path: Path, value: str) -> None:
    done = _migrate_with(tmp_path, "FACENERVE_LANDMARK_PASSES", value)
    assert done.returncode == 1
    expected = "must be 1 to 3, got 4" if value == "4" else f"must be a whole number of at least 1, got {value!r}"
    assert done.stderr.strip() == f"error: web settings: FACENERVE_LANDMARK_PASSES {expected}"


@pytest.mark.parametrize("url", ["/static/facenerve/..", "/static/admin/../../../../etc/passwd",
                                 "/static/admin/..%2F..%2F..%2F__init__.py", "/static/ninja/.."])
def test_static_files_cannot_climb_out_of_their_folder(db: Any, url: str) -> None:
    response = Client(raise_request_exception=False).get(url)
    assert response.status_code in (400, 404)
    assert b"root:" not in response.content and b"import" not in response.content
