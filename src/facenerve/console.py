"""Shared terminal output for the CLI commands: consoles, exit statuses and the one-line usage error."""

from __future__ import annotations

import sys
from typing import NoReturn

import typer
from rich.console import Console

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2

#: Help of ``--passes`` (analyze, batch, session).
PASSES_HELP = (
    "Landmark passes per face region, averaged (1-3, mediapipe). 3 halves the change under roll, "
    "rescaling and re-compression, at about twice the time."
)

out = Console(highlight=False, soft_wrap=True, width=None if sys.stdout.isatty() else 132)
err = Console(stderr=True, highlight=False, soft_wrap=True)


def usage_error(message: str) -> NoReturn:
    """Print ``error: message`` on stderr and exit with status 2 (bad usage or bad input file)."""
    err.print(f"error: {message}", markup=False)
    raise typer.Exit(EXIT_USAGE)
