# mypy: allow-subclassing-any
"""On PostgreSQL, a trigger refuses UPDATE and DELETE of audit events (the app itself has no path to either)."""

from django.db import migrations

from facenerve.web.audit.migrations._postgres import on_postgres

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


class Migration(migrations.Migration):
    dependencies: list[tuple[str, str]] = [("audit", "0001_initial")]  # noqa: RUF012

    operations = [migrations.RunPython(on_postgres(CREATE), on_postgres(DROP))]  # noqa: RUF012
