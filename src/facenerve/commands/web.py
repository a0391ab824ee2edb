"""``facenerve web``: the clinic web app — migrate, demo data, users, serve.

``facenerve web run`` is what ``make run`` calls: migrate the database, load the demo, print how to log in
with freshly generated passwords, and serve on http://127.0.0.1:8000.
"""

from __future__ import annotations

import os
import sys
from typing import Annotated, Any

import typer

from facenerve.console import EXIT_FAILED, err, out, usage_error

web_app = typer.Typer(no_args_is_help=True, help="The clinic web app (Django): migrate, demo, createuser, serve.")


def register(app: typer.Typer) -> None:
    """Add the ``web`` command group."""
    app.add_typer(web_app, name="web")


def _django() -> None:
    """Configure Django from the environment; a broken configuration is one line and exit status 1."""
    from facenerve.web import SETTINGS_MODULE

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS_MODULE)
    try:
        import django

        django.setup()
    except ImportError as exc:
        err.print(f"error: the web extra is not installed ({exc.name}); pip install 'facenerve[web]'", markup=False)
        raise typer.Exit(EXIT_FAILED) from None
    except Exception as exc:
        err.print(f"error: web settings: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}", markup=False)
        raise typer.Exit(EXIT_FAILED) from None


def _call(name: str, *args: Any, **options: Any) -> None:
    from django.core.management import call_command
    from django.core.management.base import CommandError
    from django.db import DatabaseError

    try:
        call_command(name, *args, **options)
    except (CommandError, DatabaseError) as exc:
        err.print(f"error: {name}: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}", markup=False)
        raise typer.Exit(EXIT_FAILED) from None


@web_app.command()
def migrate() -> None:
    """Create the database (SQLite by default, or DATABASE_URL) and apply the migrations."""
    _django()
    _call("migrate", interactive=False, verbosity=0)
    out.print("database ready")


@web_app.command()
def demo() -> None:
    """Load the demo patient (once) and print the demo logins with freshly generated passwords."""
    _django()
    _call("migrate", interactive=False, verbosity=0)
    _print_logins()


def _print_logins(host: str = "127.0.0.1", port: int = 8000) -> None:
    from facenerve.web.clinic.demo import DEMO_PATIENT, load_demo

    logins = load_demo()
    out.print(f"demo patient {DEMO_PATIENT} loaded. Log in at http://{host}:{port}/accounts/login/ with:")
    for login in logins:
        out.print(f"  {login.role:<10} user {login.username}   password {login.password}", markup=False)
    out.print("(passwords are generated afresh on every run)")


@web_app.command()
def createuser(
    name: Annotated[str, typer.Argument(help="User name.")],
    role: Annotated[str, typer.Option(help="clinician, patient or admin.")] = "clinician",
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="Read the password from stdin.")] = False,
    patient: Annotated[str | None, typer.Option(help="Patient identifier (required for --role patient).")] = None,
    team: Annotated[str | None, typer.Option(help="Care team to join (clinicians); created if missing.")] = None,
    team_role: Annotated[str, typer.Option(help="neurologist, ent, physiotherapist, plastic_surgeon.")] = "neurologist",
    email: Annotated[str, typer.Option(help="Email address (for password reset links).")] = "",
) -> None:
    """Create a user with a role. The password is read from stdin (never from the command line)."""
    if not password_stdin:
        usage_error("give --password-stdin and pipe the password in (it is never taken from the command line)")
    password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        usage_error("no password on stdin")
    _django()
    _call("migrate", interactive=False, verbosity=0)
    from facenerve.web.accounts.users import AccountError, create_user
    from facenerve.web.clinic.choices import TeamRole
    from facenerve.web.clinic.models import CareTeam, CareTeamMember

    if team is not None and role != "clinician":
        usage_error("--team is for clinicians")
    if team_role not in TeamRole.values:
        usage_error(f"--team-role must be one of {', '.join(TeamRole.values)}")
    try:
        user = create_user(name, role, password, patient_identifier=patient, email=email)
    except AccountError as exc:
        usage_error(exc.message)
    if team:
        care_team, _ = CareTeam.objects.get_or_create(name=team)
        CareTeamMember.objects.get_or_create(team=care_team, user=user, defaults={"role": team_role})
    out.print(f"created {role} {name}" + (f" in care team {team}" if team else ""))


