"""Video analysis: streaming decode, Face Mesh tracking, per-frame time series and movement events.

>>> from facenerve.video import analyze_video
>>> result = analyze_video("smile.mp4", protocol="rest,smile_closed")   # doctest: +SKIP
>>> result.segments[0].ratio, result.to_json()                          # doctest: +SKIP
"""

from facenerve.video.analyze import SCHEMA, VideoAnalysis, analyze_video
from facenerve.video.decode import VideoError

__all__ = ["SCHEMA", "VideoAnalysis", "VideoError", "analyze_video"]
