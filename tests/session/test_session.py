"""Sessions of synthetic expressions with known excursions: measures, grades, partial and broken sessions.

The acceptance figures of issue #3 live in test_acceptance.py.
"""

from __future__ import annotations

import io
import json

import numpy as np
import pytest
from PIL import Image

from facenerve import Expression, FaceNerveError, analyze_photo
from facenerve.session import SCHEMA, SessionAssessment, analyze_session
from tests.synth.session import BROW_ELEVATION_MM, SMILE_EXCURSION_MM


def _excursion(session: SessionAssessment, expression: Expression) -> tuple[float, float, float | None]:
    v = session.measures.primary(expression)
    assert v is not None
    return v.right, v.left, v.ratio


def test_healthy_excursions_are_near_the_induced_amounts(healthy_session: SessionAssessment) -> None:
    right, left, _ = _excursion(healthy_session, Expression.SMILE_OPEN)
    assert abs(right - SMILE_EXCURSION_MM) < 2.5 and abs(left - SMILE_EXCURSION_MM) < 2.5, (right, left)
    right, left, _ = _excursion(healthy_session, Expression.BROW_RAISE)
    assert abs(right - BROW_ELEVATION_MM) < 4.0 and abs(left - BROW_ELEVATION_MM) < 4.0, (right, left)
    assert healthy_session.affected_side == "none"


def test_flaccid_palsy_side_and_lagophthalmos(flaccid_session: SessionAssessment) -> None:
    assert flaccid_session.affected_side == "left"
    right, left, ratio = _excursion(flaccid_session, Expression.SMILE_OPEN)
    assert left < 1.3 < 5.0 < right and ratio is not None and ratio < 0.15
    gap = flaccid_session.measures.value(Expression.GENTLE_EYE_CLOSURE, "residual_gap_mm")
    assert gap is not None and gap.left > 6.0 and gap.left - gap.right > 3.0, gap


def test_half_strength_smile_reads_about_half(graded_sessions: dict[float, SessionAssessment]) -> None:
    _, _, ratio = _excursion(graded_sessions[0.5], Expression.SMILE_OPEN)
    assert ratio is not None and 0.35 <= ratio <= 0.65, ratio
    assert graded_sessions[0.5].affected_side == "left"


def test_pucker_is_medial_and_smile_goes_up_and_out(healthy_session: SessionAssessment) -> None:
    pucker = healthy_session.measures.value(Expression.PUCKER, "commissure_medial_mm")
    direction = healthy_session.measures.value(Expression.SMILE_OPEN, "commissure_direction_deg")
    assert pucker is not None and pucker.left > 1.3 and pucker.right > 1.3
    assert direction is not None and 10.0 < direction.left < 80.0 and 10.0 < direction.right < 80.0


def test_ocular_synkinesis_is_found_on_the_synkinetic_side(
    synkinetic_session: SessionAssessment, healthy_session: SessionAssessment
) -> None:
    assert synkinetic_session.affected_side == "left"
    smile = synkinetic_session.measures.synkinesis_on(Expression.SMILE_OPEN)
    assert smile is not None and smile.kind == "ocular_oral"
    assert smile.left - smile.right > 20.0, smile
    items = synkinetic_session.scores["sunnybrook"].items
    assert items["synkinesis.open_mouth_smile"].value is not None and items["synkinesis.open_mouth_smile"].value >= 1
    healthy_items = healthy_session.scores["sunnybrook"].items
    assert all(healthy_items[f"synkinesis.{k}"].value == 0 for k in ("open_mouth_smile", "lip_pucker", "snarl"))
    ocular = synkinetic_session.scores["eface"].items["synkinesis.ocular"].value
    assert ocular is not None and ocular < 90.0


def test_every_score_has_derivation_items_and_provisional_flag(healthy_session: SessionAssessment) -> None:
    doc = json.loads(healthy_session.to_json())
    assert doc["schema"] == SCHEMA
    assert set(doc["photos"]) == {e.value for e in Expression}
    assert all(p["schema"] == "facenerve.photo/1" for p in doc["photos"].values())
    assert doc["missing"] == [] and doc["failed"] == []
    assert set(doc["scores"]) == {"eface", "sunnybrook", "house_brackmann"}
    assert "total" in doc["scores"]["eface"] and "composite" in doc["scores"]["sunnybrook"]
    assert doc["scores"]["house_brackmann"]["grade"] in ("I", "II", "III", "IV", "V", "VI")
    for score in doc["scores"].values():
        assert score["provisional"] is True and score["derivation"]
        for item in score["items"].values():
            assert item["derivation"]
    smile = doc["dynamics"]["smile_open"]["commissure_excursion_mm"]
    assert smile["unit"] == "mm" and smile["ratio"] is not None
    assert set(doc["synkinesis"]) == {"ocular_oral", "oral_ocular"}
    assert doc["alignment"]["gentle_eye_closure"]["anchor_residual_mm"] < 2.0


