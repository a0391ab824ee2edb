"""Stored originals carry no metadata: no GPS position, camera serial, dates or software in what the clinic keeps.

JPEG and PNG lose their metadata segments losslessly (pixels untouched); a photo whose EXIF orientation turns it is
stored upright (re-encoded once), like any other format (as PNG, lossless).
"""

from __future__ import annotations

import io
import struct

import numpy as np

#: JPEG markers kept before the image data: JFIF (APP0), the colour profile (APP2 ICC_PROFILE), Adobe (APP14: it says
#: how to decode the colours), tables and frame headers. Every other APPn (EXIF, XMP, IPTC, maker notes) and COM go.
_JPEG_APP_KEEP = {0xE0: b"JFIF", 0xE2: b"ICC_PROFILE", 0xEE: b"Adobe"}
#: PNG chunks kept: the image and how to show its colours; text, time and EXIF chunks go.
_PNG_KEEP = {b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"gAMA", b"cHRM", b"sRGB", b"iCCP", b"sBIT"}


def _orientation(data: bytes) -> int:
    from PIL import Image

    try:
        return int(Image.open(io.BytesIO(data)).getexif().get(0x0112, 1) or 1)
    except (OSError, ValueError, SyntaxError):
        return 1


def _strip_jpeg(data: bytes) -> bytes:
    out, pos = [data[:2]], 2
    while pos + 4 <= len(data):
        if data[pos] != 0xFF:
            break
        marker = data[pos + 1]
        if marker == 0xDA:  # start of scan: the rest is image data
            out.append(data[pos:])
            return b"".join(out)
        length = struct.unpack(">H", data[pos + 2: pos + 4])[0]
        segment = data[pos: pos + 2 + length]
        keep = _JPEG_APP_KEEP.get(marker)
        is_app = 0xE0 <= marker <= 0xEF or marker == 0xFE
        if not is_app or (keep is not None and segment[4: 4 + len(keep)] == keep):
            out.append(segment)
        pos += 2 + length
    raise ValueError("not a well-formed JPEG")


def _strip_png(data: bytes) -> bytes:
    out, pos = [data[:8]], 8
    while pos + 12 <= len(data):
        length = struct.unpack(">I", data[pos: pos + 4])[0]
        kind = data[pos + 4: pos + 8]
        if kind in _PNG_KEEP:
            out.append(data[pos: pos + 12 + length])
        pos += 12 + length
        if kind == b"IEND":
            return b"".join(out)
    raise ValueError("not a well-formed PNG")


def _png(rgb: np.ndarray) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(rgb).save(buffer, format="PNG", optimize=False)
    return buffer.getvalue()


def _jpeg(rgb: np.ndarray) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(rgb).save(buffer, format="JPEG", quality=95)
    return buffer.getvalue()


def stored_original(data: bytes, upright_rgb: np.ndarray) -> bytes:
    """The bytes to keep for an uploaded photo: ``data`` without metadata, or ``upright_rgb`` re-encoded when the
    file needed turning (or is neither JPEG nor PNG)."""
    turned = _orientation(data) != 1
    try:
        if data.startswith(b"\xff\xd8"):
            return _jpeg(upright_rgb) if turned else _strip_jpeg(data)
        if data.startswith(b"\x89PNG\r\n\x1a\n") and not turned:
            return _strip_png(data)
    except (ValueError, struct.error):
        pass
    return _png(upright_rgb)
