"""Yanagihara 40-point system: total, published bands, recovery."""

from __future__ import annotations

from typing import Any

import pytest

from facenerve.scales import ScaleInputError, score
from facenerve.scales.yanagihara import ITEMS

KEYS = [item.key for item in ITEMS if item.required]


def items(values: list[int] | int, **extra: Any) -> dict[str, Any]:
    points = values if isinstance(values, list) else [values] * 10
    return {key: v for key, v in zip(KEYS, points, strict=True)} | extra


def spread(total: int) -> list[int]:
    """Ten item points (0–4) adding up to ``total``."""
    full, rest = divmod(total, 4)
    return [4] * full + ([rest] if rest else []) + [0] * (10 - full - (1 if rest else 0))


def test_ten_items() -> None:
    assert len(KEYS) == 10


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (40, "normal (36–40)"),
        (36, "normal (36–40)"),
        (35, "between the published bands (20–35)"),
        (20, "between the published bands (20–35)"),
        (19, "severe or complete (< 20)"),
        (9, "severe or complete (< 20)"),
        (8, "total palsy (0–8)"),
        (0, "total palsy (0–8)"),
    ],
)
def test_band_boundaries(total: int, band: str) -> None:
    result = score("yanagihara", items(spread(total)))
    assert result.scores["total"] == total
    assert result.scores["band"] == band
    assert result.headline == "total" and result.provisional is False


@pytest.mark.parametrize(
    ("total", "sequelae", "recovered"),
    [(36, "no", "yes"), (40, 0, "yes"), (36, "yes", "no"), (35, "no", "no"), (40, 1, "no")],
)
def test_recovery_needs_36_and_no_synkinesis_or_contracture(total: int, sequelae: Any, recovered: str) -> None:
    result = score("yanagihara", items(spread(total), synkinesis_or_contracture=sequelae))
    assert result.scores["recovered"] == recovered


def test_recovery_unknown_without_sequelae_item() -> None:
    result = score("yanagihara", items(4))
    assert result.scores["recovered"] == "unknown"


def test_clinical_four_two_zero_form_by_name() -> None:
    data = items(0) | {"rest": "normal", "grin": "partial", "whistle": "total palsy"}
    assert score("yanagihara", data).scores["total"] == 6


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"grin": 5}, "yanagihara: item 'grin' must be an integer 0–4, got 5"),
        ({"blink": -1}, "item 'blink' must be an integer 0–4, got -1"),
        ({"synkinesis_or_contracture": 2}, "item 'synkinesis_or_contracture' must be one of 0, 1, got 2"),
        ({"cheek_puff": 4}, "unknown item 'cheek_puff'"),
    ],
)
def test_validation_names_the_item(change: dict[str, Any], message: str) -> None:
    with pytest.raises(ScaleInputError) as info:
        score("yanagihara", items(4) | change)
    assert message in str(info.value)


def test_missing_item() -> None:
    data = items(4)
    del data["whistle"]
    with pytest.raises(ScaleInputError, match="item 'whistle' is missing"):
        score("yanagihara", data)