def test_eye_closure_photos_take_the_rest_scale(healthy_session: SessionAssessment) -> None:
    closed = healthy_session.photos[Expression.GENTLE_EYE_CLOSURE]
    rest = healthy_session.photos[Expression.REST]
    assert closed.ok and closed.scale is not None and rest.scale is not None
    assert any("carried over from the rest photo" in w for w in closed.warnings)
    assert abs(closed.scale.mm_per_px / rest.scale.mm_per_px - 1.0) < 0.05


def test_a_photo_with_eyes_shut_is_still_measured_at_the_rest_scale(
    healthy_photos: dict[Expression, np.ndarray],
) -> None:
    """A snarl or big smile can hide the irises; the photo must not fail for want of an iris scale."""
    shut = healthy_photos[Expression.TIGHT_EYE_CLOSURE]
    session = analyze_session({Expression.REST: healthy_photos[Expression.REST], Expression.SNARL: shut})
    snarl = session.photos[Expression.SNARL]
    assert snarl.ok, snarl.error
    assert snarl.scale is not None and snarl.scale.source == "session_rest"
    rest = session.photos[Expression.REST]
    assert rest.scale is not None and rest.scale.source == "iris"
    assert snarl.scale.relative_uncertainty == rest.scale.relative_uncertainty
    # Alone, it is measured too (issue 19; it used to be refused), at the face-proportion scale, less certain.
    alone = analyze_photo(shut, expression="snarl")
    assert alone.ok and alone.scale is not None and alone.scale.source == "population"
    assert alone.scale.relative_uncertainty is not None and rest.scale.relative_uncertainty is not None
    assert alone.scale.relative_uncertainty > rest.scale.relative_uncertainty


def test_missing_photos_score_what_can_be_scored(healthy_photos: dict[Expression, np.ndarray]) -> None:
    partial = {e: healthy_photos[e] for e in (Expression.REST, Expression.SMILE_OPEN, Expression.GENTLE_EYE_CLOSURE)}
    session = analyze_session(partial)
    doc = session.to_dict()
    assert set(doc["missing"]) == {e.value for e in Expression} - {"rest", "smile_open", "gentle_eye_closure"}
    sunnybrook = doc["scores"]["sunnybrook"]
    assert "composite" not in sunnybrook and "resting" in sunnybrook
    assert "voluntary.brow_lift" in sunnybrook["missing"]
    assert sunnybrook["items"]["voluntary.open_mouth_smile"]["value"] == 5
    assert "grade" not in doc["scores"]["house_brackmann"]
    # Issue 19: eFACE gives a partial total from the measured items (every subscore has one); it used to be withheld.
    eface = doc["scores"]["eface"]
    assert "dynamic" in eface and eface["partial"] is True and "total" in eface
    assert "dynamic.brow_elevation" in eface["missing"]


