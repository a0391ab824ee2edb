"""Migration steps that run SQL on PostgreSQL only (SQLite has no triggers of this kind)."""

from collections.abc import Callable
from typing import Any


def on_postgres(sql: str) -> Callable[[Any, Any], None]:
    def run(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=())

    return run
