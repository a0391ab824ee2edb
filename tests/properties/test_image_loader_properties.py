"""Property tests (issue 21): the image loader, for random, truncated or damaged JPEG, PNG, WebP and TIFF bytes,
returns an image or raises FaceNerve's own error; each call within a bounded time."""

from __future__ import annotations

import io
import time
from functools import cache

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from facenerve.errors import FaceNerveError
from facenerve.io.images import load_image

FORMATS = ["JPEG", "PNG", "WEBP", "TIFF"]


@cache
def _encoded(fmt: str) -> bytes:
    rng = np.random.default_rng(7)
    pixels = (rng.random((80, 96, 3)) * 255).astype(np.uint8)
    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format=fmt)
    return buffer.getvalue()


def _load(data: bytes) -> None:
    started = time.perf_counter()
    try:
        loaded = load_image(data)
    except FaceNerveError:
        pass
    else:
        assert loaded.rgb.ndim == 3 and loaded.rgb.shape[2] == 3
    assert time.perf_counter() - started < 2.0


SETTINGS = settings(max_examples=80, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(st.binary(max_size=4096))
def test_random_bytes(data: bytes) -> None:
    _load(data)


@pytest.mark.parametrize("fmt", FORMATS)
def test_truncated_and_damaged_files(fmt: str) -> None:
    whole = _encoded(fmt)

    @SETTINGS
    @given(st.integers(0, len(whole)), st.lists(st.tuples(st.integers(0, len(whole) - 1), st.integers(0, 255)),
                                                 max_size=6))
    def check(cut: int, flips: list[tuple[int, int]]) -> None:
        data = bytearray(whole)
        for position, value in flips:
            data[position] = value
        _load(bytes(data[:cut]))

    check()