def test_a_broken_photo_is_listed_and_the_rest_still_scored(healthy_photos: dict[Expression, np.ndarray]) -> None:
    photos: dict[Expression | str, object] = {e: healthy_photos[e] for e in Expression}
    photos["pucker"] = b"not an image at all"
    buffer = io.BytesIO()
    Image.fromarray(healthy_photos[Expression.SMILE_OPEN]).save(buffer, format="PNG")
    photos[Expression.SMILE_OPEN] = buffer.getvalue()
    session = analyze_session(photos)  # type: ignore[arg-type]
    assert list(session.failed) == [Expression.PUCKER]
    doc = session.to_dict()
    assert doc["failed"][0]["code"] == "not_an_image"
    assert doc["scores"]["sunnybrook"]["items"]["voluntary.lip_pucker"]["value"] is None
    assert doc["scores"]["sunnybrook"]["items"]["voluntary.open_mouth_smile"]["value"] == 5
    assert doc["scores"]["house_brackmann"]["grade"] in ("I", "II")
    # The contact sheet draws every photo that was measured and a plain tile saying why for the failed one.
    from facenerve.session.sheet import COLUMNS, TILE_PX, TITLE_PX, decode_inputs, render_sheet

    images = decode_inputs(session)
    assert Expression.PUCKER not in images and len(images) == len(Expression) - 1
    sheet = render_sheet(session, images)
    order = list(Expression)

    def corner(expression: Expression) -> tuple[int, int, int]:
        i = order.index(expression)
        x, y = (i % COLUMNS) * TILE_PX + TILE_PX - 10, (i // COLUMNS) * (TILE_PX + TITLE_PX) + TITLE_PX + TILE_PX - 10
        return sheet.getpixel((x, y))  # type: ignore[return-value]

    assert corner(Expression.PUCKER) == (45, 47, 54)
    assert corner(Expression.SMILE_OPEN) != (45, 47, 54)


def test_without_a_rest_photo_nothing_is_graded(healthy_photos: dict[Expression, np.ndarray]) -> None:
    session = analyze_session({Expression.SMILE_OPEN: healthy_photos[Expression.SMILE_OPEN]})
    assert session.measures.rest is None and not session.measures.dynamics
    assert any("rest photo" in w for w in session.warnings)
    assert "composite" not in session.scores["sunnybrook"].scores


def test_unknown_expression_key_is_a_usage_error(healthy_photos: dict[Expression, np.ndarray]) -> None:
    with pytest.raises(FaceNerveError, match="unknown expression 'frown'") as info:
        analyze_session({"frown": healthy_photos[Expression.REST]})
    assert info.value.code == "bad_option"
    with pytest.raises(FaceNerveError, match="rest: expected a path, encoded bytes or an RGB array, got int"):
        analyze_session({"rest": 5})  # type: ignore[dict-item]
    for passes in (0, 4):
        with pytest.raises(FaceNerveError, match="--passes must be a whole number from 1 to 3") as info:
            analyze_session({"rest": healthy_photos[Expression.REST]}, landmark_passes=passes)
        assert info.value.code == "bad_option"


def test_mirrored_selfies_keep_the_patients_sides() -> None:
    """A left palsy photographed as front-camera selfies (mirror images) is still a left palsy when declared."""
    from tests.synth.session import palsy, session_photos

    selfies = {e: np.ascontiguousarray(rgb[:, ::-1]) for e, rgb in session_photos(palsy("left", 0.0)).items()}
    assert analyze_session(selfies, mirrored=True).affected_side == "left"
    assert analyze_session(selfies).affected_side == "right"


def test_an_item_too_small_to_measure_is_left_out_of_the_eface_total(healthy_session: SessionAssessment) -> None:
    """The lower-lip photo was taken but the healthy side read < 1.3 mm: no ratio, left out, total still given."""
    from dataclasses import replace

    from facenerve.scales.auto import estimate_eface
    from facenerve.session.dynamics import SideValues

    still = SideValues("lower_lip_depression_mm", "lower_teeth", "mm", 0.4, 0.9, "right", None)
    dynamics = {**healthy_session.measures.dynamics, Expression.LOWER_TEETH: {"lower_lip_depression_mm": still}}
    eface = estimate_eface(replace(healthy_session.measures, dynamics=dynamics))
    assert eface.items["dynamic.lower_lip_eeee"].value is None
    assert not eface.items["dynamic.lower_lip_eeee"].photo_missing
    assert "total" in eface.scores
    assert any("dynamic.lower_lip_eeee" in line for line in eface.to_dict()["derivation"] if "left out" in line)
    without_photo = {e: v for e, v in healthy_session.measures.dynamics.items() if e is not Expression.LOWER_TEETH}
    eface = estimate_eface(replace(healthy_session.measures, dynamics=without_photo))
    assert eface.items["dynamic.lower_lip_eeee"].photo_missing
    assert "total" in eface.scores and eface.scores["partial"] is True  # issue 19: a partial total, not none


def test_seven_of_nine_photos_give_a_partial_eface_total(healthy_photos: dict[Expression, np.ndarray]) -> None:
    """Issue 19: healthy volunteers photographed in 7 of the 9 expressions get an eFACE total, flagged partial,
    with the items of the two missing photos named."""
    absent = (Expression.LOWER_TEETH, Expression.TIGHT_EYE_CLOSURE)
    session = analyze_session({e: rgb for e, rgb in healthy_photos.items() if e not in absent})
    eface = session.scores["eface"]
    assert "total" in eface.scores and eface.scores["partial"] is True
    assert float(eface.scores["total"]) >= 85  # healthy, as in the acceptance test of full sessions
    assert {"dynamic.lower_lip_eeee", "dynamic.full_eye_closure"} <= set(eface.missing)
    assert eface.items["dynamic.lower_lip_eeee"].photo_missing
    assert eface.items["dynamic.full_eye_closure"].photo_missing
    doc = session.to_dict()["scores"]["eface"]
    assert doc["partial"] is True and "dynamic.full_eye_closure" in doc["missing"]
    assert any("partial total" in line and "dynamic.lower_lip_eeee" in line for line in doc["derivation"])
    full = analyze_session(healthy_photos).scores["eface"]
    assert full.scores.get("partial") is False


def test_a_known_affected_side_replaces_the_found_one(healthy_photos: dict[Expression, np.ndarray]) -> None:
    session = analyze_session(healthy_photos, affected_side="right")
    assert session.affected_side == "right"
    assert session.measures.affected_side_basis.startswith("given by the user")
    smile = session.measures.primary(Expression.SMILE_OPEN)
    assert smile is not None and smile.reference_side == "left"
    with pytest.raises(FaceNerveError, match="affected side must be left or right"):
        analyze_session(healthy_photos, affected_side="both")