def _check_port(port: int) -> None:
    """A port outside 1–65535 is a usage error (the server would otherwise fail with a traceback)."""
    if not 1 <= port <= 65535:
        usage_error(f"--port must be between 1 and 65535, got {port}")


@web_app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.")] = 8000,
    production: Annotated[bool, typer.Option("--production", help="Serve with gunicorn and WhiteNoise.")] = False,
    workers: Annotated[int, typer.Option(help="gunicorn worker processes (--production).")] = 3,
    timeout: Annotated[int, typer.Option(help="Seconds a request may take before its worker is restarted.")] = 120,
) -> None:
    """Serve the app: Django's threaded server (a clinic workstation), or gunicorn with ``--production``."""
    _check_port(port)
    if not 1 <= workers <= 64:
        usage_error(f"--workers must be between 1 and 64, got {workers}")
    if not 1 <= timeout <= 3600:
        usage_error(f"--timeout must be between 1 and 3600 seconds, got {timeout}")
    _django()
    _call("migrate", interactive=False, verbosity=0)
    if production:
        from facenerve.web.production import exec_gunicorn

        out.print(f"serving with gunicorn ({workers} workers) on http://{host}:{port}")
        sys.stdout.flush()
        exec_gunicorn(host, port, workers, timeout)
    _call("runserver", f"{host}:{port}", use_reloader=False, use_threading=True)


@web_app.command()
def run(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.")] = 8000,
) -> None:
    """Migrate, load the demo, print the logins, serve (what ``make run`` does)."""
    _check_port(port)
    _django()
    _call("migrate", interactive=False, verbosity=0)
    _print_logins(host, port)
    _call("runserver", f"{host}:{port}", use_reloader=False, use_threading=True)


def _backup_call(action: str, folder: str) -> Any:
    """Run a backup action with Django configured; its errors are one line (2: usage, 1: failure)."""
    from pathlib import Path

    _django()
    from django.conf import settings
    from django.db import DatabaseError, connection

    from facenerve.web import backup as backups

    try:
        if action == "backup":
            return backups.backup(Path(folder), connection, Path(settings.FACENERVE_IMAGE_DIR))
        return backups.restore(Path(folder), connection, Path(settings.FACENERVE_IMAGE_DIR))
    except backups.BackupError as exc:
        if exc.code == "backup_usage":
            usage_error(exc.message)
        err.print(f"error: {action}: {exc.message}", markup=False)
    except (DatabaseError, OSError) as exc:
        err.print(f"error: {action}: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}", markup=False)
    raise typer.Exit(EXIT_FAILED)


@web_app.command()
def backup(dest: Annotated[str, typer.Argument(help="A new (or empty) folder for the backup.")]) -> None:
    """Back up the database (a consistent snapshot, while the app runs), the images and a sha256 manifest."""
    manifest = _backup_call("backup", dest)
    out.print(f"backed up {len(manifest['files']) - 1} images and the {manifest['vendor']} database to {dest}")


@web_app.command("verify-backup")
def verify_backup(src: Annotated[str, typer.Argument(help="A backup folder.")]) -> None:
    """Check every file of a backup against its manifest; exit 1 naming the first problem."""
    from pathlib import Path

    from facenerve.web import backup as backups

    try:
        problems = backups.verify(Path(src))
    except backups.BackupError as exc:
        if exc.code == "backup_usage":
            usage_error(exc.message)
        err.print(f"error: verify-backup: {exc.message}", markup=False)
        raise typer.Exit(EXIT_FAILED) from None
    if problems:
        err.print(f"error: verify-backup: {len(problems)} problems, first: {problems[0]}", markup=False)
        raise typer.Exit(EXIT_FAILED)
    out.print(f"backup {src} verifies")


