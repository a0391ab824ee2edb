"""The backup error: one line, with whether it is the caller's mistake (usage) or a failure."""

from __future__ import annotations

from facenerve.errors import FaceNerveError


class BackupError(FaceNerveError):
    """A backup, verification or restore cannot be done as asked."""

    code = "backup_failed"


class BackupUsageError(BackupError):
    """The request itself is wrong: a non-empty target, a missing or foreign folder."""

    code = "backup_usage"
