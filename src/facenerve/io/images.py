"""Safe image loading: format, size and integrity guards, EXIF orientation.

Every failure raises :class:`~facenerve.errors.ImageError` with a stable code and a one-line
message; nothing here lets a decoder traceback or a decompression bomb through.
"""

from __future__ import annotations

import io
import os
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from facenerve.errors import ImageError

#: Largest image accepted, in pixels (an engineering guard against decompression bombs).
MAX_IMAGE_PIXELS = 60_000_000
#: Smallest side accepted, in pixels; nothing smaller can hold a measurable face.
MIN_IMAGE_SIDE_PX = 64
#: Formats the engine accepts (Pillow format names).
SUPPORTED_FORMATS = frozenset({"JPEG", "MPO", "PNG", "WEBP", "BMP", "TIFF"})
#: Larger JPEGs are decoded at a reduced size (DCT scaling) to stay fast and small in memory.
MAX_DECODE_SIDE_PX = 4096

ImageSource = str | os.PathLike[str] | bytes | np.ndarray


@dataclass(frozen=True)
class LoadedImage:
    """An RGB image (H×W×3, uint8) in display orientation, and the name used in messages."""

    rgb: np.ndarray
    name: str

    @property
    def size_px(self) -> tuple[int, int]:
        """(width, height) in pixels."""
        return int(self.rgb.shape[1]), int(self.rgb.shape[0])


def load_image(source: ImageSource, *, name: str | None = None) -> LoadedImage:
    """Load a path, encoded bytes or an RGB array as an upright RGB uint8 array.

    EXIF orientation is applied. Raises ``ImageError`` (codes ``unreadable``, ``empty_file``,
    ``not_an_image``, ``unsupported_format``, ``too_large``, ``too_small``, ``corrupt_image``).
    """
    if isinstance(source, np.ndarray):
        return LoadedImage(_check_array(source), name or "<array>")
    if isinstance(source, bytes | bytearray):
        return LoadedImage(_decode(bytes(source)), name or "<bytes>")
    path = Path(source)
    label = name or str(path)
    if path.exists() and not path.is_file() and not path.is_dir():  # a device or pipe would be read forever
        raise ImageError(f"{label}: not a regular file (a device, pipe or socket)", code="unreadable")
    try:
        data = path.read_bytes()
    except IsADirectoryError:
        raise ImageError(f"{label}: is a directory, not an image file", code="unreadable") from None
    except FileNotFoundError:
        raise ImageError(f"{label}: file not found", code="unreadable") from None
    except PermissionError:
        raise ImageError(f"{label}: permission denied", code="unreadable") from None
    except OSError as exc:
        raise ImageError(f"{label}: cannot read file ({exc.strerror})", code="unreadable") from None
    try:
        return LoadedImage(_decode(data), label)
    except ImageError as exc:
        raise ImageError(f"{label}: {exc}", code=exc.code) from None


def _decode(data: bytes) -> np.ndarray:
    if not data:
        raise ImageError("file is empty (0 bytes)", code="empty_file")
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            img = Image.open(io.BytesIO(data))
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise ImageError(
                f"image is larger than the {MAX_IMAGE_PIXELS // 1_000_000} MP limit",
                code="too_large",
            ) from None
        except UnidentifiedImageError:
            raise ImageError("not an image (unrecognised file content)", code="not_an_image") from None
        except (OSError, ValueError, SyntaxError) as exc:
            raise ImageError(f"corrupt image header ({exc})", code="corrupt_image") from None
    with img:
        if img.format not in SUPPORTED_FORMATS:
            raise ImageError(
                f"unsupported image format {img.format}; use JPEG, PNG, WEBP, BMP or TIFF",
                code="unsupported_format",
            )
        width, height = img.size
        if width * height > MAX_IMAGE_PIXELS:
            raise ImageError(
                f"image is {width}×{height} px ({width * height / 1e6:.0f} MP), larger than "
                f"the {MAX_IMAGE_PIXELS // 1_000_000} MP limit",
                code="too_large",
            )
        if min(width, height) < MIN_IMAGE_SIDE_PX:
            raise ImageError(
                f"image is {width}×{height} px; at least {MIN_IMAGE_SIDE_PX} px per side is needed",
                code="too_small",
            )
        if img.format in ("JPEG", "MPO") and max(width, height) > MAX_DECODE_SIDE_PX:
            scale = MAX_DECODE_SIDE_PX / max(width, height)
            img.draft("RGB", (int(width * scale), int(height * scale)))
        try:
            img.load()
            if max(img.size) > MAX_DECODE_SIDE_PX:
                img.thumbnail((MAX_DECODE_SIDE_PX, MAX_DECODE_SIDE_PX), Image.Resampling.LANCZOS)
            ImageOps.exif_transpose(img, in_place=True)
            rgb = img if img.mode == "RGB" else img.convert("RGB")
        except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise ImageError(f"truncated or corrupt image data ({reason})", code="corrupt_image") from None
        return np.asarray(rgb, dtype=np.uint8)


def _check_array(array: np.ndarray) -> np.ndarray:
    if array.ndim == 2:
        array = np.stack([array] * 3, axis=-1)
    if array.ndim != 3 or array.shape[2] not in (3, 4):
        raise ImageError(f"array of shape {array.shape} is not an RGB image", code="not_an_image")
    if array.shape[0] * array.shape[1] > MAX_IMAGE_PIXELS:
        raise ImageError("image is larger than the pixel limit", code="too_large")
    if min(array.shape[:2]) < MIN_IMAGE_SIDE_PX:
        raise ImageError(f"image is {array.shape[1]}×{array.shape[0]} px; too small", code="too_small")
    if array.dtype != np.uint8:
        if np.issubdtype(array.dtype, np.floating) and float(np.nanmax(array)) <= 1.0:
            array = array * 255.0
        array = np.clip(array, 0, 255).astype(np.uint8)
    return np.ascontiguousarray(array[:, :, :3])
