"""``facenerve score SCALE INPUT.json``: score a clinical scale or questionnaire exactly and print its JSON.

Exit status: 0 scored; 2 bad usage or bad input (unknown scale, unreadable file, invalid JSON, missing, unknown,
out-of-range or wrongly typed item), reported as one ``error: ...`` line.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from facenerve.console import out, usage_error
from facenerve.scales import SCALES, ScaleInputError, score

MAX_INPUT_BYTES = 1_000_000
"""Largest input file read; a scale's items fit in a few kilobytes."""


def register(app: typer.Typer) -> None:
    """Add the ``score`` command to the CLI."""
    app.command(name="score")(score_command)


def score_command(
    scale: Annotated[
        str | None, typer.Argument(metavar="SCALE", help=f"Scale: {', '.join(SCALES)}.", show_default=False)
    ] = None,
    input_path: Annotated[
        str | None,
        typer.Argument(metavar="INPUT.json", help="JSON object of item → value ('-' reads stdin).", show_default=False),
    ] = None,
    list_scales: Annotated[bool, typer.Option("--list", help="List the scales and their items, then exit.")] = False,
) -> None:
    """Score a clinical scale or questionnaire from a JSON file of items; print the result as JSON."""
    if list_scales:
        _print_list(scale)
        return
    if scale is None or input_path is None:
        usage_error("give a scale and an input file: facenerve score SCALE INPUT.json (or --list)")
    if scale not in SCALES:
        usage_error(f"unknown scale {scale!r}; scales are: {', '.join(SCALES)}")
    data = _load(input_path)
    try:
        result = score(scale, data)
    except ScaleInputError as exc:
        usage_error(f"{_shown(input_path)}: {exc.message}")
    out.print(json.dumps(result.to_dict(), indent=2, ensure_ascii=False), markup=False)


def _reject_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            raise ValueError(f"duplicate item '{key}'")
        seen[key] = value
    return seen


def _shown(input_path: str) -> str:
    return "<stdin>" if input_path == "-" else input_path


def _load(input_path: str) -> Any:
    """Read and parse the JSON input, or exit 2 with a one-line reason."""
    name = _shown(input_path)
    if input_path == "-":
        raw = sys.stdin.buffer.read(MAX_INPUT_BYTES + 1)
    else:
        path = Path(input_path)
        if not path.exists():
            usage_error(f"{name}: no such file")
        if not path.is_file():
            usage_error(f"{name}: not a file")
        try:
            with path.open("rb") as handle:
                raw = handle.read(MAX_INPUT_BYTES + 1)
        except OSError as exc:
            usage_error(f"{name}: cannot read: {exc.strerror or exc}")
    if len(raw) > MAX_INPUT_BYTES:
        usage_error(f"{name}: larger than {MAX_INPUT_BYTES} bytes; not a scale input")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        usage_error(f"{name}: not UTF-8 text")
    if not text.strip():
        usage_error(f"{name}: empty file; expected a JSON object of items")
    try:
        data = json.loads(text, object_pairs_hook=_reject_duplicates)
    except json.JSONDecodeError as exc:
        usage_error(f"{name}: invalid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}")
    except ValueError as exc:
        usage_error(f"{name}: {exc}")
    except RecursionError:
        usage_error(f"{name}: invalid JSON: nested too deeply")
    if not isinstance(data, dict):
        usage_error(f"{name}: expected a JSON object of items, got {type(data).__name__}")
    return data


def _print_list(only: str | None) -> None:
    if only is not None and only not in SCALES:
        usage_error(f"unknown scale {only!r}; scales are: {', '.join(SCALES)}")
    for name, spec in SCALES.items():
        if only is not None and name != only:
            continue
        flag = ", provisional" if spec.provisional else ""
        out.print(f"{name}: {spec.title} ({spec.kind}{flag}; sources {', '.join(spec.sources)})", markup=False)
        for item in spec.items:
            optional = " [optional]" if not item.required else ""
            out.print(f"  {item.key}{optional}: {item.label} — {item.describe_allowed()}", markup=False)
