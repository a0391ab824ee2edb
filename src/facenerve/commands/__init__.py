"""CLI commands beyond ``analyze``, one module each.

Every module here defines ``register(app: typer.Typer) -> None``; ``facenerve.cli`` calls it for each module in
this package, so a new command is a new file and nothing else.
"""

from __future__ import annotations

import importlib
import pkgutil

import typer


def register_all(app: typer.Typer) -> None:
    """Import each command module in this package and let it add its commands to ``app``."""
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        module.register(app)