@web_app.command()
def restore(src: Annotated[str, typer.Argument(help="A backup folder (made by `facenerve web backup`).")]) -> None:
    """Restore a backup into an empty database and image store (a non-empty one is refused), then migrate."""
    manifest = _backup_call("restore", src)
    _call("migrate", interactive=False, verbosity=0)
    out.print(f"restored {len(manifest['files']) - 1} images and the database from {src}")


@web_app.command("patient-export")
def patient_export(
    identifier: Annotated[str, typer.Argument(help="The patient's identifier.")],
    dest: Annotated[str, typer.Argument(help="A new (or empty) folder for patient.json and images/.")],
) -> None:
    """Export everything held about one patient (data subject access): JSON and images."""
    from pathlib import Path

    _django()
    _call("migrate", interactive=False, verbosity=0)
    from facenerve.web.storage import default_store
    from facenerve.web.subject import SubjectError, export_patient

    try:
        document = export_patient(identifier, Path(dest), default_store())
    except SubjectError as exc:
        usage_error(exc.message)
    out.print(f"exported patient {identifier} ({len(document['episodes'])} episodes) to {dest}")


@web_app.command("patient-erase")
def patient_erase(
    identifier: Annotated[str, typer.Argument(help="The patient's identifier.")],
    yes: Annotated[bool, typer.Option("--yes", help="Confirm: this cannot be undone.")] = False,
) -> None:
    """Erase a patient: their rows, account and images go; the audit trail keeps the fact of the erasure."""
    if not yes:
        usage_error("erasing cannot be undone: add --yes to confirm")
    _django()
    _call("migrate", interactive=False, verbosity=0)
    from facenerve.web.storage import default_store
    from facenerve.web.subject import SubjectError, erase_patient

    try:
        removed = erase_patient(identifier, default_store())
    except SubjectError as exc:
        usage_error(exc.message)
    out.print(f"erased patient {identifier} and {removed} images")



@web_app.command("import-fhir")
def import_fhir(
    file: Annotated[str, typer.Argument(help="A FHIR R4 Bundle (JSON), as GET /api/patients/{id}/fhir gives it.")],
    team: Annotated[str, typer.Option(help="The care team that receives the patient (must exist).")],
) -> None:
    """Import one patient's course from a FHIR Bundle into a care team: all records, or none on the first problem."""
    import json
    from pathlib import Path

    from facenerve.interop.fhir_import import BundleError, read_bundle

    try:
        doc = json.loads(Path(file).read_text(encoding="utf-8"))
    except OSError as exc:
        usage_error(f"import-fhir: cannot read {file} ({exc.strerror or type(exc).__name__})")
    except RecursionError:
        usage_error(f"import-fhir: {file} is not a Bundle FaceNerve can read (its JSON is nested too deeply)")
    except UnicodeDecodeError:
        usage_error(f"import-fhir: {file} is not JSON (it is not UTF-8 text)")
    except ValueError as exc:  # json.JSONDecodeError, or a number of more digits than Python converts
        text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        reason = "a number in it has too many digits" if "digits" in text else text
        usage_error(f"import-fhir: {file} is not JSON ({reason})")
    try:
        course = read_bundle(doc)
    except BundleError as exc:
        usage_error(f"import-fhir: {file}: {exc}")
    _django()
    _call("migrate", interactive=False, verbosity=0)
    from django.db import DatabaseError

    from facenerve.web.audit.record import record
    from facenerve.web.clinic.imports import import_course
    from facenerve.web.clinic.models import CareTeam
    from facenerve.web.clinic.services import InputError

    care_team = CareTeam.objects.filter(name=team).first()
    if care_team is None:
        usage_error(f"import-fhir: no care team named {team!r}")
    try:
        patient = import_course(course, care_team)
    except InputError as exc:
        usage_error(f"import-fhir: {file}: {exc}")
    except DatabaseError as exc:
        err.print(f"error: import-fhir: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}", markup=False)
        raise typer.Exit(EXIT_FAILED) from None
    record(None, "command line", "create", "patient", patient.pk, method="CLI", path="import-fhir")
    out.print(f"imported patient {patient.identifier} into care team {team}: {len(course['episodes'])} episodes, "
              f"{len(course['assessments'])} assessments, {len(course['treatments'])} treatments", markup=False)
