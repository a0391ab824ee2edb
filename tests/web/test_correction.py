"""Landmark correction (issue 20): one engine function measures from given landmarks; a clinician's moved handles
are measured again with no detection, the session graded again, the automatic result kept, and reset restores it."""

from __future__ import annotations

import json

import numpy as np
import pytest
from django.urls import reverse

from facenerve.engine.remeasure import anatomy_from_dict, anatomy_to_dict, photo_from_documents
from facenerve.web.clinic.correction import apply_moves, handles
from facenerve.web.clinic.models import AssessmentPhoto

from .conftest import World, signed_in


def _handle(photo: AssessmentPhoto, handle_id: str) -> tuple[float, float]:
    anatomy = anatomy_from_dict(photo.landmarks)
    found = next(h for h in handles(anatomy) if h.id == handle_id)
    return found.x, found.y


def test_stored_landmarks_measure_what_the_detector_measured(world: World) -> None:
    photo = world.photo_b1
    rebuilt = photo_from_documents(photo.result, photo.landmarks)
    for name, metric in photo.result["metrics"].items():
        for side in ("left", "right"):
            if metric[side] is not None:
                assert getattr(rebuilt.metrics[name], side) == pytest.approx(metric[side], abs=0.02, rel=1e-3), name
    assert rebuilt.asymmetry is not None
    assert rebuilt.asymmetry.index == pytest.approx(photo.result["asymmetry"]["index"], abs=0.02)
    again = anatomy_from_dict(anatomy_to_dict(rebuilt.anatomy))  # type: ignore[arg-type]
    assert np.allclose(again.left.upper_lid, rebuilt.anatomy.left.upper_lid, atol=0.01)  # type: ignore[union-attr]


def test_moving_the_mouth_corner_bends_the_lips_with_it(world: World) -> None:
    anatomy = anatomy_from_dict(world.photo_b1.landmarks)
    x, y = _handle(world.photo_b1, "left.commissure")
    moved = apply_moves(anatomy, {"left.commissure": [x + 5, y - 12]})
    assert np.allclose(moved.left.commissure.reshape(2), [x + 5, y - 12])
    assert np.allclose(moved.right.commissure, anatomy.right.commissure)
    lips = moved.left.upper_lip_outer - anatomy.left.upper_lip_outer
    assert abs(lips[-1, 1] + 12) < 1e-6 and abs(lips[0, 1]) < 1e-6  # the corner end follows, the midline stays


def test_correction_measures_again_records_who_and_resets(world: World) -> None:
    client = signed_in(world.clinician_b)
    photo = world.photo_b1
    before, picture_before = photo.result, photo.annotated_sha256
    page = client.get(reverse("clinic:landmarks", kwargs={"pk": photo.pk}))
    assert page.status_code == 200 and b'id="lm-data"' in page.content and b"landmarks.js" in page.content
    x, y = _handle(photo, "left.commissure")
    moves = {"left.commissure": [x + 4, y - 15], "left.lower_lid": list(_handle(photo, "left.lower_lid"))}
    reply = client.post(reverse("clinic:landmarks", kwargs={"pk": photo.pk}), {"handles": json.dumps(moves)})
    assert reply.status_code == 302
    photo.refresh_from_db()
    doc = photo.result
    assert doc["corrected"]["by"] == "clin-b" and "left.commissure" in doc["corrected"]["handles"]
    assert doc["automatic"]["metrics"] == before["metrics"]  # the automatic result is kept
    assert doc["metrics"]["commissure_height"]["left"] < before["metrics"]["commissure_height"]["left"] - 1
    right = before["metrics"]["commissure_height"]["right"]
    assert doc["metrics"]["commissure_height"]["right"] == pytest.approx(right, abs=0.02)
    assert doc["asymmetry"]["index"] != before["asymmetry"]["index"]
    assert photo.annotated_sha256 != picture_before and photo.landmarks["automatic"]
    world.assessment_b1.refresh_from_db()
    assert world.assessment_b1.engine_result["regraded_from_landmarks"] is True
    assert world.assessment_b1.asymmetry_index_mm == pytest.approx(doc["asymmetry"]["index"], abs=0.05)
    shown = client.get(reverse("clinic:assessment", kwargs={"pk": world.assessment_b1.pk})).content.decode()
    assert "corrected by hand" in shown and "Landmarks corrected by clin-b" in shown
    reset = reverse("clinic:landmarks_reset", kwargs={"pk": photo.pk})
    # The reset asks first, without JavaScript: the assessment page links to a confirmation page, and a POST
    # without the confirmation discards nothing.
    assert f'href="{reset}"' in shown and f'action="{reset}"' not in shown
    confirm = client.get(reset)
    assert confirm.status_code == 200 and b'name="confirm" value="yes"' in confirm.content
    assert b"discards the landmark correction made by clin-b" in confirm.content
    unconfirmed = client.post(reset)
    assert unconfirmed.status_code == 400 and b"Confirm the reset" in unconfirmed.content
    photo.refresh_from_db()
    assert photo.result["corrected"]["by"] == "clin-b"
    assert client.post(reset, {"confirm": "yes"}).status_code == 302
    photo.refresh_from_db()
    assert photo.result["metrics"] == before["metrics"] and "corrected" not in photo.result
    assert client.post(reset, {"confirm": "yes"}).status_code == 400


