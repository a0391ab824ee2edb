"""The public scales API: registry, item specs, result JSON, and the documented examples."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from facenerve.errors import FaceNerveError
from facenerve.scales import SCALES, ItemSpec, ScaleInputError, ScaleResult, ScaleSpec, score

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "docs" / "examples" / "scales"
EXPECTED = [
    "house_brackmann",
    "house_brackmann_quantitative",
    "sunnybrook",
    "eface",
    "yanagihara",
    "face",
    "fdi",
    "saq",
]


def test_every_scale_is_registered_with_unique_item_keys() -> None:
    assert list(SCALES) == EXPECTED
    for name, spec in SCALES.items():
        assert isinstance(spec, ScaleSpec) and spec.name == name and spec.title
        keys = [item.key for item in spec.items]
        assert len(keys) == len(set(keys))
        for item in spec.items:
            assert isinstance(item, ItemSpec)
            assert re.fullmatch(r"[a-z0-9_]+(\.[a-z0-9_]+)*", item.key), item.key
            assert item.allowed is not None or item.minimum is not None
            for _, points in item.choices:
                assert item.allowed is not None and points in item.allowed


def test_scale_input_error_is_a_facenerve_error_with_a_stable_code() -> None:
    assert issubclass(ScaleInputError, FaceNerveError)
    with pytest.raises(FaceNerveError) as info:
        score("nope", {})
    assert info.value.code == "scale_input"


@pytest.mark.parametrize("scale", EXPECTED)
def test_every_scale_has_a_documented_example_that_scores(scale: str) -> None:
    data = json.loads((EXAMPLES / f"{scale}.json").read_text(encoding="utf-8"))
    result = score(scale, data)
    assert isinstance(result, ScaleResult) and result.scale == scale
    doc = result.to_dict()
    assert json.loads(json.dumps(doc)) == doc
    assert doc["headline"] in doc["scores"] and doc["derivation"] and doc["sources"]
    assert doc["provisional"] is SCALES[scale].provisional
    assert all(re.fullmatch(r"S\d+", key) for key in doc["sources"])
    # every required item appears in the example, so it documents the whole input
    assert {item.key for item in SCALES[scale].items if item.required} <= set(data)


def test_no_example_files_for_unknown_scales() -> None:
    assert sorted(p.stem for p in EXAMPLES.glob("*.json")) == sorted(EXPECTED)


def test_user_guide_documents_every_scale_and_item() -> None:
    guide = (ROOT / "docs" / "scales.md").read_text(encoding="utf-8")
    for name, spec in SCALES.items():
        assert f"`{name}`" in guide, name
        numbered = [item.key for item in spec.items if re.fullmatch(r"item_\d+", item.key)]
        if numbered:  # questionnaires numbered as on their forms are documented as a range
            assert f"`{numbered[0]}` … `{numbered[-1]}`" in guide, name
        for item in spec.items:
            if item.key not in numbered:
                assert f"`{item.key}`" in guide, f"{name}: {item.key}"


@pytest.mark.parametrize("scale", EXPECTED)
def test_provisional_results_say_so_in_their_derivation(scale: str) -> None:
    result = score(scale, json.loads((EXAMPLES / f"{scale}.json").read_text(encoding="utf-8")))
    mentions = any("provisional" in step for step in result.derivation)
    assert mentions is result.provisional
