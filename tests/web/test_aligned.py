"""Visit photos aligned on the pupils (issue 20): the canvas maths on generated faces with known pupils, and the
aligned pictures on the comparison page (who may load them, the fallback for a photo with no pupils)."""

from __future__ import annotations

import io
import math
from datetime import timedelta
from typing import Any

import numpy as np
import pytest
from django.test import Client
from django.urls import reverse

from facenerve.web.clinic import aligned
from facenerve.web.clinic.models import Assessment, AssessmentPhoto
from facenerve.web.storage import default_store

from .conftest import World, signed_in

#: A face in millimetres (x toward the patient's left, y down, origin midway between the pupils): the patient's
#: right pupil, left pupil and a mark on the chin, each drawn in its own colour channel.
FACE_MM = {"right": (-31.0, 0.0), "left": (31.0, 0.0), "chin": (0.0, 70.0)}
CHANNEL = {"right": 0, "left": 1, "chin": 2}
DOT_MM = 3.0


def _photo(px_per_mm: float, tilt_deg: float, centre: tuple[float, float], size: tuple[int, int]) -> tuple[Any, ...]:
    """A generated photo of :data:`FACE_MM` at ``px_per_mm``, turned by ``tilt_deg`` about ``centre``: the image
    (H×W×3) and where each mark is, in pixels (pixel i spans [i, i + 1])."""
    width, height = size
    theta = math.radians(tilt_deg)
    rotate = np.array([[math.cos(theta), -math.sin(theta)], [math.sin(theta), math.cos(theta)]])
    where = {k: tuple(float(v) for v in rotate @ (px_per_mm * np.array(p)) + np.array(centre))
             for k, p in FACE_MM.items()}
    rgb = np.zeros((height, width, 3), dtype=np.uint8)
    ys, xs = np.mgrid[0:height, 0:width] + 0.5
    for name, (x, y) in where.items():
        rgb[..., CHANNEL[name]][(xs - x) ** 2 + (ys - y) ** 2 <= (DOT_MM * px_per_mm) ** 2] = 255
    return rgb, where


def _centroid(canvas: np.ndarray, channel: int) -> tuple[float, float]:
    weight = canvas[..., channel].astype(float) * (canvas[..., channel] > 60)
    ys, xs = np.mgrid[0:canvas.shape[0], 0:canvas.shape[1]] + 0.5
    return float((xs * weight).sum() / weight.sum()), float((ys * weight).sum() / weight.sum())


def _expected(name: str) -> tuple[float, float]:
    x_mm, y_mm = FACE_MM[name]
    mid_x, mid_y = aligned.PUPIL_MIDPOINT_PX
    return mid_x + x_mm * aligned.PX_PER_MM, mid_y + y_mm * aligned.PX_PER_MM


@pytest.mark.parametrize(("px_per_mm", "tilt_deg", "centre", "size", "mirrored"), [
    (4.0, 0.0, (300.0, 260.0), (640, 720), False),     # level, larger than the canvas
    (2.2, -9.0, (170.3, 140.8), (400, 380), False),    # small and turned
    (12.5, 14.0, (1100.0, 820.0), (2000, 1800), False),  # a large photo (shrunk before turning), turned the other way
    (5.0, 6.0, (420.0, 300.0), (800, 720), True),      # declared mirrored: the landmarks are in the flipped image
])
def test_the_pupils_land_on_the_fixed_points_at_the_canvas_scale(
        px_per_mm: float, tilt_deg: float, centre: tuple[float, float], size: tuple[int, int], mirrored: bool) -> None:
    rgb, where = _photo(px_per_mm, tilt_deg, centre, size)
    alignment = aligned.Alignment(where["right"], where["left"], 1.0 / px_per_mm, mirrored)
    stored = rgb[:, ::-1] if mirrored else rgb  # a mirrored photo is stored as taken and flipped to be measured
    canvas = np.asarray(aligned.render(stored, alignment))
    assert canvas.shape == (aligned.CANVAS_PX[1], aligned.CANVAS_PX[0], 3)
    for name in FACE_MM:
        found, wanted = _centroid(canvas, CHANNEL[name]), _expected(name)
        assert math.dist(found, wanted) < 1.0, (name, found, wanted)
        assert math.dist(alignment.to_canvas(where[name]), wanted) < 1e-6
    # The mm scale: the chin mark lies 70 mm below the pupil line, the pupils 62 mm apart, whatever the photo's scale.
    right, left, chin = (_centroid(canvas, CHANNEL[k]) for k in ("right", "left", "chin"))
    assert abs((left[0] - right[0]) / aligned.PX_PER_MM - 62.0) < 0.3
    assert abs((chin[1] - (right[1] + left[1]) / 2) / aligned.PX_PER_MM - 70.0) < 0.3


