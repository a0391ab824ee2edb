"""Face Mesh landmarks for a given region of interest, without running a face detector.

MediaPipe's FaceMesh solution runs its own face detector before every landmark pass. The
engine already knows where the face is (from the full photo's detection, and for the hemi-face
composites from the first landmark pass), so it runs only the landmark subgraph on a region of
interest (ROI) it computes the way MediaPipe does: a square 1.5× the face box, rotated so the
eyes are level (MediaPipe ``face_detection_front_detection_to_roi`` and
``face_landmark_landmarks_to_roi`` graphs).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from facenerve.errors import FaceNerveError

#: The landmark model sees a square this many times the face box (MediaPipe's value).
ROI_SCALE = 1.5
#: Landmark passes per region at most: the mean of passes on slightly different regions is steadier under
#: roll, rescaling and re-compression (measured in docs/metrics.md), at one model run per pass.
MAX_LANDMARK_PASSES = 3
#: Mesh points whose line gives the ROI rotation: the right and left lateral canthi.
ROTATION_INDICES = (33, 263)

_GRAPH = """
input_stream: "image"
input_stream: "roi"
output_stream: "landmarks"
input_side_packet: "with_attention"
node {
  calculator: "FaceLandmarkCpu"
  input_stream: "IMAGE:image"
  input_stream: "ROI:roi"
  output_stream: "LANDMARKS:landmarks"
  input_side_packet: "WITH_ATTENTION:with_attention"
}
"""


def check_landmark_passes(passes: int) -> int:
    """``passes`` if it is 1 to ``MAX_LANDMARK_PASSES``; else ``FaceNerveError`` (``bad_option``)."""
    if not isinstance(passes, int) or not 1 <= passes <= MAX_LANDMARK_PASSES:
        raise FaceNerveError(
            f"--passes must be a whole number from 1 to {MAX_LANDMARK_PASSES}, got {passes}", code="bad_option"
        )
    return passes


@dataclass(frozen=True)
class Roi:
    """A square region in pixels: centre, side, and rotation in radians (MediaPipe's sign)."""

    centre_px: tuple[float, float]
    side_px: float
    rotation_rad: float

    @classmethod
    def around(cls, box_px: tuple[float, float, float, float], start_px: np.ndarray, end_px: np.ndarray) -> Roi:
        """Square ``ROI_SCALE``× the box (x, y, w, h), turned so ``start`` → ``end`` is level."""
        x, y, w, h = box_px
        dx, dy = float(end_px[0] - start_px[0]), float(end_px[1] - start_px[1])
        rotation = -math.atan2(-dy, dx)
        rotation = (rotation + math.pi) % (2 * math.pi) - math.pi
        return cls((x + w / 2.0, y + h / 2.0), ROI_SCALE * max(w, h), rotation)

    @classmethod
    def from_detection(
        cls, box_px: tuple[float, float, float, float], right_eye_px: np.ndarray, left_eye_px: np.ndarray
    ) -> Roi:
        """From a face detector's box and its two eye key points (patient's right, then left)."""
        return cls.around(box_px, right_eye_px, left_eye_px)

    @classmethod
    def from_landmarks(cls, xy: np.ndarray) -> Roi:
        """From a 478-point mesh: its bounding box, levelled on the lateral canthi."""
        lo, hi = xy[:, :2].min(axis=0), xy[:, :2].max(axis=0)
        box = (float(lo[0]), float(lo[1]), float(hi[0] - lo[0]), float(hi[1] - lo[1]))
        return cls.around(box, xy[ROTATION_INDICES[0]], xy[ROTATION_INDICES[1]])

    def for_passes(self, passes: int) -> list[Roi]:
        """This region and up to two variants for repeated landmark passes (see :data:`MAX_LANDMARK_PASSES`).

        The second is 6% larger; the third 5% smaller, moved by 1/300 of its side right and up, and turned
        0.03 rad. The model's errors differ between them, so their mean is steadier than one pass.
        """
        cx, cy = self.centre_px
        step = self.side_px / 300.0
        variants = [
            self,
            Roi(self.centre_px, self.side_px * 1.06, self.rotation_rad),
            Roi((cx + step, cy - step), self.side_px * 0.95, self.rotation_rad + 0.03),
        ]
        return variants[: max(1, min(passes, MAX_LANDMARK_PASSES))]

    def normalized(self, width_px: int, height_px: int) -> Any:
        """The MediaPipe ``NormalizedRect`` for an image of this size."""
        from mediapipe.framework.formats import rect_pb2

        return rect_pb2.NormalizedRect(
            x_center=self.centre_px[0] / width_px,
            y_center=self.centre_px[1] / height_px,
            width=self.side_px / width_px,
            height=self.side_px / height_px,
            rotation=self.rotation_rad,
        )


class GraphDriver:
    """Feeds a MediaPipe solution's graph directly and returns its raw output packets.

    ``SolutionBase.process`` builds a new named-tuple class and converts every output on each call;
    on the engine's path (four graph runs a photo) that costs about a millisecond.
    """

    def __init__(self, solution: Any) -> None:
        self.solution = solution
        self._timestamp_us = 0

    def run(self, rgb: np.ndarray, **protos: Any) -> dict[str, Any]:
        """Run once on the RGB image (stream ``image``) and proto messages (streams by keyword)."""
        from mediapipe.python import packet_creator
        from mediapipe.python._framework_bindings import image_frame

        solution = self.solution
        solution._graph_outputs.clear()
        self._timestamp_us += 33333
        graph = solution._graph
        frame = packet_creator.create_image_frame(image_format=image_frame.ImageFormat.SRGB, data=rgb)
        graph.add_packet_to_input_stream(stream="image", packet=frame.at(self._timestamp_us))
        for stream, message in protos.items():
            graph.add_packet_to_input_stream(
                stream=stream, packet=packet_creator.create_proto(message).at(self._timestamp_us)
            )
        graph.wait_until_idle()
        # An empty packet only moves the stream's timestamp on: that output has nothing this time.
        return {name: packet for name, packet in solution._graph_outputs.items() if not packet.is_empty()}

    def close(self) -> None:
        self.solution.close()


#: One ``NormalizedLandmark`` with only x, y and z set, as Face Mesh serialises it: the list field's
#: tag and length, then each float's tag and four little-endian bytes.
_LANDMARK_RECORD = np.dtype(
    [("tag", "u1"), ("size", "u1"), ("tx", "u1"), ("x", "<f4"), ("ty", "u1"), ("y", "<f4"), ("tz", "u1"), ("z", "<f4")]
)
_LANDMARK_TAGS = {"tag": 0x0A, "size": 15, "tx": 0x0D, "ty": 0x15, "tz": 0x1D}


def landmark_array(landmark_list: Any) -> np.ndarray:
    """(n, 3) float array of a ``NormalizedLandmarkList``'s x, y, z.

    Reads the serialised message in one pass when every landmark has exactly x, y and z (Face Mesh's
    output); a Python loop over the messages would cost about 0.2 ms per pass. Any other layout
    (visibility or presence set) takes the loop.
    """
    data = landmark_list.SerializeToString()
    n = len(landmark_list.landmark)
    if n and len(data) == n * _LANDMARK_RECORD.itemsize:
        records = np.frombuffer(data, dtype=_LANDMARK_RECORD)
        if all(bool(np.all(records[field] == tag)) for field, tag in _LANDMARK_TAGS.items()):
            return np.column_stack([records["x"], records["y"], records["z"]]).astype(np.float64)
    return np.array([(p.x, p.y, p.z) for p in landmark_list.landmark], dtype=float).reshape(-1, 3)


class RoiMesh:
    """Face Mesh with iris (478 points) on a given ROI; one instance per thread of use."""

    def __init__(self) -> None:
        from mediapipe.python.solution_base import SolutionBase

        self._driver = GraphDriver(SolutionBase(graph_config=_GRAPH, side_inputs={"with_attention": True}))

    def points(self, rgb: np.ndarray, roi: Roi, passes: int = 1) -> np.ndarray | None:
        """(478, 3) landmarks in pixels of ``rgb`` (x, y, relative depth), or None if no face is there.

        With ``passes`` > 1, the mean over :meth:`Roi.for_passes` (None only if every pass finds no face).
        """
        if passes > 1:
            runs = [found for region in roi.for_passes(passes) if (found := self.points(rgb, region)) is not None]
            return np.mean(runs, axis=0) if runs else None
        from mediapipe.python import packet_getter

        height, width = rgb.shape[:2]
        outputs = self._driver.run(np.ascontiguousarray(rgb), roi=roi.normalized(width, height))
        if "landmarks" not in outputs:  # the face-presence score was too low
            return None
        raw = landmark_array(packet_getter.get_proto(outputs["landmarks"]))
        return np.asarray(raw * np.array([width, height, width]))

    def close(self) -> None:
        self._driver.close()
