"""The content-addressed image store and the demo loader."""

from __future__ import annotations

import hashlib
import os
import stat
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from facenerve.web.clinic.demo import DEMO_CLINICIAN, DEMO_PATIENT, load_demo
from facenerve.web.clinic.models import Assessment, Patient, Treatment
from facenerve.web.storage import ImageStore


def test_store_is_content_addressed_and_idempotent(tmp_path: Path) -> None:
    store = ImageStore(tmp_path)
    digest = store.put(b"hello")
    assert digest == hashlib.sha256(b"hello").hexdigest()
    path = store.path_of(digest)
    assert path == tmp_path / digest[:2] / digest[2:4] / digest
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert store.put(b"hello") == digest and store.read(digest) == b"hello"
    assert [p.name for p in tmp_path.rglob("*") if p.is_file()] == [digest]
    with pytest.raises(ValueError):
        store.path_of("../secret")
    with pytest.raises(FileNotFoundError):
        store.read("f" * 64)


def test_demo_loads_once_with_fresh_passwords(db: Any) -> None:
    from django.contrib.auth import authenticate

    first = load_demo(date(2026, 6, 1))
    counts = (Patient.objects.count(), Assessment.objects.count(), Treatment.objects.count())
    second = load_demo(date(2026, 6, 1))
    assert (Patient.objects.count(), Assessment.objects.count(), Treatment.objects.count()) == counts
    assert counts[1] >= 5 and counts[2] >= 4
    assert {x.password for x in first}.isdisjoint({x.password for x in second})
    clinician = next(x for x in second if x.username == DEMO_CLINICIAN)
    assert authenticate(username=DEMO_CLINICIAN, password=clinician.password) is not None
    assert authenticate(username=DEMO_CLINICIAN, password=first[0].password) is None
    assert Patient.objects.get(identifier=DEMO_PATIENT).user_profile.user.username == "demo-patient"


def test_migrations_match_the_models(db: Any) -> None:
    from django.core.management import call_command

    call_command("makemigrations", "clinic", "accounts", check=True, dry_run=True, verbosity=0)


def test_the_web_tests_use_a_throwaway_data_folder() -> None:
    """Never the user's real data folder (~/.local/share/facenerve): tests upload photos and write keys there."""
    from django.conf import settings

    home_default = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share") / "facenerve"
    images = Path(settings.FACENERVE_IMAGE_DIR).resolve()
    assert not images.is_relative_to(home_default.resolve())
    assert images.is_relative_to(Path(tempfile.gettempdir()).resolve())
