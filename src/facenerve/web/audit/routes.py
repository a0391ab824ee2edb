"""Which routes read or change patient data, and which object each names (one table for pages, API, admin)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Route:
    """A patient-data route: the object type, the URL argument holding its id ("" for a list), and whether a GET
    shows patient data (a blank form does not)."""

    object_type: str
    id_kwarg: str = ""
    get_reads: bool = True


#: (URL namespace, URL name) -> the route's object. Every page and endpoint that touches patient data is here;
#: tests/web/test_audit.py walks them all.
ROUTES: dict[tuple[str, str], Route] = {
    ("clinic", "dashboard"): Route("patient"),
    ("clinic", "patient"): Route("patient", "pk"),
    ("clinic", "patient_new"): Route("patient", get_reads=False),
    ("clinic", "episode_new"): Route("patient", "pk"),
    ("clinic", "assessment_new"): Route("patient", "pk"),
    ("clinic", "treatment_new"): Route("patient", "pk"),
    ("clinic", "alert_dismiss"): Route("patient", "pk"),
    ("clinic", "alert_undismiss"): Route("patient", "pk"),
    ("clinic", "assessment"): Route("assessment", "pk"),
    ("clinic", "scale"): Route("assessment", "pk"),
    ("clinic", "observations"): Route("assessment", "pk"),
    ("clinic", "image"): Route("image", "sha256"),
    ("clinic", "landmarks"): Route("photo", "pk"),
    ("clinic", "compare"): Route("patient", "pk"),
    ("clinic", "photo_aligned"): Route("photo", "pk"),
    ("clinic", "report"): Route("patient", "pk"),
    ("clinic", "report_pdf"): Route("patient", "pk"),
    ("api", "get_fhir"): Route("patient", "pk"),
    ("clinic", "export_csv"): Route("patient", "pk"),
    ("clinic", "export_xlsx"): Route("patient", "pk"),
    ("clinic", "landmarks_reset"): Route("photo", "pk"),
    ("api", "list_patients"): Route("patient"),
    ("api", "create_patient"): Route("patient"),
    ("api", "get_patient"): Route("patient", "pk"),
    ("api", "create_episode"): Route("patient", "pk"),
    ("api", "list_episodes"): Route("patient", "pk"),
    ("api", "list_assessments"): Route("patient", "pk"),
    ("api", "list_treatments"): Route("patient", "pk"),
    ("api", "list_alerts"): Route("patient", "pk"),
    ("api", "get_prognosis"): Route("patient", "pk"),
    ("api", "dismiss_alert"): Route("patient", "pk"),
    ("api", "create_treatment"): Route("patient", "pk"),
    ("api", "get_assessment"): Route("assessment", "pk"),
    ("api", "score_scale"): Route("assessment", "pk"),
    # Editing and deleting records (issue 20): GET shows the record (the form, or what a delete would take).
    ("clinic", "patient_edit"): Route("patient", "pk"),
    ("clinic", "patient_delete"): Route("patient", "pk"),
    ("clinic", "episode_edit"): Route("episode", "pk"),
    ("clinic", "episode_delete"): Route("episode", "pk"),
    ("clinic", "assessment_edit"): Route("assessment", "pk"),
    ("clinic", "assessment_delete"): Route("assessment", "pk"),
    ("clinic", "treatment_edit"): Route("treatment", "pk"),
    ("clinic", "treatment_delete"): Route("treatment", "pk"),
    ("api", "update_patient"): Route("patient", "pk"),
    ("api", "delete_patient"): Route("patient", "pk"),
    ("api", "update_episode"): Route("episode", "pk"),
    ("api", "delete_episode"): Route("episode", "pk"),
    ("api", "update_assessment"): Route("assessment", "pk"),
    ("api", "delete_assessment"): Route("assessment", "pk"),
    ("api", "update_treatment"): Route("treatment", "pk"),
    ("api", "delete_treatment"): Route("treatment", "pk"),
}

#: Django admin models that hold patient data (app label, model name): every admin page of them is audited.
ADMIN_MODELS = {
    ("clinic", "patient"), ("clinic", "episode"), ("clinic", "assessment"), ("clinic", "assessmentphoto"),
    ("clinic", "treatment"), ("clinic", "alertdismissal"), ("accounts", "profile"),
}


def route_of(namespace: str, url_name: str) -> Route | None:
    """The audited route for a resolved URL, else None."""
    found = ROUTES.get((namespace, url_name))
    if found is not None or namespace != "admin":
        return found
    for app, model in ADMIN_MODELS:
        if url_name.startswith(f"{app}_{model}_"):
            return Route(model, "object_id")
    return None
