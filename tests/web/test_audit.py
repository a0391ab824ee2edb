"""The audit trail: every patient-data page and endpoint adds exactly one event; the trail is append-only;
administrators (only) can see, filter and export it."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from django.db import connection, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from facenerve.web.audit.models import AppendOnlyError, AuditEvent
from facenerve.web.audit.routes import ROUTES

from .conftest import World, signed_in
from .test_access import HB_ITEMS

#: Routes in the audited namespaces that hold no patient data.
NOT_PATIENT_DATA = {("clinic", "home"), ("clinic", "favicon"),
                    ("api", "list_scales"), ("api", "openapi-json"), ("api", "openapi-view"),
                    ("api", "api-root")}




def _requests(w: World) -> dict[tuple[str, str], tuple[str, str, dict[str, Any] | None, str, str]]:
    """(namespace, name) -> (method, url, body, expected object type, expected object id) for every audited route,
    done by B1's clinician."""
    p, a, e = w.patient_b1.pk, w.assessment_b1.pk, w.episode_b1.pk
    onset = w.episode_b1.onset_date.isoformat()
    treatment = {"kind": "medication", "name": "prednisolone", "start": onset}
    episode = {"onset_date": onset, "side": "right", "cause": "bells", "severity_at_onset": "complete"}
    new_patient = {"identifier": "B-NEW", "birth_date": "1980-01-01", "sex": "female", "care_team": w.team_b.pk,
                   **episode}
    sha = w.photo_b1.image_sha256
    return {
        ("clinic", "dashboard"): ("GET", reverse("clinic:dashboard"), None, "patient", ""),
        ("clinic", "patient"): ("GET", reverse("clinic:patient", kwargs={"pk": p}), None, "patient", str(p)),
        ("clinic", "patient_new"): ("POST", reverse("clinic:patient_new"), {**new_patient, "identifier": "B-NEW2"},
                                    "patient", "*"),
        ("clinic", "episode_new"): ("GET", reverse("clinic:episode_new", kwargs={"pk": p}), None, "patient", str(p)),
        ("clinic", "assessment_new"): ("GET", reverse("clinic:assessment_new", kwargs={"pk": p}), None, "patient",
                                       str(p)),
        ("clinic", "treatment_new"): ("POST", reverse("clinic:treatment_new", kwargs={"pk": p}), treatment,
                                      "treatment", "*"),
        ("clinic", "alert_dismiss"): ("POST", reverse("clinic:alert_dismiss", kwargs={"pk": p}), {"rule": "nope"},
                                      "patient", str(p)),
        ("clinic", "alert_undismiss"): ("POST", reverse("clinic:alert_undismiss", kwargs={"pk": p}), {"rule": "nope"},
                                        "patient", str(p)),
        ("clinic", "assessment"): ("GET", reverse("clinic:assessment", kwargs={"pk": a}), None, "assessment", str(a)),
        ("clinic", "compare"): ("GET", reverse("clinic:compare", kwargs={"pk": p}), None, "patient", str(p)),
        ("clinic", "photo_aligned"): ("GET", reverse("clinic:photo_aligned", kwargs={"pk": w.photo_b1.pk}), None,
                                      "photo", str(w.photo_b1.pk)),
        ("clinic", "report"): ("GET", reverse("clinic:report", kwargs={"pk": p}), None, "patient", str(p)),
        ("clinic", "report_pdf"): ("GET", reverse("clinic:report_pdf", kwargs={"pk": p}), None, "patient", str(p)),
        ("api", "get_fhir"): ("GET", f"/api/patients/{p}/fhir", None, "patient", str(p)),
        ("clinic", "export_csv"): ("GET", reverse("clinic:export_csv", kwargs={"pk": p}), None, "patient", str(p)),
        ("clinic", "export_xlsx"): ("GET", reverse("clinic:export_xlsx", kwargs={"pk": p}), None, "patient", str(p)),
        ("clinic", "landmarks"): ("GET", reverse("clinic:landmarks", kwargs={"pk": w.photo_b1.pk}), None, "photo",
                                  str(w.photo_b1.pk)),
        ("clinic", "landmarks_reset"): ("POST", reverse("clinic:landmarks_reset", kwargs={"pk": w.photo_b1.pk}),
                                        {"confirm": "yes"},
                                        "photo", str(w.photo_b1.pk)),
        ("clinic", "scale"): ("POST", reverse("clinic:scale", kwargs={"pk": a, "scale": "house_brackmann"}), HB_ITEMS,
                              "assessment", str(a)),
        ("clinic", "observations"): ("POST", reverse("clinic:observations", kwargs={"pk": a}),
                                     {"eye_closure_complete": "false", "lagophthalmos_mm": "2"}, "assessment", str(a)),
        ("clinic", "image"): ("GET", reverse("clinic:image", kwargs={"sha256": sha}), None, "image", sha),
        ("api", "list_patients"): ("GET", "/api/patients", None, "patient", ""),
        ("api", "create_patient"): ("POST", "/api/patients", new_patient, "patient", "*"),
        ("api", "get_patient"): ("GET", f"/api/patients/{p}", None, "patient", str(p)),
        ("api", "create_episode"): ("POST", f"/api/patients/{p}/episodes", episode, "episode", "*"),
        ("api", "list_episodes"): ("GET", f"/api/patients/{p}/episodes", None, "patient", str(p)),
        ("api", "list_assessments"): ("GET", f"/api/patients/{p}/assessments?episode={e}", None, "patient", str(p)),
        ("api", "list_treatments"): ("GET", f"/api/patients/{p}/treatments", None, "patient", str(p)),
        ("api", "list_alerts"): ("GET", f"/api/patients/{p}/alerts", None, "patient", str(p)),
        ("api", "get_prognosis"): ("GET", f"/api/patients/{p}/prognosis", None, "patient", str(p)),
        ("api", "dismiss_alert"): ("POST", f"/api/patients/{p}/alerts/nope/dismiss", {}, "patient", str(p)),
        ("api", "create_treatment"): ("POST", f"/api/patients/{p}/treatments", treatment, "treatment", "*"),
        ("api", "get_assessment"): ("GET", f"/api/assessments/{a}", None, "assessment", str(a)),
        ("api", "score_scale"): ("POST", f"/api/assessments/{a}/scales/house_brackmann", {"items": HB_ITEMS},
                                 "assessment", str(a)),
        **_record_requests(w),
    }


