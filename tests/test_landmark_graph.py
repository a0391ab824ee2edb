"""The landmark pipeline's parts: the ROI landmark graph, its regions, and hemi-face composites."""

from __future__ import annotations

import math
from collections.abc import Iterator

import cv2
import numpy as np
import pytest

from facenerve import get_detector
from facenerve.engine.landmarks.hemiface import MirrorAxis
from facenerve.engine.landmarks.mediapipe import MediaPipeDetector, native_stderr_silenced
from facenerve.engine.landmarks.mesh_roi import GraphDriver, Roi, RoiMesh, landmark_array


@pytest.fixture(scope="module")
def roi_mesh() -> Iterator[RoiMesh]:
    with native_stderr_silenced():
        mesh = RoiMesh()
    yield mesh
    mesh.close()


def test_roi_mesh_on_a_region_without_a_face_returns_none(roi_mesh: RoiMesh) -> None:
    """An empty landmark packet (face presence too low) is 'no face', not a native abort."""
    blank = np.full((400, 400, 3), 128, dtype=np.uint8)
    assert roi_mesh.points(blank, Roi((200.0, 200.0), 300.0, 0.0)) is None


def test_landmark_array_reads_face_mesh_output_as_the_messages_say(astronaut: np.ndarray) -> None:
    """The one-pass read of Face Mesh's serialised landmarks equals reading each message."""
    from mediapipe.python.solutions import face_mesh

    with native_stderr_silenced(), face_mesh.FaceMesh(static_image_mode=True, refine_landmarks=True) as mesh:
        found = mesh.process(astronaut).multi_face_landmarks
    assert found, "Face Mesh found no face in the astronaut photo"
    expected = np.array([(p.x, p.y, p.z) for p in found[0].landmark])
    got = landmark_array(found[0])
    assert got.shape == (478, 3)
    np.testing.assert_array_equal(got, expected)


def test_landmark_array_reads_landmarks_with_visibility_or_missing_fields() -> None:
    """Other layouts (visibility set, z unset, empty list) are read message by message."""
    from mediapipe.framework.formats import landmark_pb2

    with_visibility = landmark_pb2.NormalizedLandmarkList()
    with_visibility.landmark.add(x=0.25, y=0.5, z=-0.125, visibility=0.9)
    with_visibility.landmark.add(x=0.75, y=0.5, z=0.0, visibility=0.1)
    np.testing.assert_array_equal(landmark_array(with_visibility), [[0.25, 0.5, -0.125], [0.75, 0.5, 0.0]])
    no_z = landmark_pb2.NormalizedLandmarkList()
    no_z.landmark.add(x=0.25, y=0.5)
    np.testing.assert_array_equal(landmark_array(no_z), [[0.25, 0.5, 0.0]])
    assert landmark_array(landmark_pb2.NormalizedLandmarkList()).shape == (0, 3)


def test_roi_mesh_finds_the_detected_face_again_from_its_own_region(roi_mesh: RoiMesh, astronaut: np.ndarray) -> None:
    """Landmarks run on the region made from their own mesh land on the same face (within 2 px median)."""
    detector = get_detector()
    assert isinstance(detector, MediaPipeDetector)
    anatomy = detector.detect(astronaut).anatomy
    assert anatomy is not None
    mesh = np.column_stack([anatomy.points_px, np.zeros(len(anatomy.points_px))])
    again = roi_mesh.points(astronaut, Roi.from_landmarks(mesh))
    assert again is not None and again.shape == (478, 3)
    assert float(np.median(np.linalg.norm(again[:, :2] - anatomy.points_px, axis=1))) < 2.0


_LANDMARKS_TO_ROI = """
input_stream: "image"
input_stream: "landmarks"
output_stream: "roi"
node { calculator: "ImagePropertiesCalculator" input_stream: "IMAGE:image" output_stream: "SIZE:size" }
node {
  calculator: "FaceLandmarkLandmarksToRoi"
  input_stream: "LANDMARKS:landmarks"
  input_stream: "IMAGE_SIZE:size"
  output_stream: "ROI:roi"
}
"""


