"""Pages of the landmark correction: the zoomable photo with draggable handles, saving a correction, resetting it.

Clinicians of the patient's care team only; anything outside the user's reach is a 404.
"""

# mypy: allow-untyped-decorators
# (Django ships no type hints here; its view decorators keep the signatures they wrap.)

from __future__ import annotations

import json
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from facenerve import labels
from facenerve.web.clinic import access, assessment_view, correction
from facenerve.web.clinic.models import AssessmentPhoto
from facenerve.web.clinic.views import forbidden

MAX_MOVES = 64


def _photo(request: HttpRequest, pk: int) -> AssessmentPhoto:
    rows = AssessmentPhoto.objects.filter(assessment__in=access.visible_assessments(request.user))
    photo: AssessmentPhoto = get_object_or_404(rows.select_related("assessment__episode__patient"), pk=pk)
    return photo


@login_required
@require_http_methods(["GET", "POST"])
def landmarks(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the photo with its measuring landmarks as handles. POST: measure again from the moved handles."""
    photo = _photo(request, pk)
    if not access.can_edit(request.user):
        return forbidden(request, "Only clinicians of the patient's care team can correct landmarks.")
    error, status = "", 200
    if request.method == "POST":
        try:
            moves = _moves(request.POST.get("handles", ""))
            mm_per_px = _scale(request.POST.get("mm_per_px", ""))
            mirrored = request.POST.get("mirrored") == "1" if "mirror_shown" in request.POST else None
            correction.correct(photo, moves, mm_per_px, request.user, mirrored)
        except correction.CorrectionError as exc:
            error, status = str(exc), 400
        else:
            target = reverse("clinic:assessment", kwargs={"pk": photo.assessment_id})
            return redirect(f"{target}?photo={photo.expression}#photo")
    anatomy = correction.anatomy_of(photo)
    points = [{"id": h.id, "label": h.label, "x": round(h.x, 2), "y": round(h.y, 2)}
              for h in (correction.handles(anatomy) if anatomy is not None else [])]
    context: dict[str, Any] = {
        "photo": photo, "assessment": photo.assessment, "patient": photo.assessment.episode.patient,
        "label": labels.expression(photo.expression), "handles": points, "error": error,
        "scale": (photo.result or {}).get("scale") or {}, "corrected": (photo.result or {}).get("corrected"),
        "corrected_at": assessment_view.parsed_time(((photo.result or {}).get("corrected") or {}).get("at")),
        "mirrored": bool((photo.result or {}).get("mirrored")),
    }
    return render(request, "clinic/landmarks.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def landmarks_reset(request: HttpRequest, pk: int) -> HttpResponse:
    """Back to the automatic landmarks and measures, after a confirmation that works without JavaScript: GET (or a
    POST without ``confirm=yes``) shows what will be discarded; only a POST with ``confirm=yes`` discards it."""
    photo = _photo(request, pk)
    if not access.can_edit(request.user):
        return forbidden(request, "Only clinicians of the patient's care team can reset a correction.")
    if request.method != "POST" or request.POST.get("confirm") != "yes":
        back = reverse("clinic:assessment", kwargs={"pk": photo.assessment_id})
        corrected = (photo.result or {}).get("corrected") or {}
        context = {"photo": photo, "label": labels.expression(photo.expression), "corrected": corrected,
                   "back": f"{back}?photo={photo.expression}#photo",
                   "error": "Confirm the reset with the button below." if request.method == "POST" else ""}
        return render(request, "clinic/landmarks_reset.html", context, status=400 if request.method == "POST" else 200)
    try:
        correction.reset(photo)
    except correction.CorrectionError as exc:
        return HttpResponse(str(exc), status=400, content_type="text/plain; charset=utf-8")
    target = reverse("clinic:assessment", kwargs={"pk": photo.assessment_id})
    return redirect(f"{target}?photo={photo.expression}#photo")


def _moves(raw: str) -> dict[str, Any]:
    if len(raw) > 20_000:
        raise correction.CorrectionError("too many landmark moves")
    try:
        moves = json.loads(raw or "{}")
    except ValueError:
        raise correction.CorrectionError("the landmark moves are not readable") from None
    if not isinstance(moves, dict) or len(moves) > MAX_MOVES:
        raise correction.CorrectionError("the landmark moves must map each landmark to [x, y]")
    return moves


def _scale(raw: str) -> float | None:
    text = raw.strip()
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        raise correction.CorrectionError("the scale must be a number of mm per pixel") from None
