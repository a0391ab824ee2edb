"""Every page and API endpoint refuses cross-patient and cross-team access (and allows the right user)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from facenerve.web.clinic.models import Assessment, Treatment

from .conftest import World, signed_in

#: A valid House–Brackmann entry (grade III).
HB_ITEMS = {"gross": 3, "rest": 2, "forehead": 3, "eye_closure": 3, "mouth": 3, "secondary": 1}


def _page_urls(w: World) -> dict[str, str]:
    """Every clinic page that concerns patient B1 (team B)."""
    return {
        "patient": reverse("clinic:patient", kwargs={"pk": w.patient_b1.pk}),
        "assessment_new": reverse("clinic:assessment_new", kwargs={"pk": w.patient_b1.pk}),
        "treatment_new": reverse("clinic:treatment_new", kwargs={"pk": w.patient_b1.pk}),
        "episode_new": reverse("clinic:episode_new", kwargs={"pk": w.patient_b1.pk}),
        "assessment": reverse("clinic:assessment", kwargs={"pk": w.assessment_b1.pk}),
        "scale": reverse("clinic:scale", kwargs={"pk": w.assessment_b1.pk, "scale": "sunnybrook"}),
        "image": reverse("clinic:image", kwargs={"sha256": w.photo_b1.image_sha256}),
        "annotated_image": reverse("clinic:image", kwargs={"sha256": w.photo_b1.annotated_sha256}),
        "aligned_image": reverse("clinic:photo_aligned", kwargs={"pk": w.photo_b1.pk}),
        **_workstation_pages(w),
        **{name: reverse(f"clinic:{name}", kwargs={"pk": w.patient_b1.pk}) for name in EXPORT_PAGES},
    }


def _posts(w: World) -> dict[str, tuple[str, dict[str, Any]]]:
    """Every write on patient B1, with valid data."""
    return {
        "assessment_new": (reverse("clinic:assessment_new", kwargs={"pk": w.patient_b1.pk}),
                           {"taken_on": "2026-01-01"}),
        "treatment_new": (reverse("clinic:treatment_new", kwargs={"pk": w.patient_b1.pk}),
                          {"kind": "medication", "name": "prednisolone", "start": w.episode_b1.onset_date.isoformat()}),
        "scale": (reverse("clinic:scale", kwargs={"pk": w.assessment_b1.pk, "scale": "house_brackmann"}), HB_ITEMS),
        "observations": (reverse("clinic:observations", kwargs={"pk": w.assessment_b1.pk}),
                         {"eye_closure_complete": "false", "lagophthalmos_mm": "2"}),
        **_workstation_posts(w),
    }


#: Editing and deleting records (issue 20): each edit and delete page, on patient B1's records.
RECORD_PAGES = ["patient_edit", "patient_delete", "episode_edit", "episode_delete", "assessment_edit",
                "assessment_delete", "treatment_edit", "treatment_delete"]
#: The clinician's workstation (issue 20): writes on patient B1 or its records.
WORKSTATION_POSTS = ["alert_undismiss", "landmarks", "landmarks_reset", *RECORD_PAGES]
WORKSTATION_PAGES = ["landmarks", "compare", "report", "report_pdf", "report_pdf_patient", *RECORD_PAGES]
#: A patient's series as a spreadsheet (issue 20).
EXPORT_PAGES = ["export_csv", "export_xlsx"]


def b1_treatment(w: World) -> Treatment:
    """A treatment of patient B1 (created on first use)."""
    found: Treatment
    found, _ = Treatment.objects.get_or_create(episode=w.episode_b1, kind="medication", name="prednisolone",
                                               start=w.episode_b1.onset_date)
    return found


def _record_targets(w: World) -> dict[str, int]:
    return {"patient": w.patient_b1.pk, "episode": w.episode_b1.pk, "assessment": w.assessment_b1.pk,
            "treatment": b1_treatment(w).pk}


def _record_posts(w: World) -> dict[str, tuple[str, dict[str, Any]]]:
    """Valid edits and confirmed deletes of B1's records."""
    onset = w.episode_b1.onset_date.isoformat()
    bodies = {
        "patient": {"identifier": "B-001-renamed", "birth_date": "1970-05-01", "sex": "male", "care_team": w.team_b.pk},
        "episode": {"onset_date": onset, "side": "right", "cause": "bells", "severity_at_onset": "incomplete"},
        "assessment": {"taken_on": onset, "notes": "edited"},
        "treatment": {"kind": "medication", "name": "other", "other_name": "Edited drug", "start": onset},
    }
    posts = {}
    for kind, pk in _record_targets(w).items():
        posts[f"{kind}_edit"] = (reverse(f"clinic:{kind}_edit", kwargs={"pk": pk}), bodies[kind])
        posts[f"{kind}_delete"] = (reverse(f"clinic:{kind}_delete", kwargs={"pk": pk}), {"confirm": "yes"})
    return posts


