"""The small batch folder: real faces (scikit-image's astronaut, matplotlib's Grace Hopper) and bad files."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
from PIL import Image

from tests.synth.faces import face_photo

#: Photo files of the batch folder (relative paths) and what each should give.
GOOD = ("astronaut.jpg", "sub/astronaut_flipped.png", "sub/deeper/grace.jpg", "z_astronaut.webp")
BAD = {"empty.png": "empty_file", "notes.jpg": "not_an_image", "sub/truncated.jpg": "corrupt_image"}
NO_FACE = {"wall.jpg": "no_face"}


def _small(rgb: np.ndarray, side_px: int) -> np.ndarray:
    return cv2.resize(rgb, (side_px, side_px), interpolation=cv2.INTER_AREA)


def write_batch_folder(folder: Path) -> Path:
    """Write the batch folder: 4 faces, 3 broken files, 1 photo without a face, and 2 files to ignore."""
    astronaut, grace = face_photo("astronaut"), face_photo("grace_hopper")
    (folder / "sub" / "deeper").mkdir(parents=True)
    Image.fromarray(_small(astronaut, 320)).save(folder / "astronaut.jpg", quality=92)
    Image.fromarray(_small(np.ascontiguousarray(astronaut[:, ::-1]), 288)).save(folder / "sub/astronaut_flipped.png")
    Image.fromarray(_small(grace, 320)).save(folder / "sub/deeper/grace.jpg", quality=92)
    Image.fromarray(_small(astronaut, 352)).save(folder / "z_astronaut.webp", quality=90)
    (folder / "empty.png").write_bytes(b"")
    (folder / "notes.jpg").write_text("not an image\n")
    data = (folder / "astronaut.jpg").read_bytes()
    (folder / "sub/truncated.jpg").write_bytes(data[: len(data) // 3])
    wall = np.tile(np.linspace(60, 200, 256, dtype=np.uint8)[None, :, None], (256, 1, 3))
    Image.fromarray(wall).save(folder / "wall.jpg", quality=92)
    (folder / "readme.txt").write_text("ignored: not an image extension\n")
    (folder / ".hidden.jpg").write_bytes(data)
    return folder