@pytest.mark.parametrize("roll_deg", [-20.0, 0.0, 20.0])
def test_roi_from_landmarks_matches_mediapipes_own_calculator(
    roi_mesh: RoiMesh, astronaut: np.ndarray, roll_deg: float
) -> None:
    """Roi.from_landmarks gives the region MediaPipe's FaceLandmarkLandmarksToRoi computes, on rolled faces."""
    from mediapipe.framework.formats import landmark_pb2
    from mediapipe.python import packet_getter
    from mediapipe.python.solution_base import SolutionBase

    height, width = astronaut.shape[:2]
    turn = cv2.getRotationMatrix2D((width / 2, height / 2), roll_deg, 1.0)
    rolled = np.ascontiguousarray(cv2.warpAffine(astronaut, turn, (width, height)))
    points = roi_mesh.points(rolled, Roi((width / 2, height / 2), 0.8 * width, -math.radians(roll_deg)))
    assert points is not None
    message = landmark_pb2.NormalizedLandmarkList()
    for x, y, z in points:
        message.landmark.add(x=x / width, y=y / height, z=z / width)
    with native_stderr_silenced():
        driver = GraphDriver(SolutionBase(graph_config=_LANDMARKS_TO_ROI))
    try:
        theirs = packet_getter.get_proto(driver.run(rolled, landmarks=message)["roi"])
    finally:
        driver.close()
    ours = Roi.from_landmarks(points).normalized(width, height)
    for field in ("x_center", "y_center", "width", "height", "rotation"):
        assert getattr(ours, field) == pytest.approx(getattr(theirs, field), abs=1e-4), field


@pytest.mark.parametrize("roll_deg", [-12.0, 0.0, 12.0])
def test_roi_rotation_follows_the_canthal_line(roll_deg: float) -> None:
    """MediaPipe's sign: rotation = −atan2(−dy, dx) of the right → left lateral canthus."""
    xy = np.zeros((478, 2))
    angle = math.radians(roll_deg)
    xy[33] = (100.0, 100.0)
    xy[263] = (100.0 + 60.0 * math.cos(angle), 100.0 + 60.0 * math.sin(angle))
    roi = Roi.from_landmarks(xy)
    assert roi.rotation_rad == pytest.approx(angle, abs=1e-9)


def test_roi_is_a_square_one_and_a_half_times_the_box() -> None:
    roi = Roi.from_detection((10.0, 20.0, 100.0, 80.0), np.array([40.0, 50.0]), np.array([80.0, 50.0]))
    assert roi.centre_px == (60.0, 60.0) and roi.side_px == 150.0 and roi.rotation_rad == 0.0
    rect = roi.normalized(300, 200)
    assert (rect.width, rect.height) == pytest.approx((0.5, 0.75))


@pytest.mark.parametrize("keep", ["left", "right"])
def test_composite_keeps_one_half_and_mirrors_it_onto_the_other(astronaut: np.ndarray, keep: str) -> None:
    """Pixels on the kept side are untouched; each replaced pixel equals the kept pixel it mirrors."""
    axis = MirrorAxis.from_pupils(np.array([300.4, 310.0]), np.array([420.9, 322.0]))  # tilted axis
    composite = axis.composite(astronaut, keep=keep)
    ys, xs = np.mgrid[0 : astronaut.shape[0], 0 : astronaut.shape[1]]
    centres = np.stack([xs.ravel() + 0.5, ys.ravel() + 0.5], axis=1)  # landmark coordinates of pixel centres
    offset = ((centres - axis.origin_px) @ axis.normal).reshape(astronaut.shape[:2])
    kept = offset > 1.0 if keep == "left" else offset < -1.0
    assert np.array_equal(composite[kept], astronaut[kept])
    # A replaced pixel well inside the image: sample the original at its mirror point.
    gray_in = cv2.cvtColor(astronaut, cv2.COLOR_RGB2GRAY).astype(np.float32)
    gray_out = cv2.cvtColor(composite, cv2.COLOR_RGB2GRAY).astype(np.float32)
    rows = np.arange(200, 400, 7)
    column = 240 if keep == "left" else 480
    points = np.stack([np.full(len(rows), column + 0.5), rows + 0.5], axis=1)
    mirrored = axis.reflect(points) - 0.5
    expected = cv2.remap(gray_in, mirrored[:, :1].astype(np.float32), mirrored[:, 1:].astype(np.float32),
                         cv2.INTER_LINEAR)
    assert np.abs(gray_out[rows, column] - expected.ravel()).max() < 3.0
