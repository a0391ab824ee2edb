# mypy: allow-subclassing-any
"""On PostgreSQL, a statement trigger also refuses TRUNCATE of the audit trail (0002 covers UPDATE and DELETE)."""

from django.db import migrations

from facenerve.web.audit.migrations._postgres import on_postgres

CREATE = """
CREATE TRIGGER audit_auditevent_no_truncate
    BEFORE TRUNCATE ON audit_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION facenerve_audit_append_only();
"""
DROP = "DROP TRIGGER IF EXISTS audit_auditevent_no_truncate ON audit_auditevent;"


class Migration(migrations.Migration):
    dependencies: list[tuple[str, str]] = [("audit", "0002_append_only_trigger")]  # noqa: RUF012

    operations = [migrations.RunPython(on_postgres(CREATE), on_postgres(DROP))]  # noqa: RUF012
