"""Content-addressed image store outside the database: ``<root>/ab/cd/<sha256>``.

The same bytes are stored once; a file is written to a temporary name and renamed, so a reader never
sees half a file. The root is ``FACENERVE_IMAGE_DIR`` (default ``<data dir>/images``).
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path

_SHA256 = re.compile(r"^[0-9a-f]{64}$")


class ImageStore:
    """Put and read blobs by their sha256 under ``root``."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def path_of(self, sha256: str) -> Path:
        """Where the blob ``sha256`` lives; raises ``ValueError`` for anything but 64 hex digits."""
        if not _SHA256.match(sha256):
            raise ValueError("not a sha256 digest")
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def put(self, data: bytes) -> str:
        """Store ``data`` (once) and return its sha256."""
        digest = hashlib.sha256(data).hexdigest()
        target = self.path_of(digest)
        if target.exists():
            return digest
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.chmod(tmp, 0o600)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return digest

    def read(self, sha256: str) -> bytes:
        """The stored bytes; raises ``FileNotFoundError`` if absent."""
        return self.path_of(sha256).read_bytes()


def default_store() -> ImageStore:
    """The store configured in settings (``FACENERVE_IMAGE_DIR``)."""
    from django.conf import settings

    return ImageStore(Path(settings.FACENERVE_IMAGE_DIR))
