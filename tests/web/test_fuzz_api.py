"""Schemathesis fuzzes every operation of /api/openapi.json as a logged-in clinician (issue 21): no 5xx and no
response that breaks the schema. Bounded: FACENERVE_FUZZ_EXAMPLES examples per operation (default 8)."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from facenerve.web.clinic.api import api

from .conftest import World

EXAMPLES = int(os.environ.get("FACENERVE_FUZZ_EXAMPLES", "8"))

schema = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api"))
schema.app = WSGIHandler()


@pytest.fixture
def clinician(world: World) -> Iterator[tuple[World, dict[str, str]]]:
    """B1's clinician's session cookie and a CSRF token (sent as cookie and header). As in Django's test client,
    requests do not close the database connection (it holds the test's transaction)."""
    client = Client()
    client.force_login(world.clinician_b)
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield world, {"sessionid": client.cookies["sessionid"].value, "csrftoken": secrets.token_hex(16)}
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much])
def test_api_operation_never_fails_or_breaks_its_schema(case: Any, clinician: tuple[World, dict[str, str]]) -> None:
    world, cookies = clinician
    pk = (case.path_parameters or {}).get("pk")
    if isinstance(pk, int) and pk % 2 == 0:  # half the examples reach a real record, past the 404
        real = world.assessment_b1.pk if case.path.startswith("/api/assessments") else world.patient_b1.pk
        case.path_parameters["pk"] = real
    response = case.call(cookies=cookies, headers={"X-CSRFToken": cookies["csrftoken"]})
    case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])
