# mypy: allow-untyped-decorators
"""``GET /health``: is the database answering and the image store writable? For load balancers and monitoring.

200 ``{"status": "ok", ...}`` or 503 naming the failing part; no login needed, no patient data in it.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


def database_ok() -> bool:
    """A query of a real table answers (``SELECT 1`` alone would pass on a destroyed SQLite file)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM django_migrations")
            return bool(cursor.fetchone()[0] > 0)
    except DatabaseError:
        return False


def image_store_ok() -> bool:
    """The image folder exists and a file can be written to it and removed."""
    root = Path(settings.FACENERVE_IMAGE_DIR)
    try:
        root.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, name = tempfile.mkstemp(dir=root, prefix=".health-")
        os.close(fd)
        os.unlink(name)
    except OSError:
        return False
    return True


@never_cache
@require_safe
def health(request: HttpRequest) -> JsonResponse:
    """The database and image store checks, 200 when both pass, else 503."""
    checks = {"database": "ok" if database_ok() else "failed", "images": "ok" if image_store_ok() else "failed"}
    ok = all(value == "ok" for value in checks.values())
    return JsonResponse({"status": "ok" if ok else "failed", **checks}, status=200 if ok else 503)