def _workstation_posts(w: World) -> dict[str, tuple[str, dict[str, Any]]]:
    return {
        "alert_undismiss": (reverse("clinic:alert_undismiss", kwargs={"pk": w.patient_b1.pk}), {"rule": "botox_due"}),
        "landmarks": (reverse("clinic:landmarks", kwargs={"pk": w.photo_b1.pk}), {"handles": "{}"}),
        "landmarks_reset": (reverse("clinic:landmarks_reset", kwargs={"pk": w.photo_b1.pk}), {"confirm": "yes"}),
        **_record_posts(w),
    }


def _workstation_pages(w: World) -> dict[str, str]:
    return {"landmarks": reverse("clinic:landmarks", kwargs={"pk": w.photo_b1.pk}),
            "compare": reverse("clinic:compare", kwargs={"pk": w.patient_b1.pk}),
            "report": reverse("clinic:report", kwargs={"pk": w.patient_b1.pk}),
            "report_pdf": reverse("clinic:report_pdf", kwargs={"pk": w.patient_b1.pk}),
            "report_pdf_patient": reverse("clinic:report_pdf", kwargs={"pk": w.patient_b1.pk}) + "?version=patient",
            **{name: url for name, (url, _) in _record_posts(w).items()}}


def _api_gets(w: World) -> dict[str, str]:
    p, a = w.patient_b1.pk, w.assessment_b1.pk
    return {
        "patient": f"/api/patients/{p}",
        "episodes": f"/api/patients/{p}/episodes",
        "assessments": f"/api/patients/{p}/assessments",
        "treatments": f"/api/patients/{p}/treatments",
        "alerts": f"/api/patients/{p}/alerts",
        "prognosis": f"/api/patients/{p}/prognosis",
        "assessment": f"/api/assessments/{a}",
        "fhir": f"/api/patients/{p}/fhir",
    }


def _api_record_writes(w: World) -> dict[str, tuple[str, str, dict[str, Any] | None]]:
    """(method, url, body) of every API edit and delete of B1's records."""
    onset = w.episode_b1.onset_date.isoformat()
    bodies = {
        "patient": {"identifier": "B-001-renamed", "birth_date": "1970-05-01", "care_team": w.team_b.pk},
        "episode": {"onset_date": onset, "side": "right", "severity_at_onset": "incomplete"},
        "assessment": {"taken_on": onset},
        "treatment": {"kind": "medication", "name": "valaciclovir", "start": onset},
    }
    writes: dict[str, tuple[str, str, dict[str, Any] | None]] = {}
    for kind, pk in _record_targets(w).items():
        writes[f"update_{kind}"] = ("put", f"/api/{kind}s/{pk}", bodies[kind])
        writes[f"delete_{kind}"] = ("delete", f"/api/{kind}s/{pk}", None)
    return writes


API_RECORD_WRITES = [f"{verb}_{kind}" for kind in ("patient", "episode", "assessment", "treatment")
                     for verb in ("update", "delete")]


def _api_posts(w: World) -> dict[str, tuple[str, dict[str, Any]]]:
    return {
        "treatment": (f"/api/patients/{w.patient_b1.pk}/treatments",
                      {"kind": "medication", "name": "prednisolone", "start": w.episode_b1.onset_date.isoformat()}),
        "scale": (f"/api/assessments/{w.assessment_b1.pk}/scales/house_brackmann", {"items": HB_ITEMS}),
    }


PAGE_NAMES = ["patient", "assessment_new", "treatment_new", "episode_new", "assessment", "scale", "image",
              "annotated_image", "aligned_image", *WORKSTATION_PAGES, *EXPORT_PAGES]
