"""Safe image loading: every bad input becomes one ImageError with a stable code."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from facenerve import ImageError
from facenerve.io.images import load_image


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("notes.jpg", "not_an_image"),
        ("empty.jpg", "empty_file"),
        ("truncated.jpg", "corrupt_image"),
        ("pixel.png", "too_small"),
        ("bomb.png", "too_large"),
        ("anim.gif", "unsupported_format"),
        ("missing.jpg", "unreadable"),
    ],
)
def test_bad_inputs_raise_one_line_errors_naming_the_file(photo_dir: Path, name: str, code: str) -> None:
    with pytest.raises(ImageError) as info:
        load_image(photo_dir / name)
    assert info.value.code == code
    assert str(info.value).startswith(str(photo_dir / name))
    assert "\n" not in str(info.value)


def test_directory_is_unreadable(photo_dir: Path) -> None:
    with pytest.raises(ImageError) as info:
        load_image(photo_dir)
    assert info.value.code == "unreadable"


def test_exif_orientation_is_applied(astronaut: np.ndarray) -> None:
    rotated = Image.fromarray(astronaut).rotate(90, expand=True)  # stored sideways
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90° clockwise to display"
    buffer = io.BytesIO()
    rotated.save(buffer, format="JPEG", exif=exif, quality=95)
    loaded = load_image(buffer.getvalue())
    assert loaded.rgb.shape == astronaut.shape
    assert np.abs(loaded.rgb.astype(int) - astronaut.astype(int)).mean() < 6


def test_large_jpeg_is_decoded_reduced(tmp_path: Path, astronaut: np.ndarray) -> None:
    big = Image.fromarray(astronaut).resize((6000, 6000))
    big.save(tmp_path / "big.jpg", quality=80)
    loaded = load_image(tmp_path / "big.jpg")
    assert max(loaded.rgb.shape[:2]) <= 4096


def test_devices_and_pipes_are_refused_not_read_forever(tmp_path: Path) -> None:
    """/dev/zero never ends and a FIFO blocks until a writer comes: both must fail at once, not hang."""
    import os

    pipe = tmp_path / "photo.jpg"
    os.mkfifo(pipe)
    for path in (Path("/dev/zero"), pipe):
        with pytest.raises(ImageError, match="not a regular file") as info:
            load_image(path)
        assert info.value.code == "unreadable"
