"""Shared types for the clinical scales: item specifications, results, input validation.

Item keys are flat dotted strings ("resting.eye", "voluntary.open_mouth_smile") so one mapping serves JSON input,
web forms and automated grading. Nested JSON objects are accepted and flattened to the same keys.
"""

from __future__ import annotations

import difflib
import math
import numbers
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from facenerve.errors import FaceNerveError

Value = int | float
"""A validated item value: an integer point value or a number (mm, 0–200 slider)."""

ItemValues = dict[str, Value | None]
"""Validated items by key; ``None`` for an optional item that was not given (or given as null)."""


class ScaleInputError(FaceNerveError):
    """A scale input is unusable: unknown scale, missing or unknown item, wrong type or out of range.

    The message names the scale, the item and the allowed values, on one line.
    """

    code = "scale_input"


@dataclass(frozen=True)
class ItemSpec:
    """One input item of a scale.

    ``allowed`` lists the permitted point values for scored choices (None for a continuous number bounded by
    ``minimum``/``maximum``). ``choices`` names the options a form offers as (name, points) pairs; a string input
    equal to a choice name is accepted in place of its points. ``required=False`` items may be omitted or null.
    """

    key: str
    label: str
    allowed: tuple[int | float, ...] | None
    minimum: float | None
    maximum: float | None
    choices: tuple[tuple[str, int], ...] = ()
    required: bool = True
    help: str = ""

    def describe_allowed(self, *, with_choices: bool = True) -> str:
        """The permitted values in words, e.g. ``an integer 1–5`` or ``a number ≥ 0``, then the choice names."""
        if self.allowed is not None:
            values = sorted(self.allowed)
            ints = [int(v) for v in values if float(v).is_integer()]
            if len(values) > 2 and ints == list(range(ints[0], ints[0] + len(values))):
                text = f"an integer {ints[0]}–{ints[-1]}"
            else:
                text = "one of " + ", ".join(_fmt(v) for v in values)
        elif self.minimum is not None and self.maximum is not None:
            text = f"a number {_fmt(self.minimum)}–{_fmt(self.maximum)}"
        elif self.minimum is not None:
            text = f"a number ≥ {_fmt(self.minimum)}"
        elif self.maximum is not None:
            text = f"a number ≤ {_fmt(self.maximum)}"
        else:
            text = "a number"
        if self.choices and with_choices:
            text += " (or " + " / ".join(f'"{name}"' for name, _ in self.choices) + ")"
        return text

    def choice_name(self, points: Value) -> str | None:
        """The first choice name carrying ``points`` (for derivations), or None."""
        for name, value in self.choices:
            if value == points:
                return name
        return None


@dataclass(frozen=True)
class ScaleResult:
    """A scored scale: subscores and headline value, with the readable derivation and its sources."""

    scale: str
    scores: dict[str, float | int | str]
    headline: str
    derivation: list[str]
    sources: list[str]
    provisional: bool

    @property
    def value(self) -> float | int | str:
        """The headline value (``scores[headline]``)."""
        return self.scores[self.headline]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: ``{"scale", "scores", "headline", "derivation", "sources", "provisional"}``."""
        return {
            "scale": self.scale,
            "scores": dict(self.scores),
            "headline": self.headline,
            "derivation": list(self.derivation),
            "sources": list(self.sources),
            "provisional": self.provisional,
        }


@dataclass(frozen=True)
class ScaleSpec:
    """A scale: its name, title, input items and its scoring function (validates, then scores)."""

    name: str
    title: str
    items: tuple[ItemSpec, ...]
    score: Callable[[Mapping[str, Any]], ScaleResult]
    kind: str = "clinician"  # "clinician" | "patient"
    provisional: bool = False
    sources: tuple[str, ...] = field(default_factory=tuple)

    def item(self, key: str) -> ItemSpec:
        """The item with this key (KeyError if unknown)."""
        for spec in self.items:
            if spec.key == key:
                return spec
        raise KeyError(key)


def _fmt(value: float) -> str:
    number = float(value)
    return str(int(number)) if number.is_integer() and abs(number) < 1e15 else f"{number:g}"


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def flatten(data: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Flatten nested mappings to dotted keys: ``{"resting": {"eye": 1}}`` → ``{"resting.eye": 1}``."""
    flat: dict[str, Any] = {}
    for key, value in data.items():
        if not isinstance(key, str):
            raise ScaleInputError(f"item names must be strings, got {key!r}")
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            flat.update(flatten(value, name + "."))
        else:
            flat[name] = value
    return flat