POST_NAMES = ["assessment_new", "treatment_new", "scale", "observations", *WORKSTATION_POSTS]
API_GET_NAMES = ["patient", "episodes", "assessments", "treatments", "alerts", "prognosis", "assessment", "fhir"]
API_POST_NAMES = ["treatment", "scale"]
OUTSIDERS = ["clinician_a", "user_a1", "admin"]




@pytest.mark.parametrize("outsider", OUTSIDERS)
@pytest.mark.parametrize("page", PAGE_NAMES)
def test_page_refuses_outsiders(world: World, outsider: str, page: str) -> None:
    response = signed_in(getattr(world, outsider)).get(_page_urls(world)[page])
    assert response.status_code == 404


@pytest.mark.parametrize("page", PAGE_NAMES)
def test_page_allows_the_care_team(world: World, page: str) -> None:
    response = signed_in(world.clinician_b).get(_page_urls(world)[page])
    assert response.status_code == 200


@pytest.mark.parametrize("page", ["patient", "assessment", "image", "annotated_image", "aligned_image", "compare",
                                  "report", "report_pdf", "report_pdf_patient", *EXPORT_PAGES])
def test_patient_reads_only_their_own_record(world: World, page: str) -> None:
    assert signed_in(world.user_b1).get(_page_urls(world)[page]).status_code == 200


@pytest.mark.parametrize("page", PAGE_NAMES)
def test_page_needs_login(world: World, page: str) -> None:
    response = Client().get(_page_urls(world)[page])
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("outsider", OUTSIDERS)
@pytest.mark.parametrize("post", POST_NAMES)
def test_writes_refused_for_outsiders(world: World, outsider: str, post: str) -> None:
    url, data = _posts(world)[post]
    before = (Assessment.objects.count(), Treatment.objects.count())
    response = signed_in(getattr(world, outsider)).post(url, data)
    assert response.status_code == 404
    assert (Assessment.objects.count(), Treatment.objects.count()) == before
    world.assessment_b1.refresh_from_db()
    assert world.assessment_b1.eye_closure_complete is None and world.assessment_b1.scale_scores == {}


def test_patient_fills_in_questionnaires_on_their_own_record_only(world: World) -> None:
    answers = {f"item_{i}": "3" for i in range(1, 10)}
    own = reverse("clinic:scale", kwargs={"pk": world.assessment_b1.pk, "scale": "saq"})
    assert signed_in(world.user_b1).post(own, answers).status_code == 302
    world.assessment_b1.refresh_from_db()
    assert world.assessment_b1.questionnaires["saq"]["result"]["scores"]["total"] > 0
    other = reverse("clinic:scale", kwargs={"pk": world.assessment_a1.pk, "scale": "saq"})
    assert signed_in(world.user_b1).post(other, answers).status_code == 404
    api = signed_in(world.user_b1).post(f"/api/assessments/{world.assessment_a1.pk}/scales/saq",
                                      {"items": {k: 3 for k in answers}}, content_type="application/json")
    assert api.status_code == 404
    world.assessment_a1.refresh_from_db()
    assert world.assessment_a1.questionnaires == {}


@pytest.mark.parametrize("post", POST_NAMES)
def test_patient_cannot_write_own_record(world: World, post: str) -> None:
    url, data = _posts(world)[post]
    response = signed_in(world.user_b1).post(url, data)
    assert response.status_code == 403


def test_dashboard_lists_only_the_clinicians_team(world: World) -> None:
    body = signed_in(world.clinician_a).get(reverse("clinic:dashboard")).content.decode()
    assert "A-001" in body and "A-002" in body
    assert "B-001" not in body


@pytest.mark.parametrize("user", ["user_a1", "admin"])
def test_dashboard_is_for_clinicians(world: World, user: str) -> None:
    assert signed_in(getattr(world, user)).get(reverse("clinic:dashboard")).status_code == 403


@pytest.mark.parametrize("outsider", OUTSIDERS)
@pytest.mark.parametrize("endpoint", API_GET_NAMES)
def test_api_get_refuses_outsiders(world: World, outsider: str, endpoint: str) -> None:
    assert signed_in(getattr(world, outsider)).get(_api_gets(world)[endpoint]).status_code == 404