def test_two_photos_of_one_face_overlay() -> None:
    first, where_first = _photo(3.1, 4.0, (260.0, 240.0), (560, 600))
    second, where_second = _photo(7.4, -11.0, (700.0, 520.0), (1300, 1200))
    one = np.asarray(aligned.render(first, aligned.Alignment(where_first["right"], where_first["left"], 1 / 3.1)))
    two = np.asarray(aligned.render(second, aligned.Alignment(where_second["right"], where_second["left"], 1 / 7.4)))
    for name in FACE_MM:
        assert math.dist(_centroid(one, CHANNEL[name]), _centroid(two, CHANNEL[name])) < 1.0, name


def _unsaved(result: dict[str, Any], landmarks: dict[str, Any] | None) -> AssessmentPhoto:
    return AssessmentPhoto(expression="rest", image_sha256="0" * 64, width_px=10, height_px=10, result=result,
                           landmarks=landmarks)


def test_photos_that_cannot_be_aligned_say_why() -> None:
    scale = {"scale": {"mm_per_px": 0.4, "source": "iris"}}
    pupils = {"right": {"iris_center": [100.0, 100.0]}, "left": {"iris_center": [160.0, 102.0]}}
    found, note = aligned.alignment_of(_unsaved(scale, pupils))
    assert found is not None and note == "" and abs(found.tilt_deg - math.degrees(math.atan2(2, 60))) < 1e-9
    cases = [
        (_unsaved({"error": {"code": "no_face"}}, None), "not measured"),
        (_unsaved(scale, None), "not measured"),
        (_unsaved({}, pupils), "missing"),
        (_unsaved({"scale": {"mm_per_px": 0}}, pupils), "no usable scale"),
        (_unsaved(scale, {"right": {"iris_center": [100, 100]}, "left": {"iris_center": [101, 100]}}), "2 pixels"),
        (_unsaved(scale, {"right": {"iris_center": [160, 100]}, "left": {"iris_center": [100, 100]}}), "tilted"),
        (_unsaved(scale, {"right": {"iris_center": [float("nan"), 100]}, "left": {"iris_center": [1, 1]}}), "missing"),
    ]
    for photo, why in cases:
        found, note = aligned.alignment_of(photo)
        assert found is None and why in note, (why, note)


def test_a_correction_moves_the_alignment() -> None:
    """The current (corrected) pupils are used, not the automatic ones kept beside them."""
    automatic = {"right": {"iris_center": [100.0, 100.0]}, "left": {"iris_center": [160.0, 100.0]}}
    corrected = {"right": {"iris_center": [104.0, 98.0]}, "left": {"iris_center": [160.0, 100.0]},
                 "automatic": automatic}
    found, _ = aligned.alignment_of(_unsaved({"scale": {"mm_per_px": 0.5}}, corrected))
    assert found is not None and found.right_pupil == (104.0, 98.0)


def test_the_cache_key_names_the_drawing_exactly() -> None:
    photo = _unsaved({}, None)
    base = aligned.Alignment((100.0, 100.0), (160.0, 102.0), 0.4)
    variants = [aligned.Alignment((100.0, 100.0), (160.0, 102.0), 0.4, mirrored=True),
                aligned.Alignment((100.00001, 100.0), (160.0, 102.0), 0.4),
                aligned.Alignment((100.0, 100.0), (160.0, 102.0), 0.40000001)]
    keys = {aligned.cache_key(photo, a) for a in (base, *variants)}
    assert len(keys) == 4
    other = AssessmentPhoto(expression="rest", image_sha256="1" * 64, width_px=10, height_px=10)
    assert aligned.cache_key(other, base) != aligned.cache_key(photo, base)
    assert aligned.cache_key(photo, aligned.Alignment((100.0, 100.0), (160.0, 102.0), 0.4)) == \
        aligned.cache_key(photo, base)


def test_the_server_cache_is_bounded_in_bytes() -> None:
    cache = aligned._PngCache()
    third = aligned.CACHE_MAX_BYTES // 3 + 1
    for key in "abc":
        cache.put(key, key.encode() * third)
    assert cache.get("a") is None  # the oldest went out
    assert cache.get("b") is not None  # read: "c" is now the least recently used
    cache.put("d", b"d" * third)
    assert cache.get("c") is None and cache.get("b") is not None and cache.get("d") is not None
    cache.put("huge", b"x" * (aligned.CACHE_MAX_BYTES + 1))  # never kept, and pushes nothing out
    assert cache.get("huge") is None and cache.get("b") is not None


# --- on the comparison page --------------------------------------------------------------------------------------

@pytest.fixture(autouse=True)
def _fresh_cache() -> Any:
    """Each test starts with no aligned picture kept by the server (the world's photos are the same in each)."""
    aligned.clear_cache()
    yield
    aligned.clear_cache()




