"""One test per row of the security probe in issue 21, item 7 (each failed on the code before the fix)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from .conftest import World


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("kind", ["page", "api", "image"])
def test_patient_data_is_never_cached(world: World, kind: str) -> None:
    url = {"page": reverse("clinic:patient", kwargs={"pk": world.patient_b1.pk}),
           "api": f"/api/patients/{world.patient_b1.pk}",
           "image": reverse("clinic:image", kwargs={"sha256": world.photo_b1.image_sha256})}[kind]
    reply = _client(world.clinician_b).get(url)
    assert reply.status_code == 200 and reply["Cache-Control"] == "no-store"