@pytest.mark.parametrize(("handles_text", "scale", "message"), [
    ("not json", "", "not readable"),
    ('{"nose.tip": [1, 2]}', "", "unknown landmark"),
    ('{"left.pupil": [1e9, 5]}', "", "moved too far"),
    ('{"left.pupil": ["a", 5]}', "", "two numbers"),
    ('{"left.pupil": [1]}', "", "[x, y]"),
    ("[1, 2]", "", "map each landmark"),
    ("{}", "abc", "number of mm per pixel"),
    ("{}", "-1", "between 0.001 and 5"),
])
def test_bad_corrections_answer_400_and_change_nothing(world: World, handles_text: str, scale: str,
                                                       message: str) -> None:
    before = world.photo_b1.result
    reply = signed_in(world.clinician_b).post(reverse("clinic:landmarks", kwargs={"pk": world.photo_b1.pk}),
                                            {"handles": handles_text, "mm_per_px": scale})
    assert reply.status_code == 400 and message in reply.content.decode()
    world.photo_b1.refresh_from_db()
    assert world.photo_b1.result == before


def test_a_given_scale_replaces_the_photos_scale(world: World) -> None:
    photo = world.photo_b1
    old = photo.result["scale"]["mm_per_px"]
    reply = signed_in(world.clinician_b).post(reverse("clinic:landmarks", kwargs={"pk": photo.pk}),
                                            {"handles": "{}", "mm_per_px": str(old * 2)})
    assert reply.status_code == 302
    photo.refresh_from_db()
    assert photo.result["scale"]["source"] == "manual" and photo.result["scale"]["mm_per_px"] == pytest.approx(old * 2)
    width = photo.result["metrics"]["palpebral_fissure_width"]["left"]
    assert width == pytest.approx(2 * photo.result["automatic"]["metrics"]["palpebral_fissure_width"]["left"], rel=0.01)


def test_marking_a_photo_as_a_mirror_image_swaps_the_patients_sides_and_back(world: World) -> None:
    """The mirrored flag is edited like the scale: ticked, each side's measures become the other side's (the
    session is graded again and the annotated picture redrawn); unticked again, the first reading returns."""
    client = signed_in(world.clinician_b)
    photo = world.photo_b1
    before, picture_before = photo.result, photo.annotated_sha256
    url = reverse("clinic:landmarks", kwargs={"pk": photo.pk})
    assert b'name="mirrored"' in client.get(url).content
    reply = client.post(url, {"handles": "{}", "mirror_shown": "1", "mirrored": "1"})
    assert reply.status_code == 302
    photo.refresh_from_db()
    doc = photo.result
    assert doc["mirrored"] is True and doc["corrected"]["mirror_changed"] is True
    for name, metric in before["metrics"].items():
        assert doc["metrics"][name]["left"] == pytest.approx(metric["right"], abs=0.02, rel=1e-3), name
        assert doc["metrics"][name]["right"] == pytest.approx(metric["left"], abs=0.02, rel=1e-3), name
    assert photo.annotated_sha256 != picture_before
    assert b'class="lm-mirrored"' in client.get(url).content  # the viewer shows the picture as it is read
    world.assessment_b1.refresh_from_db()
    assert world.assessment_b1.engine_result["regraded_from_landmarks"] is True
    assert client.post(url, {"handles": "{}", "mirror_shown": "1"}).status_code == 302  # unticked
    photo.refresh_from_db()
    assert photo.result["mirrored"] is False
    for name, metric in before["metrics"].items():
        assert photo.result["metrics"][name]["left"] == pytest.approx(metric["left"], abs=0.02, rel=1e-3), name


def test_moves_are_placed_on_the_picture_as_shown_then_the_sides_swap(world: World) -> None:
    """A pupil moved on the picture as shown and "mirror image" ticked in the same save: the move is applied where
    it was placed, then the image is read flipped, so that pupil is the other side's, at width − x."""
    photo = world.photo_b1
    x, y = _handle(photo, "right.pupil")
    reply = signed_in(world.clinician_b).post(reverse("clinic:landmarks", kwargs={"pk": photo.pk}), {
        "handles": json.dumps({"right.pupil": [x + 3, y + 2]}), "mirror_shown": "1", "mirrored": "1"})
    assert reply.status_code == 302
    photo.refresh_from_db()
    moved = anatomy_from_dict(photo.landmarks).left.iris_center.reshape(2)
    assert np.allclose(moved, [photo.width_px - (x + 3), y + 2], atol=0.02)


def test_a_correction_never_replaces_a_grade_that_was_not_automated(world: World) -> None:
    """A House–Brackmann grade recorded without a source (entered through the API or the demo) and a clinician's
    Sunnybrook stay through a correction and its reset; only automated or empty columns take the new estimates."""
    assessment = world.assessment_b1
    assessment.house_brackmann, assessment.sunnybrook_composite = 2, 71.0
    assessment.summary_sources = {"sunnybrook_composite": "clinician"}
    assessment.save()
    client = signed_in(world.clinician_b)
    photo = world.photo_b1
    x, y = _handle(photo, "left.commissure")
    url = reverse("clinic:landmarks", kwargs={"pk": photo.pk})
    assert client.post(url, {"handles": json.dumps({"left.commissure": [x + 4, y - 15]})}).status_code == 302
    reset = reverse("clinic:landmarks_reset", kwargs={"pk": photo.pk})
    assert client.post(reset, {"confirm": "yes"}).status_code == 302
    assessment.refresh_from_db()
    assert (assessment.house_brackmann, assessment.sunnybrook_composite) == (2, 71.0)
    assert assessment.summary_sources.get("house_brackmann") is None
    assert assessment.summary_sources["sunnybrook_composite"] == "clinician"