def _later_visit(world: World, *, with_landmarks: bool = True) -> AssessmentPhoto:
    """A later visit of B1 with the same photo, its scale read 5% larger."""
    first = world.photo_b1
    later = Assessment.objects.create(episode=world.episode_b1, taken_on=world.assessment_b1.taken_on + timedelta(1))
    scale = first.result["scale"]
    result = {**first.result, "scale": {**scale, "mm_per_px": scale["mm_per_px"] * 1.05}}
    photo: AssessmentPhoto = AssessmentPhoto.objects.create(
        assessment=later, expression=first.expression, image_sha256=first.image_sha256,
        annotated_sha256=first.annotated_sha256, width_px=first.width_px, height_px=first.height_px, result=result,
        landmarks=first.landmarks if with_landmarks else None)
    return photo


def test_the_comparison_shows_both_photos_aligned_and_they_load(world: World) -> None:
    from PIL import Image

    later = _later_visit(world)
    client = signed_in(world.clinician_b)
    body = client.get(reverse("clinic:compare", kwargs={"pk": world.patient_b1.pk})).content.decode()
    urls = [reverse("clinic:photo_aligned", kwargs={"pk": p.pk}) for p in (world.photo_b1, later)]
    for url in urls:
        assert f'src="{url}"' in body
        response = client.get(url)
        assert response.status_code == 200 and response["Content-Type"] == "image/png"
        picture = Image.open(io.BytesIO(response.content))
        assert picture.size == aligned.CANVAS_PX
        assert response["Cache-Control"] == "no-store" and not response.has_header("ETag")  # patient data
        for outsider in (world.clinician_a, world.user_a1, world.admin):
            assert signed_in(outsider).get(url).status_code == 404
        assert signed_in(world.user_b1).get(url).status_code == 200  # the patient sees their own
    assert "Overlay the two visits" in body and 'type="range"' in body
    assert f'href="{reverse("clinic:image", kwargs={"sha256": world.photo_b1.image_sha256})}"' in body  # raw photo
    assert "Not aligned" not in body


def test_a_photo_without_pupils_is_shown_as_stored_with_a_note(world: World) -> None:
    later = _later_visit(world, with_landmarks=False)
    client = signed_in(world.clinician_b)
    body = client.get(reverse("clinic:compare", kwargs={"pk": world.patient_b1.pk})).content.decode()
    assert "Not aligned: this photo was not measured" in body
    assert reverse("clinic:photo_aligned", kwargs={"pk": later.pk}) not in body
    assert reverse("clinic:image", kwargs={"sha256": later.annotated_sha256}) in body
    assert "Overlay the two visits" not in body
    assert client.get(reverse("clinic:photo_aligned", kwargs={"pk": later.pk})).status_code == 404


def test_a_photo_marked_as_a_mirror_image_is_aligned_as_it_is_read(world: World) -> None:
    """B1's photo is the astronaut's mirror image; A1's is the astronaut. Marked as a mirror image (the correction
    page's tick), B1's aligned picture matches A1's, which it does not before."""
    from PIL import Image

    from facenerve.web.clinic import correction

    def picture(client: Client, photo: AssessmentPhoto) -> np.ndarray:
        reply = client.get(reverse("clinic:photo_aligned", kwargs={"pk": photo.pk}))
        assert reply.status_code == 200
        return np.asarray(Image.open(io.BytesIO(reply.content)).convert("L"), dtype=float)

    astronaut = picture(signed_in(world.clinician_a), AssessmentPhoto.objects.get(assessment=world.assessment_a1))
    client = signed_in(world.clinician_b)
    as_stored = picture(client, world.photo_b1)
    correction.correct(world.photo_b1, {}, None, world.clinician_b, mirrored=True)
    world.photo_b1.refresh_from_db()
    as_read = picture(client, world.photo_b1)
    before, after = np.abs(as_stored - astronaut).mean(), np.abs(as_read - astronaut).mean()
    assert after < 8 and after < before / 2, (before, after)


def test_the_server_keeps_drawn_pictures_and_checks_access_first(world: World) -> None:
    """A picture drawn once is served again without the stored photo (removed here, so only the cache can answer),
    to whoever may see the photo; anyone else still gets 404; another scale of the same photo is drawn anew."""
    later = _later_visit(world)  # the same stored photo, its scale 5% larger
    client = signed_in(world.clinician_b)
    url = reverse("clinic:photo_aligned", kwargs={"pk": world.photo_b1.pk})
    first = client.get(url)
    assert first.status_code == 200
    default_store().path_of(world.photo_b1.image_sha256).unlink()  # (the world fixture puts it back afterwards)
    again = client.get(url)
    assert again.status_code == 200 and again.content == first.content
    assert again["Cache-Control"] == "no-store"
    assert signed_in(world.user_b1).get(url).content == first.content  # the patient sees their own
    for outsider in (world.clinician_a, world.user_a1, world.admin):
        assert signed_in(outsider).get(url).status_code == 404
    assert client.get(reverse("clinic:photo_aligned", kwargs={"pk": later.pk})).status_code == 404  # not kept
    aligned.clear_cache()
    assert client.get(url).status_code == 404
