"""Backup and restore of the clinic's data: a consistent database snapshot, the image store, a sha256 manifest.

``facenerve web backup DEST`` / ``verify-backup SRC`` / ``restore SRC`` (docs/web.md, "Backup and restore").
"""

from facenerve.web.backup.errors import BackupError
from facenerve.web.backup.run import backup, restore, verify

__all__ = ["BackupError", "backup", "restore", "verify"]