def _record_requests(w: World) -> dict[tuple[str, str], tuple[str, str, dict[str, Any] | None, str, str]]:
    """Editing and deleting records: each page read (the form, or the delete confirmation), each API write."""
    from .test_access import _api_record_writes, _record_posts, _record_targets

    targets = _record_targets(w)
    found: dict[tuple[str, str], tuple[str, str, dict[str, Any] | None, str, str]] = {}
    for name, (url, _) in _record_posts(w).items():
        kind = name.split("_")[0]
        found[("clinic", name)] = ("GET", url, None, kind, str(targets[kind]))
    for name, (method, url, body) in _api_record_writes(w).items():
        kind = name.split("_")[1]
        found[("api", name)] = (method.upper(), url, body, kind, str(targets[kind]))
    return found


def _names(patterns: list[Any], namespace: str = "") -> set[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    for item in patterns:
        if isinstance(item, URLResolver):
            found |= _names(item.url_patterns, item.namespace or namespace)
        elif isinstance(item, URLPattern) and item.name:
            found.add((namespace, item.name))
    return found


def test_every_clinic_and_api_route_is_audited_or_holds_no_patient_data() -> None:
    routes = {n for n in _names(get_resolver().url_patterns) if n[0] in ("clinic", "api")}
    assert routes - NOT_PATIENT_DATA == set(ROUTES)


@pytest.mark.parametrize("route", sorted(ROUTES))
def test_each_patient_data_route_adds_exactly_one_event(world: World, route: tuple[str, str]) -> None:
    method, url, body, object_type, object_id = _requests(world)[route]
    client = signed_in(world.clinician_b)
    before = AuditEvent.objects.count()
    if method == "GET":
        response = client.get(url)
    elif route[0] == "api":
        response = client.generic(method, url, json.dumps(body) if body is not None else "",
                                  content_type="application/json")
    else:
        response = client.post(url, body)
    assert response.status_code < 500, response.content[:300]
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.order_by("-id").first()
    assert event is not None
    assert (event.user_id, event.username, event.address) == (world.clinician_b.pk, "clin-b", "127.0.0.1")
    assert event.object_type == object_type
    assert event.object_id == object_id or (object_id == "*" and event.object_id.isdigit())
    assert event.action == ("read" if method == "GET" else "create" if object_id == "*" else
                            "erase" if method == "DELETE" else "update")
    assert (event.method, event.path.split("?")[0], event.status) == (method, url.split("?")[0],
                                                                     response.status_code)


def test_refused_reads_are_recorded_with_their_status(world: World) -> None:
    url = reverse("clinic:patient", kwargs={"pk": world.patient_b1.pk})
    assert signed_in(world.clinician_a).get(url).status_code == 404
    event = AuditEvent.objects.get()
    assert (event.username, event.object_id, event.status) == ("clin-a", str(world.patient_b1.pk), 404)


def test_anonymous_and_non_patient_requests_add_nothing(world: World) -> None:
    Client().get(reverse("clinic:patient", kwargs={"pk": world.patient_b1.pk}))
    signed_in(world.clinician_b).get("/api/scales")
    signed_in(world.clinician_b).get(reverse("clinic:patient_new"))
    assert not AuditEvent.objects.exists()


def test_admin_pages_of_patient_data_are_audited(world: World) -> None:
    client = signed_in(world.admin)
    assert client.get(f"/admin/clinic/patient/{world.patient_b1.pk}/change/").status_code == 200
    event = AuditEvent.objects.get()
    assert (event.username, event.object_type, event.object_id) == ("admin", "patient", str(world.patient_b1.pk))


def test_the_app_cannot_change_or_delete_an_event(world: World) -> None:
    signed_in(world.clinician_b).get(reverse("clinic:patient", kwargs={"pk": world.patient_b1.pk}))
    event = AuditEvent.objects.get()
    event.username = "someone-else"
    for attempt in (event.save, event.delete, AuditEvent.objects.all().delete,
                    lambda: AuditEvent.objects.update(username="x"),
                    lambda: AuditEvent.objects.filter(pk=event.pk).update(status=200)):
        with pytest.raises(AppendOnlyError):
            attempt()
    assert AuditEvent.objects.get().username == "clin-b"


def test_on_postgresql_a_trigger_refuses_update_delete_and_truncate(world: World) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the trigger is PostgreSQL's (this test runs in the PostgreSQL pass of the web suite)")
    from django.db import DatabaseError

    signed_in(world.clinician_b).get(reverse("clinic:patient", kwargs={"pk": world.patient_b1.pk}))
    for sql in ("UPDATE audit_auditevent SET username = 'x'", "DELETE FROM audit_auditevent",
                "TRUNCATE audit_auditevent"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    assert AuditEvent.objects.get().username == "clin-b"


def test_admin_sees_filters_and_exports_the_trail(world: World) -> None:
    clinician = signed_in(world.clinician_b)
    clinician.get(reverse("clinic:patient", kwargs={"pk": world.patient_b1.pk}))
    clinician.get(f"/api/assessments/{world.assessment_b1.pk}")
    admin = signed_in(world.admin)
    page = admin.get("/admin/audit/auditevent/?object_type__exact=assessment")
    assert page.status_code == 200 and b"Export CSV" in page.content
    exported = admin.get("/admin/audit/auditevent/export.csv?object_type__exact=assessment")
    assert exported.status_code == 200 and exported["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(exported.streaming_content).decode())))
    assert [(r["username"], r["object_type"], r["object_id"]) for r in rows] == [
        ("clin-b", "assessment", str(world.assessment_b1.pk))]
    assert AuditEvent.objects.filter(action="export", object_type="audit", username="admin").count() == 1
    assert admin.post(f"/admin/audit/auditevent/{AuditEvent.objects.first().pk}/delete/").status_code == 403
    assert AuditEvent.objects.count() == 3


@pytest.mark.parametrize("user", ["clinician_b", "user_b1"])
def test_only_administrators_see_the_trail(world: World, user: str) -> None:
    for url in ("/admin/audit/auditevent/", "/admin/audit/auditevent/export.csv"):
        response = signed_in(getattr(world, user)).get(url)
        assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_csv_cells_cannot_run_as_formulas() -> None:
    from facenerve.web.audit.export import _cell

    assert _cell("=HYPERLINK(1)") == "'=HYPERLINK(1)" and _cell("clin-b") == "clin-b"
