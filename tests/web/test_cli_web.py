"""``facenerve web createuser`` and ``facenerve web demo``: real database, one-line errors, exit statuses."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import run_web

PASSWORD = "a sufficiently long pass phrase 7"




@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("cli-web")
    assert run_web(["migrate"], folder).returncode == 0
    return folder


def test_createuser_reads_the_password_from_stdin(data_dir: Path) -> None:
    done = run_web(["createuser", "dr-house", "--role", "clinician", "--team", "ENT clinic", "--team-role", "ent",
                       "--password-stdin"], data_dir, PASSWORD + "\n")
    assert done.returncode == 0, done.stderr
    assert "created clinician dr-house in care team ENT clinic" in done.stdout
    again = run_web(["createuser", "dr-house", "--role", "clinician", "--password-stdin"], data_dir, PASSWORD)
    assert again.returncode == 2
    assert again.stderr.strip() == "error: user 'dr-house' already exists"


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["createuser", "x", "--role", "clinician"], PASSWORD, "--password-stdin"),
        (["createuser", "x", "--role", "nurse", "--password-stdin"], PASSWORD, "role must be one of"),
        (["createuser", "x", "--role", "patient", "--password-stdin"], PASSWORD, "needs --patient"),
        (["createuser", "x", "--role", "patient", "--patient", "NOPE", "--password-stdin"], PASSWORD,
         "no patient with identifier 'NOPE'"),
        (["createuser", "x", "--role", "clinician", "--password-stdin"], "short", "password rejected"),
        (["createuser", "x", "--role", "clinician", "--password-stdin"], "", "no password on stdin"),
    ],
)
def test_createuser_errors_are_one_line(data_dir: Path, args: list[str], stdin: str, message: str) -> None:
    done = run_web(args, data_dir, stdin)
    assert done.returncode == 2
    assert message in done.stderr
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_demo_is_idempotent_and_passwords_are_generated(data_dir: Path) -> None:
    first = run_web(["demo"], data_dir)
    second = run_web(["demo"], data_dir)
    assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr

    def passwords(text: str) -> list[str]:
        return [line.split("password")[-1].strip() for line in text.splitlines() if " password " in line]

    assert len(passwords(first.stdout)) == 2 and len(set(passwords(first.stdout) + passwords(second.stdout))) == 4
    patient = run_web(["createuser", "pat-1", "--role", "patient", "--patient", "DEMO-001", "--password-stdin"],
                         data_dir, PASSWORD)
    assert patient.returncode == 2
    assert patient.stderr.strip() == "error: patient 'DEMO-001' already has a user account (demo-patient)"


def test_bad_database_url_is_one_line(tmp_path: Path) -> None:
    env_dir = tmp_path / "d"
    done = subprocess.run([sys.executable, "-m", "facenerve", "web", "migrate"], capture_output=True, text=True,
                          timeout=300, check=False,
                          env={**{k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"},
                               "FACENERVE_DATA_DIR": str(env_dir), "DATABASE_URL": "nosuchdb://x"})
    assert done.returncode == 1
    assert done.stderr.startswith("error: ") and "Traceback" not in done.stderr


def test_createuser_on_a_fresh_data_folder(tmp_path: Path) -> None:
    """No separate migrate step is needed before the first user."""
    done = run_web(["createuser", "first-admin", "--role", "admin", "--password-stdin"], tmp_path / "fresh",
                      PASSWORD)
    assert done.returncode == 0, done.stderr
    assert "created admin first-admin" in done.stdout


@pytest.mark.parametrize("command", ["serve", "run"])
@pytest.mark.parametrize("port", ["0", "99999"])
def test_a_port_out_of_range_is_a_usage_error(data_dir: Path, command: str, port: str) -> None:
    done = run_web([command, "--port", port], data_dir)
    assert done.returncode == 2
    assert done.stderr.strip() == f"error: --port must be between 1 and 65535, got {port}"
    assert done.stdout == ""  # refused before the demo logins are (re)generated


def test_a_port_in_use_is_one_line_and_no_hang(data_dir: Path) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        done = run_web(["serve", "--port", str(taken.getsockname()[1])], data_dir)
    assert done.returncode != 0
    assert "already in use" in done.stderr and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
