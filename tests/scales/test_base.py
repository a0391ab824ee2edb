"""Input validation shared by every scale, and properties that hold across the input space."""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

import pytest

from facenerve.scales import SCALES, ScaleInputError, score
from facenerve.scales.base import ItemSpec, flatten, validate

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples" / "scales"


def test_flatten_nested_objects_to_dotted_keys() -> None:
    assert flatten({"a": {"b": 1, "c": {"d": 2}}, "e": 3}) == {"a.b": 1, "a.c.d": 2, "e": 3}


def test_deeply_nested_input_is_a_clear_error() -> None:
    data: dict[str, Any] = {}
    inner = data
    for _ in range(5000):
        inner["x"] = {}
        inner = inner["x"]
    with pytest.raises(ScaleInputError, match="nested too deeply"):
        score("saq", data)


def test_non_string_keys_are_rejected() -> None:
    with pytest.raises(ScaleInputError, match="item names must be strings"):
        score("saq", {1: 5})  # type: ignore[dict-item]


def test_choice_names_ignore_case_spaces_and_separators() -> None:
    item = ItemSpec("x", "X", (0, 1), 0, 1, choices=(("corner pulled up/out", 1), ("normal", 0)))
    for text in ("Corner pulled up/out", "corner_pulled_up/out", "  CORNER-pulled  up/out "):
        assert validate("t", (item,), {"x": text}) == {"x": 1}


@pytest.mark.parametrize(
    ("item", "words"),
    [
        (ItemSpec("x", "X", (1, 2, 3, 4, 5), 1, 5), "an integer 1–5"),
        (ItemSpec("x", "X", (0, 1), 0, 1), "one of 0, 1"),
        (ItemSpec("x", "X", (0, 2, 4), 0, 4), "one of 0, 2, 4"),
        (ItemSpec("x", "X", None, 0.0, 200.0), "a number 0–200"),
        (ItemSpec("x", "X", None, 0.0, None), "a number ≥ 0"),
    ],
)
def test_allowed_values_in_words(item: ItemSpec, words: str) -> None:
    assert item.describe_allowed() == words


def test_optional_items_may_be_null_or_omitted_but_required_may_not() -> None:
    items = (ItemSpec("a", "A", (0, 1), 0, 1), ItemSpec("b", "B", (0, 1), 0, 1, required=False))
    assert validate("t", items, {"a": 1}) == {"a": 1, "b": None}
    assert validate("t", items, {"a": 1, "b": None}) == {"a": 1, "b": None}
    with pytest.raises(ScaleInputError, match="item 'a' is null"):
        validate("t", items, {"a": None})
    assert validate("t", items, {}, allow_missing=True) == {"a": None, "b": None}


@pytest.mark.parametrize("bad", ["not a value", -1000, 1e9, True, [1]])
def test_every_item_rejects_bad_values_naming_scale_and_item(bad: Any) -> None:
    for name, spec in SCALES.items():
        example = json.loads((EXAMPLES / f"{name}.json").read_text(encoding="utf-8"))
        for item in spec.items:
            if item.maximum is None and bad == 1e9:
                continue  # open-ended mm items accept large numbers (points are capped)
            with pytest.raises(ScaleInputError) as info:
                score(name, example | {item.key: bad})
            message = str(info.value)
            assert "\n" not in message
            assert message.startswith(f"{name}: item '{item.key}' must be "), message


def test_more_movement_never_gives_a_worse_house_brackmann_grade() -> None:
    steps_mm = [0.0, 1.0, 2.5, 4.0, 5.0, 7.4, 7.5, 9.9, 10.0, 12.0]
    for eye in (None, True, False):
        previous: dict[float, int] = {}
        for brow_mm, commissure_mm in itertools.product(steps_mm, steps_mm):
            data: dict[str, Any] = {
                "brow_excursion_mm": {"left": brow_mm, "right": 10.0},
                "commissure_excursion_mm": {"left": commissure_mm, "right": 10.0},
            }
            if eye is not None:
                data["eye_closure_complete"] = int(eye)
            grade = int(score("house_brackmann_quantitative", data).scores["grade_number"])
            if brow_mm in previous:  # same brow, less commissure movement before
                assert grade <= previous[brow_mm]
            previous[brow_mm] = grade
        assert previous[12.0] == (4 if eye is False else 1)  # incomplete closure is never I–III [S1, S2]


def test_sunnybrook_composite_rises_with_each_voluntary_point() -> None:
    keys = [item.key for item in SCALES["sunnybrook"].items]
    base = {key: (1 if key.startswith("voluntary.") else 0) for key in keys}
    last = score("sunnybrook", base).scores["composite"]
    for key in (k for k in keys if k.startswith("voluntary.")):
        for points in range(2, 6):
            current = score("sunnybrook", base | {key: points}).scores["composite"]
            assert current == int(last) + 4
            last = current
        base[key] = 5
    assert last == 100


def test_numpy_numbers_are_accepted_and_come_back_as_python_numbers() -> None:
    np = pytest.importorskip("numpy")
    result = score("saq", {f"item_{n}": np.int64(3) for n in range(1, 10)})
    assert result.scores["total"] == 60.0
    values = validate("t", (ItemSpec("x", "X", None, 0.0, None),), {"x": np.float32(7.5)})
    assert values == {"x": 7.5} and type(values["x"]) is float
    with pytest.raises(ScaleInputError, match="got bool_ True"):
        score("saq", {f"item_{n}": 3 for n in range(1, 9)} | {"item_9": np.bool_(True)})


def test_long_bad_values_are_shortened_in_the_message() -> None:
    with pytest.raises(ScaleInputError) as info:
        score("saq", {f"item_{n}": 3 for n in range(1, 9)} | {"item_9": list(range(10_000))})
    assert len(str(info.value)) < 120
