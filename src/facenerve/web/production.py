"""Production serving: gunicorn (several worker processes) with WhiteNoise for static files.

``facenerve web serve --production`` migrates the database, then replaces itself with gunicorn, so the process
manager (systemd, a container) signals gunicorn directly.
"""

from __future__ import annotations

import os
import sys

#: Defaults: a few workers suit a clinic; a photo session's analysis takes seconds, so the timeout is generous.
DEFAULT_WORKERS = 3
DEFAULT_TIMEOUT_S = 120


def gunicorn_argv(host: str, port: int, workers: int, timeout_s: int) -> list[str]:
    """The gunicorn command line for the app."""
    return [
        sys.executable, "-m", "gunicorn", "facenerve.web.wsgi:application",
        "--bind", f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
        "--workers", str(workers), "--timeout", str(timeout_s), "--graceful-timeout", "30",
        "--access-logfile", "-", "--error-logfile", "-",
        # Each worker loads the landmark models on first use and is recycled now and then to bound its memory.
        "--max-requests", "2000", "--max-requests-jitter", "200",
    ]


def exec_gunicorn(host: str, port: int, workers: int, timeout_s: int) -> None:
    """Replace this process with gunicorn (does not return)."""
    argv = gunicorn_argv(host, port, workers, timeout_s)
    os.execv(argv[0], argv)