@pytest.mark.parametrize("endpoint", API_GET_NAMES)
def test_api_get_allows_the_care_team(world: World, endpoint: str) -> None:
    assert signed_in(world.clinician_b).get(_api_gets(world)[endpoint]).status_code == 200


@pytest.mark.parametrize("endpoint", API_GET_NAMES)
def test_api_needs_login(world: World, endpoint: str) -> None:
    assert Client().get(_api_gets(world)[endpoint]).status_code == 401


@pytest.mark.parametrize("outsider", OUTSIDERS)
@pytest.mark.parametrize("endpoint", API_POST_NAMES)
def test_api_writes_refused_for_outsiders(world: World, outsider: str, endpoint: str) -> None:
    url, data = _api_posts(world)[endpoint]
    before = Treatment.objects.count()
    response = signed_in(getattr(world, outsider)).post(url, data, content_type="application/json")
    assert response.status_code == 404
    assert Treatment.objects.count() == before
    world.assessment_b1.refresh_from_db()
    assert world.assessment_b1.house_brackmann is None and world.assessment_b1.scale_scores == {}


@pytest.mark.parametrize("endpoint", API_POST_NAMES)
def test_api_patient_cannot_write(world: World, endpoint: str) -> None:
    url, data = _api_posts(world)[endpoint]
    assert signed_in(world.user_b1).post(url, data, content_type="application/json").status_code == 403


def _api_write(client: Client, method: str, url: str, body: dict[str, Any] | None) -> Any:
    return getattr(client, method)(url, body, content_type="application/json") if body else getattr(client, method)(url)


def _b1_state(w: World) -> tuple[Any, ...]:
    from facenerve.web.clinic.models import Episode, Patient

    return (tuple(Patient.objects.filter(pk=w.patient_b1.pk).values_list("identifier", "sex")),
            tuple(Episode.objects.filter(pk=w.episode_b1.pk).values_list("side", "complete_at_onset")),
            tuple(Assessment.objects.filter(pk=w.assessment_b1.pk).values_list("taken_on", "notes")),
            tuple(Treatment.objects.filter(episode=w.episode_b1).values_list("name", "start")))


@pytest.mark.parametrize("outsider", OUTSIDERS)
@pytest.mark.parametrize("endpoint", API_RECORD_WRITES)
def test_api_record_edits_refused_for_outsiders(world: World, outsider: str, endpoint: str) -> None:
    method, url, body = _api_record_writes(world)[endpoint]
    before = _b1_state(world)
    assert _api_write(signed_in(getattr(world, outsider)), method, url, body).status_code == 404
    assert _b1_state(world) == before


@pytest.mark.parametrize("endpoint", API_RECORD_WRITES)
def test_api_record_edits_patient_refused_care_team_allowed(world: World, endpoint: str) -> None:
    method, url, body = _api_record_writes(world)[endpoint]
    before = _b1_state(world)
    assert _api_write(signed_in(world.user_b1), method, url, body).status_code == 403
    assert _b1_state(world) == before
    assert Client().generic(method.upper(), url).status_code == 401
    response = _api_write(signed_in(world.clinician_b), method, url, body)
    assert response.status_code == (204 if method == "delete" else 200), response.content
    assert _b1_state(world) != before


@pytest.mark.parametrize("page", RECORD_PAGES)
def test_record_pages_change_for_the_care_team(world: World, page: str) -> None:
    url, data = _record_posts(world)[page]
    before = _b1_state(world)
    assert signed_in(world.clinician_b).post(url, data).status_code == 302
    assert _b1_state(world) != before


def test_api_patient_list_is_scoped(world: World) -> None:
    ids = {p["identifier"] for p in signed_in(world.clinician_a).get("/api/patients").json()}
    assert ids == {"A-001", "A-002"}
    ids = {p["identifier"] for p in signed_in(world.user_b1).get("/api/patients").json()}
    assert ids == {"B-001"}
    assert signed_in(world.admin).get("/api/patients").json() == []