def _normalise_choice(text: str) -> str:
    return " ".join(text.strip().lower().replace("_", " ").replace("-", " ").split())


def validate(
    scale: str, items: tuple[ItemSpec, ...], data: Mapping[str, Any], *, allow_missing: bool = False
) -> ItemValues:
    """Check ``data`` against ``items`` and return the values by key.

    Raises ScaleInputError naming the item for: a non-mapping input, an unknown item, a missing required item
    (unless ``allow_missing``), a wrong type (booleans are not numbers), a value outside the allowed set or range,
    NaN or infinity. Integral floats (``3.0``) are accepted for integer items.
    """
    if not isinstance(data, Mapping):
        raise ScaleInputError(f"{scale}: input must be an object of items, got {type(data).__name__}")
    try:
        flat = flatten(data)
    except RecursionError:
        raise ScaleInputError(f"{scale}: input is nested too deeply") from None
    keys = [item.key for item in items]
    for key in flat:
        if key not in keys:
            close = difflib.get_close_matches(key, keys, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else f"; items are: {', '.join(keys)}"
            raise ScaleInputError(f"{scale}: unknown item '{key}'{hint}")
    values: ItemValues = {}
    for item in items:
        raw = flat.get(item.key)
        if raw is None:
            if item.required and not allow_missing:
                state = "is null" if item.key in flat else "is missing"
                allowed = item.describe_allowed(with_choices=False)
                raise ScaleInputError(f"{scale}: item '{item.key}' {state}; it must be {allowed}")
            values[item.key] = None
            continue
        values[item.key] = _check_value(scale, item, raw)
    return values


def _check_value(scale: str, item: ItemSpec, raw: Any) -> Value:
    def bad(got: str, with_choices: bool = False) -> ScaleInputError:
        allowed = item.describe_allowed(with_choices=with_choices)
        return ScaleInputError(f"{scale}: item '{item.key}' must be {allowed}, got {got}")

    if isinstance(raw, str):
        wanted = _normalise_choice(raw)
        for name, points in item.choices:
            if _normalise_choice(name) == wanted:
                return points
        raise bad(_short(repr(raw)), with_choices=True)
    if isinstance(raw, bool) or not isinstance(raw, numbers.Real):  # numpy numbers are Real; bools are not numbers
        raise bad(_short(f"{type(raw).__name__} {raw!r}"))
    try:
        number = float(raw)
    except OverflowError:  # an integer too large for a float
        raise bad("a number too large") from None
    if not math.isfinite(number):
        raise bad(repr(number))
    if item.allowed is not None:
        if number not in item.allowed:
            raise bad(_fmt(number))
        return int(number) if number.is_integer() else number
    if (item.minimum is not None and number < item.minimum) or (item.maximum is not None and number > item.maximum):
        raise bad(_fmt(number))
    return number


def need(values: ItemValues, key: str) -> Value:
    """The value of a required item (validated upstream); for the scorers' type narrowing."""
    value = values[key]
    if value is None:
        raise ScaleInputError(f"item '{key}' is missing")
    return value


def sum_if_complete(values: ItemValues, keys: list[str]) -> tuple[float | None, list[str]]:
    """Sum of ``keys`` when all are present, else None; with the keys that are missing."""
    missing = [key for key in keys if values.get(key) is None]
    if missing:
        return None, missing
    return float(sum(need(values, key) for key in keys)), []


def line(key: str, value: Value, item: ItemSpec | None = None) -> str:
    """A derivation fragment ``key = value (choice name)``."""
    name = item.choice_name(value) if item is not None and item.choices else None
    return f"{key} = {_fmt(value)}" + (f" ({name})" if name else "")
