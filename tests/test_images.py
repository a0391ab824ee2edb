"""Safe image loading: every bad input becomes one ImageError with a stable code."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageOps

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


@pytest.mark.parametrize("orientation", range(1, 9))
def test_every_exif_orientation_turns_the_jpeg_as_pillow_does(astronaut: np.ndarray, orientation: int) -> None:
    """The libjpeg-turbo path turns each of the eight orientations as ``ImageOps.exif_transpose`` does."""
    stored = Image.fromarray(np.ascontiguousarray(astronaut[:, 64:448]))  # not square: turns show in the shape
    exif = Image.Exif()
    exif[0x0112] = orientation
    buffer = io.BytesIO()
    stored.save(buffer, format="JPEG", exif=exif, quality=95)
    expected = np.asarray(ImageOps.exif_transpose(Image.open(io.BytesIO(buffer.getvalue()))).convert("RGB"))
    loaded = load_image(buffer.getvalue()).rgb
    assert loaded.shape == expected.shape
    assert loaded.flags.c_contiguous
    assert np.abs(loaded.astype(int) - expected.astype(int)).max() <= 2  # same decoder family, same pixels


@pytest.mark.parametrize("mode", ["L", "CMYK"])
def test_grey_and_cmyk_jpegs_load_as_rgb(astronaut: np.ndarray, mode: str) -> None:
    """A grey JPEG decodes to three equal channels; a CMYK one (which libjpeg-turbo cannot turn to RGB) via Pillow."""
    buffer = io.BytesIO()
    Image.fromarray(astronaut).convert(mode).save(buffer, format="JPEG", quality=95)
    rgb = load_image(buffer.getvalue()).rgb
    assert rgb.shape == astronaut.shape and rgb.dtype == np.uint8
    if mode == "L":
        assert np.array_equal(rgb[:, :, 0], rgb[:, :, 2])
    assert np.abs(rgb.astype(int) - astronaut.astype(int)).mean() < 40


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