@pytest.mark.parametrize("post", ["treatment_new", "scale", "observations"])
def test_care_team_can_write(world: World, post: str) -> None:
    """The positive control for the refusals above: the same writes succeed for B1's own clinician."""
    url, data = _posts(world)[post]
    response = signed_in(world.clinician_b).post(url, data)
    assert response.status_code == 302
    world.assessment_b1.refresh_from_db()
    changed = {
        "treatment_new": Treatment.objects.filter(episode=world.episode_b1).exists(),
        "scale": world.assessment_b1.house_brackmann == 3,
        "observations": world.assessment_b1.eye_closure_complete is False,
    }
    assert changed[post]


@pytest.mark.parametrize("endpoint", API_POST_NAMES)
def test_api_care_team_can_write(world: World, endpoint: str) -> None:
    url, data = _api_posts(world)[endpoint]
    response = signed_in(world.clinician_b).post(url, data, content_type="application/json")
    assert response.status_code in (200, 201), response.content


def test_foreign_episode_ids_are_refused(world: World) -> None:
    """An episode of another team's patient cannot be reached through one's own patient's pages."""
    client = signed_in(world.clinician_a)
    foreign = world.episode_b1.pk
    own = world.patient_a1.pk
    assert client.get(reverse("clinic:patient", kwargs={"pk": own}) + f"?episode={foreign}").status_code == 404
    url = reverse("clinic:treatment_new", kwargs={"pk": own})
    data = {"kind": "medication", "name": "prednisolone", "start": world.episode_b1.onset_date.isoformat(),
            "episode": foreign}
    assert client.post(url, data).status_code == 404
    assert client.get(f"/api/patients/{own}/alerts?episode={foreign}").status_code == 404
    api = client.post(f"/api/patients/{own}/treatments", {**data, "episode": foreign}, content_type="application/json")
    assert api.status_code == 404
    assert not Treatment.objects.exists()


@pytest.mark.parametrize("user", ["clinician_a", "user_a1"])
def test_django_admin_is_for_administrators_only(world: World, user: str) -> None:
    response = signed_in(getattr(world, user)).get("/admin/clinic/patient/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert signed_in(world.admin).get("/admin/clinic/patient/").status_code == 200


#: Pages for administrators only (the audit trail and its export).
ADMIN_ONLY_URLS = ["/admin/audit/auditevent/", "/admin/audit/auditevent/export.csv"]


@pytest.mark.parametrize("url", ADMIN_ONLY_URLS)
@pytest.mark.parametrize("user", ["clinician_b", "user_b1", None])
def test_admin_only_pages_refuse_everyone_else(world: World, url: str, user: str | None) -> None:
    client = signed_in(getattr(world, user)) if user else Client()
    response = client.get(url)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


@pytest.mark.parametrize("url", ADMIN_ONLY_URLS)
def test_admin_only_pages_open_for_administrators(world: World, url: str) -> None:
    assert signed_in(world.admin).get(url).status_code == 200


#: Account pages for a signed-in user (their own account only: nothing here takes another user's id).
ACCOUNT_PAGES = [("GET", "accounts:security"), ("POST", "accounts:recovery_codes"), ("POST", "accounts:turn_off"),
                 ("POST", "accounts:logout_everywhere"), ("GET", "accounts:password_change")]


@pytest.mark.parametrize(("method", "name"), ACCOUNT_PAGES)
def test_account_pages_need_login(db: Any, method: str, name: str) -> None:
    response = getattr(Client(), method.lower())(reverse(name))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("name", ["accounts:verify", "accounts:setup"])
def test_second_step_pages_need_the_password_first(db: Any, name: str) -> None:
    assert Client().get(reverse(name))["Location"] == reverse("accounts:login")


@pytest.mark.parametrize("user", ["clinician_b", "user_b1", "admin"])
def test_every_role_reaches_its_own_security_page(world: World, user: str) -> None:
    assert signed_in(getattr(world, user)).get(reverse("accounts:security")).status_code == 200


# --- the patient library (/learn/): public reading, logged-in writing, editor-only pages -----------------------

LIBRARY_PUBLIC = ["/learn/", "/learn/topics/recovery/", "/learn/articles/aftereffects/", "/learn/search/?q=eye",
                  "/learn/references/", "/learn/feed/"]
LIBRARY_EDITOR_GETS = ["/learn/moderation/", "/learn/edit/", "/learn/edit/new/", "/learn/edit/aftereffects/"]
LIBRARY_READERS = ["clinician_a", "user_a1", "admin"]


def _library(w: World) -> Any:
    """The bundled articles, an editor (a flagged clinician of team A) and one visible comment by patient B1."""
    from facenerve.web.education.articles import load_library
    from facenerve.web.education.models import Article, Comment, Editor

    from .conftest import make_user

    load_library()
    editor = make_user("editor-a", "clinician")
    Editor.objects.create(user=editor)
    comment = Comment.objects.create(article=Article.objects.get(slug="aftereffects"), author=w.user_b1,
                                     display_name="Reader B", body="mine", status="visible")
    return editor, comment


@pytest.mark.parametrize("url", LIBRARY_PUBLIC)
@pytest.mark.parametrize("reader", [None, *LIBRARY_READERS])
def test_library_reading_is_open_to_everyone(world: World, url: str, reader: str | None) -> None:
    _library(world)
    c = signed_in(getattr(world, reader)) if reader else Client()
    assert c.get(url).status_code == 200


@pytest.mark.parametrize("url", LIBRARY_EDITOR_GETS)
def test_library_editor_pages_refuse_everyone_but_editors(world: World, url: str) -> None:
    editor, _ = _library(world)
    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("accounts:login"))
    for reader in LIBRARY_READERS:
        assert signed_in(getattr(world, reader)).get(url).status_code == 403, reader
    assert signed_in(editor).get(url).status_code == 200


