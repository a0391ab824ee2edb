"""Shared fixtures: real face photos that pip packages ship, and their assessments."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from facenerve import PhotoAssessment, analyze_photo
from tests.synth.faces import face_photo


@pytest.fixture(scope="session")
def astronaut() -> np.ndarray:
    return face_photo("astronaut")


@pytest.fixture(scope="session")
def grace() -> np.ndarray:
    return face_photo("grace_hopper")


@pytest.fixture(scope="session")
def astronaut_result(astronaut: np.ndarray) -> PhotoAssessment:
    return analyze_photo(astronaut).raise_for_error()


@pytest.fixture(scope="session")
def photo_dir(tmp_path_factory: pytest.TempPathFactory, astronaut: np.ndarray) -> Path:
    """A folder with one good JPEG and the bad inputs of issue #2."""
    folder = tmp_path_factory.mktemp("photos")
    Image.fromarray(astronaut).save(folder / "face.jpg", quality=95)
    (folder / "notes.jpg").write_text("this is not an image\n")
    (folder / "empty.jpg").write_bytes(b"")
    data = (folder / "face.jpg").read_bytes()
    (folder / "truncated.jpg").write_bytes(data[: len(data) // 3])
    Image.new("RGB", (1, 1)).save(folder / "pixel.png")
    (folder / "bomb.png").write_bytes(png_header_only(40000, 40000))
    Image.fromarray(astronaut[:200, :200]).save(folder / "anim.gif")
    return folder


def png_header_only(width: int, height: int) -> bytes:
    """A PNG whose header claims ``width``×``height`` but carries almost no data (a bomb header)."""
    import struct
    import zlib

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 64)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
