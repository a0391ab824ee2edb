"""One audit event per request that reads or changes patient data; rows can be added, never changed or deleted."""

# mypy: allow-subclassing-any
# (Django ships no type hints; its base classes are Any to mypy.)

from __future__ import annotations

from typing import Any, NoReturn

from django.db import models


class AppendOnlyError(RuntimeError):
    """The audit trail is append-only: no path in the app changes or deletes an event."""


def _refuse(*_args: Any, **_kwargs: Any) -> NoReturn:
    raise AppendOnlyError("the audit trail is append-only")


class AuditQuerySet(models.QuerySet):
    """Reads and inserts only: bulk update and delete raise :class:`AppendOnlyError`."""

    update = _refuse
    delete = _refuse
    bulk_update = _refuse
    update_or_create = _refuse
    _raw_delete = _refuse


class Action(models.TextChoices):
    READ = "read", "read"
    CREATE = "create", "create"
    UPDATE = "update", "update"
    EXPORT = "export", "export"
    ERASE = "erase", "erase"


class AuditEvent(models.Model):
    """Who (user id and name at the time), when, from which address, did what to which object, with what outcome.

    The user is kept by id and name, not by foreign key: deleting a user must not delete or change their trail.
    """

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user_id = models.BigIntegerField(null=True, db_index=True)
    username = models.CharField(max_length=150, db_index=True)
    address = models.CharField(max_length=64)
    action = models.CharField(max_length=16, choices=Action.choices, db_index=True)
    object_type = models.CharField(max_length=32, db_index=True)
    object_id = models.CharField(max_length=64, blank=True, db_index=True)
    method = models.CharField(max_length=8)
    path = models.CharField(max_length=300)
    status = models.PositiveSmallIntegerField()

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ("-at", "-id")
        verbose_name = "audit event"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.username} {self.action} {self.object_type} {self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Insert once; saving an existing event raises :class:`AppendOnlyError`."""
        if not self._state.adding:
            _refuse()
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        _refuse()
