# mypy: allow-subclassing-any
"""On PostgreSQL, a trigger refuses UPDATE and DELETE of audit events (the app itself has no path to either)."""

from typing import Any

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION facenerve_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit trail is append-only: %% refused', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_auditevent_append_only
    BEFORE UPDATE OR DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION facenerve_audit_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS audit_auditevent_append_only ON audit_auditevent;
DROP FUNCTION IF EXISTS facenerve_audit_append_only();
"""


def _on_postgres(sql: str) -> Any:
    def run(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=())

    return run


class Migration(migrations.Migration):
    dependencies: list[tuple[str, str]] = [("audit", "0001_initial")]  # noqa: RUF012

    operations = [migrations.RunPython(_on_postgres(CREATE), _on_postgres(DROP))]  # noqa: RUF012