def test_library_moderation_refuses_non_editors(world: World) -> None:
    editor, comment = _library(world)
    url = f"/learn/moderation/comments/{comment.pk}/"
    assert Client().post(url, {"action": "hide"}).status_code == 302
    for reader in LIBRARY_READERS:
        assert signed_in(getattr(world, reader)).post(url, {"action": "hide"}).status_code == 403
    comment.refresh_from_db()
    assert comment.status == "visible"
    assert signed_in(editor).post(url, {"action": "hide"}).status_code == 302


@pytest.mark.parametrize("action", ["edit", "delete"])
def test_library_comment_changes_are_for_their_author_only(world: World, action: str) -> None:
    from facenerve.web.education.models import Comment

    editor, comment = _library(world)
    url = f"/learn/comments/{comment.pk}/{action}/"
    assert Client().post(url, {"body": "x"}).status_code == 302
    for outsider in [world.clinician_a, world.user_a1, world.admin, editor]:
        assert signed_in(outsider).post(url, {"body": "x"}).status_code == 403
    comment.refresh_from_db()
    assert comment.body == "mine" and not comment.deleted
    Comment.objects.filter(pk=comment.pk).update(status="pending")  # not visible to others: not found
    assert signed_in(world.user_a1).post(url, {"body": "x"}).status_code == 404
    assert signed_in(world.user_b1).post(url, {"body": "mine, edited"}).status_code == 302


def test_library_comment_and_report_need_a_login_and_a_commenting_role(world: World) -> None:
    _, comment = _library(world)
    for url in ("/learn/articles/aftereffects/comments/", f"/learn/comments/{comment.pk}/report/",
                "/learn/display-name/"):
        response = Client().post(url, {"body": "x", "display_name": "Someone New"})
        assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    assert signed_in(world.admin).post("/learn/display-name/", {"display_name": "Someone New"}).status_code == 403
    assert signed_in(world.admin).post("/learn/articles/aftereffects/comments/", {"body": "x"}).status_code == 403


def test_library_notices_are_their_recipients_only(world: World) -> None:
    from facenerve.web.education.models import Comment, Notice

    editor, comment = _library(world)
    reply = Comment.objects.create(article=comment.article, parent=comment, author=editor, display_name="Ed",
                                   body="re", status="visible", by_clinician=True)
    notice = Notice.objects.create(recipient=world.user_b1, reply=reply)
    url = f"/learn/notices/{notice.pk}/read/"
    for outsider in [world.user_a1, world.clinician_b, world.admin, editor]:
        assert signed_in(outsider).post(url).status_code == 404
    assert signed_in(world.user_b1).post(url).status_code == 302


def test_health_is_public_and_holds_no_patient_data(world: World) -> None:
    reply = Client().get("/health")
    assert reply.status_code == 200 and set(reply.json()) == {"status", "database", "images"}
