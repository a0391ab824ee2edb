"""Environment configuration for the web app: data folder, secret key, database, limits.

Everything is read from ``FACENERVE_*`` variables (and ``DATABASE_URL``) with safe defaults.
The secret key is never hard-coded: it comes from ``FACENERVE_SECRET_KEY`` or is generated once
and kept in ``<data dir>/secret_key`` with 0600 permissions, outside the repository.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

#: Environment variable names, in one place.
ENV_DATA_DIR = "FACENERVE_DATA_DIR"
ENV_SECRET_KEY = "FACENERVE_SECRET_KEY"
ENV_IMAGE_DIR = "FACENERVE_IMAGE_DIR"
ENV_DEBUG = "FACENERVE_DEBUG"
ENV_ALLOWED_HOSTS = "FACENERVE_ALLOWED_HOSTS"
ENV_HTTPS = "FACENERVE_HTTPS"
ENV_MAX_UPLOAD_MB = "FACENERVE_MAX_UPLOAD_MB"
ENV_LANDMARK_PASSES = "FACENERVE_LANDMARK_PASSES"
#: Landmark passes per region for uploaded sessions. The clinic compares a patient's photos over months, where
#: three passes halve the change of a measure under small differences of pose, size and compression
#: (docs/metrics.md); at a session's few photos the extra time (about 25 ms a photo) does not matter.
DEFAULT_WEB_LANDMARK_PASSES = 3


def data_dir() -> Path:
    """Where the SQLite database, the secret key and the images live (created 0700 on first use)."""
    raw = os.environ.get(ENV_DATA_DIR)
    if raw:
        folder = Path(raw).expanduser()
    else:
        base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
        folder = Path(base) / "facenerve"
    return private_folder(folder)


def private_folder(folder: Path) -> Path:
    """``folder``, created if missing and made 0700 whatever it was (health data: the owner only)."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(folder, 0o700)
    return folder


def private_file(path: Path) -> Path:
    """``path`` created empty if missing (so SQLite never creates it 0644) and made 0600 whatever it was."""
    if str(path) in ("", ":memory:") or str(path).startswith("file:"):
        return path
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
    os.chmod(path, 0o600)
    return path


def secret_key(folder: Path) -> str:
    """``FACENERVE_SECRET_KEY``, else the key stored in ``folder/secret_key`` (generated once, mode 0600)."""
    from_env = os.environ.get(ENV_SECRET_KEY, "").strip()
    if from_env:
        return from_env
    path = folder / "secret_key"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        os.chmod(path, 0o600)
        key = path.read_text(encoding="ascii").strip()
        if len(key) >= 50:
            return key
        path.unlink()
        return secret_key(folder)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        key = secrets.token_urlsafe(64)
        fh.write(key + "\n")
    return key


def flag(name: str) -> bool:
    """True when the environment variable ``name`` is set to 1/true/yes/on."""
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


def integer(name: str, default: int, minimum: int = 0) -> int:
    """The environment variable ``name`` as a whole number ≥ ``minimum`` (``default`` when unset); anything else
    stops the app with a message naming the variable."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = minimum - 1
    if value < minimum:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(f"{name} must be a whole number of at least {minimum}, got {raw!r}")
    return value


def csv_list(name: str, default: str) -> list[str]:
    """A comma-separated environment variable as a list (blank items dropped)."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def max_upload_bytes() -> int:
    """Largest accepted upload per photo session, bytes (``FACENERVE_MAX_UPLOAD_MB``, default 40 MB)."""
    raw = os.environ.get(ENV_MAX_UPLOAD_MB, "").strip() or "40"
    try:
        megabytes = float(raw)
    except ValueError:
        megabytes = float("nan")
    if not megabytes > 0 or megabytes == float("inf"):  # a typo must not silently become the default
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(f"{ENV_MAX_UPLOAD_MB} must be a positive number of megabytes, got {raw!r}")
    return int(max(megabytes, 1.0) * 1024 * 1024)


def landmark_passes() -> int:
    """Landmark passes for uploaded sessions (``FACENERVE_LANDMARK_PASSES``, 1–3, default 3); anything else stops
    the app with a message naming the variable."""
    from facenerve.engine.landmarks.mesh_roi import MAX_LANDMARK_PASSES

    passes = integer(ENV_LANDMARK_PASSES, DEFAULT_WEB_LANDMARK_PASSES, minimum=1)
    if passes > MAX_LANDMARK_PASSES:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(f"{ENV_LANDMARK_PASSES} must be 1 to {MAX_LANDMARK_PASSES}, got {passes}")
    return passes
