"""Annotated PNG for the clinical record: landmarks, pupil line, midline, labelled measures.

Sides are labelled with the patient's left and right; the affected side is marked.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from facenerve import labels
from facenerve.engine.assessment import PhotoAssessment
from facenerve.engine.frame import FaceFrame
from facenerve.engine.landmarks.base import SIDES, Side, SideAnatomy
from facenerve.engine.metrics import y_at

SIDE_COLOURS: dict[Side, tuple[int, int, int]] = {"right": (40, 140, 255), "left": (255, 150, 30)}
LINE_COLOUR = (0, 220, 120)
TEXT_COLOUR = (255, 255, 255)
PANEL_COLOUR = (24, 26, 32)
ALERT_COLOUR = (230, 60, 60)
#: Width of the face view in the output, px; the table panel is added to its right.
VIEW_WIDTH_PX = 900
#: The side panel's text and spacing are designed at 1× and drawn at this factor, so the picture stays readable when
#: a page or a PDF shows it at half its width (an engineering choice).
PANEL_SCALE = 1.4
PANEL_WIDTH_PX = int(460 * PANEL_SCALE)

_Px = Callable[[np.ndarray], list[tuple[float, float]]]

_TABLE_ROWS = (
    "brow_height",
    "palpebral_fissure_height",
    "palpebral_fissure_width",
    "mrd1",
    "mrd2",
    "eye_area",
    "commissure_height",
    "commissure_excursion",
    "smile_angle",
    "upper_lip_height",
    "lower_lip_height",
    "dental_show",
    "nasolabial_fold_angle",
)


def font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """DejaVu Sans at ``size`` px where the system has it (it draws ² and −), else Pillow's default font."""
    try:
        return ImageFont.truetype("DejaVuSans.ttf", size)
    except OSError:
        pass
    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # Pillow without FreeType
        return ImageFont.load_default()


def _px(size: float) -> int:
    """A panel size designed at 1×, in output pixels."""
    return round(size * PANEL_SCALE)


def _number(value: float) -> str:
    """One decimal, with no "-0.0"."""
    text = f"{value:.1f}"
    return "0.0" if text == "-0.0" else text


def render_annotation(rgb: np.ndarray, result: PhotoAssessment) -> Image.Image:
    """The annotated picture of one successful assessment (face view + measurement table)."""
    if result.anatomy is None or result.frame is None or result.scale is None:
        raise ValueError("only a successful assessment can be drawn")
    anatomy, frame = result.anatomy, result.frame
    image = rgb[:, ::-1] if result.mirrored else rgb
    x, y, w, h = anatomy.bbox_px
    margin = 0.35 * max(w, h)
    x0, y0 = int(max(x - margin, 0)), int(max(y - margin * 1.2, 0))
    x1, y1 = int(min(x + w + margin, image.shape[1])), int(min(y + h + margin * 0.8, image.shape[0]))
    zoom = VIEW_WIDTH_PX / max(x1 - x0, 1)
    view = Image.fromarray(np.ascontiguousarray(image[y0:y1, x0:x1])).resize(
        (VIEW_WIDTH_PX, max(int((y1 - y0) * zoom), 1)), Image.Resampling.LANCZOS
    )

    def px(points: np.ndarray) -> list[tuple[float, float]]:
        pts = np.atleast_2d(np.asarray(points, dtype=float))
        return [((p[0] - x0) * zoom, (p[1] - y0) * zoom) for p in pts]

    canvas = Image.new("RGB", (VIEW_WIDTH_PX + PANEL_WIDTH_PX, max(view.height, 720)), PANEL_COLOUR)
    draw = ImageDraw.Draw(view)
    small, normal, large = font(_px(13)), font(_px(16)), font(_px(22))

    for p in px(anatomy.points_px):
        draw.ellipse((p[0] - 1.2, p[1] - 1.2, p[0] + 1.2, p[1] + 1.2), fill=(200, 200, 200))
    _draw_axes(draw, frame, px, view.size)
    for side in SIDES:
        _draw_side(draw, anatomy.side(side), frame, side, px, result, small)
    ((sx, sy),) = px(anatomy.stomion)
    draw.ellipse((sx - 4, sy - 4, sx + 4, sy + 4), outline=LINE_COLOUR, width=2)

    # Patient-side labels: the patient's right is on the image's left (unmirrored view).
    draw.text((12, 10), "Patient's RIGHT", fill=SIDE_COLOURS["right"], font=large)
    label = "Patient's LEFT"
    draw.text(
        (VIEW_WIDTH_PX - 12 - draw.textlength(label, font=large), 10), label, fill=SIDE_COLOURS["left"], font=large
    )
    affected = result.asymmetry.affected_side if result.asymmetry else "none"
    if affected in ("left", "right"):
        bar_x = 0 if affected == "right" else VIEW_WIDTH_PX // 2
        draw.rectangle((bar_x, view.height - 10, bar_x + VIEW_WIDTH_PX // 2, view.height), fill=ALERT_COLOUR)
        leans = result.asymmetry is not None and labels.leans_within_normal(affected, result.asymmetry.severity)
        bar_label = f"{'leans toward' if leans else 'weaker side:'} patient's {affected}"
        label_x = bar_x + (VIEW_WIDTH_PX // 2 - draw.textlength(bar_label, font=normal)) / 2
        draw.text((label_x, view.height - 14 - _px(16)), bar_label, fill=TEXT_COLOUR, font=normal, stroke_width=2,
                  stroke_fill=(0, 0, 0))
    canvas.paste(view, (0, 0))
    _draw_panel(ImageDraw.Draw(canvas), result, VIEW_WIDTH_PX + 16, normal, large, small)
    return canvas


def _draw_axes(draw: ImageDraw.ImageDraw, frame: FaceFrame, px: _Px, size: tuple[int, int]) -> None:
    span = 4000.0
    pupil_line = frame.to_image(np.array([[-span, 0.0], [span, 0.0]]))
    midline = frame.to_image(np.array([[0.0, -span], [0.0, span]]))
    draw.line(px(pupil_line), fill=LINE_COLOUR, width=2)
    a, b = px(midline)
    _dashed(draw, a, b, LINE_COLOUR)


def _draw_side(
    draw: ImageDraw.ImageDraw,
    part: SideAnatomy,
    frame: FaceFrame,
    side: Side,
    px: _Px,
    result: PhotoAssessment,
    font: ImageFont.FreeTypeFont | ImageFont.ImageFont,
) -> None:
    colour = SIDE_COLOURS[side]
    for line in (part.brow_upper, part.upper_lid, part.lower_lid, part.upper_lip_outer, part.lower_lip_outer):
        draw.line(px(line), fill=colour, width=2)
    c = px(part.iris_center)[0]
    r = (part.iris_diameter_px or 0) / 2 * (px(np.array([[1.0, 0.0]]))[0][0] - px(np.array([[0.0, 0.0]]))[0][0])
    if r > 0:
        draw.ellipse((c[0] - r, c[1] - r, c[0] + r, c[1] + r), outline=colour, width=2)
    pupil_f = frame.to_frame(part.iris_center)
    x_f = float(pupil_f[0])
    brow_f = np.array([x_f, y_at(frame.to_frame(part.brow_upper), x_f)])
    upper_f = np.array([x_f, y_at(frame.to_frame(part.upper_lid), x_f)])
    lower_f = np.array([x_f, y_at(frame.to_frame(part.lower_lid), x_f)])
    corner_f = frame.to_frame(part.commissure)

    def segment(a_f: np.ndarray, b_f: np.ndarray, metric: str, label_at: str = "mid") -> None:
        a, b = px(frame.to_image(np.vstack([a_f, b_f])))
        draw.line([a, b], fill=colour, width=3)
        value = getattr(result.metrics[metric], side) if metric in result.metrics else None
        text = f"{_short(metric)} {value:.1f}" if value is not None else _short(metric)
        tx = (a[0] + b[0]) / 2 if label_at == "mid" else b[0]
        ty = (a[1] + b[1]) / 2 if label_at == "mid" else b[1]
        width = draw.textlength(text, font=font)
        tx = tx + 8 if side == "left" else tx - 8 - width
        draw.text((tx, ty - 7), text, fill=TEXT_COLOUR, font=font, stroke_width=2, stroke_fill=(0, 0, 0))

    segment(pupil_f, brow_f, "brow_height")
    segment(upper_f, lower_f, "palpebral_fissure_height", label_at="end")
    segment(np.array([corner_f[0], 0.0]), corner_f, "commissure_height")
    stomion = frame.to_frame(result.anatomy.stomion)  # type: ignore[union-attr]
    segment(stomion, corner_f, "commissure_excursion", label_at="end")
    a, b = px(np.vstack([part.alar_base, part.commissure]))
    _dashed(draw, a, b, colour)
    a, b = px(np.vstack([part.medial_canthus, part.lateral_canthus]))
    draw.line([a, b], fill=colour, width=1)


def _draw_panel(
    draw: ImageDraw.ImageDraw,
    result: PhotoAssessment,
    x: int,
    font: ImageFont.FreeTypeFont | ImageFont.ImageFont,
    title_font: ImageFont.FreeTypeFont | ImageFont.ImageFont,
    small: ImageFont.FreeTypeFont | ImageFont.ImageFont,
) -> None:
    y = _px(12)
    draw.text((x, y), "FaceNerve photo assessment", fill=TEXT_COLOUR, font=title_font)
    y += _px(32)
    subtitle = f"{labels.expression(result.expression)} · landmarks by {labels.backend(result.backend)}"
    draw.text((x, y), subtitle, fill=(180, 180, 180), font=small)
    y += _px(22)
    if result.asymmetry:
        a = result.asymmetry
        for text, colour in side_lines(a.affected_side, a.confidence, a.severity):
            draw.text((x, y), text, fill=colour, font=font)
            y += _px(22)
        draw.text((x, y), f"Asymmetry index {a.index:.2f} mm (0 = symmetric)", fill=TEXT_COLOUR, font=font)
        y += _px(22)
        regions = ", ".join(f"{labels.region(r.region).lower()} {r.z:+.1f}" for r in a.regions if not r.two_way)
        if regions:
            for chunk in _wrap(f"evidence in normal spreads (+ = left weaker): {regions}", 62):
                draw.text((x, y), chunk, fill=(180, 180, 180), font=small)
                y += _px(17)
        y += _px(3)
    if result.scale:
        scale_text = f"scale {result.scale.mm_per_px:.3f} mm per pixel {labels.scale_source(result.scale.source)}"
        for chunk in _wrap(scale_text, 62):
            draw.text((x, y), chunk, fill=(180, 180, 180), font=small)
            y += _px(17)
        y += _px(3)
    if result.pose:
        p = result.pose
        draw.text(
            (x, y),
            f"head turn {p.yaw_deg:+.0f}°, nod {p.pitch_deg:+.0f}°, tilt {p.roll_deg:+.0f}°",
            fill=(180, 180, 180),
            font=small,
        )
        y += _px(26)
    cols = (x, x + _px(250), x + _px(315), x + _px(380))
    for col, head in zip(cols, ("measure", "right", "left", "L - R"), strict=True):
        draw.text((col, y), head, fill=(180, 180, 180), font=small)
    y += _px(20)
    for name in _TABLE_ROWS:
        m = result.metrics.get(name)
        if m is None:
            continue
        draw.text((cols[0], y), f"{_row_label(name)} ({_unit(m.unit)})", fill=TEXT_COLOUR, font=small)
        for col, value, colour in (
            (cols[1], m.right, SIDE_COLOURS["right"]),
            (cols[2], m.left, SIDE_COLOURS["left"]),
            (cols[3], m.difference, TEXT_COLOUR),
        ):
            draw.text((col, y), "—" if value is None else _number(value), fill=colour, font=small)
        y += _px(19)
    if result.lip_midpoint_deviation_mm is not None:
        y += _px(4)
        draw.text(
            (cols[0], y),
            f"Lip midpoint {result.lip_midpoint_deviation_mm:+.1f} mm from the midline (+ = toward the left)",
            fill=TEXT_COLOUR,
            font=small,
        )
        y += _px(22)
    for warning in result.warnings:
        for chunk in _wrap(f"! {warning}", 62):
            draw.text((x, y), chunk, fill=(255, 200, 80), font=small)
            y += _px(17)
    y += _px(8)
    for chunk in _wrap("Decision support only: automated measures must be checked by a clinician.", 62):
        draw.text((x, y), chunk, fill=(150, 150, 150), font=small)
        y += _px(17)


def save_annotation(rgb: np.ndarray, result: PhotoAssessment, path: Path) -> Path:
    """Render and write the annotated PNG; returns the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    render_annotation(rgb, result).save(path, format="PNG", optimize=False)
    return path


def _dashed(
    draw: ImageDraw.ImageDraw, a: tuple[float, float], b: tuple[float, float], colour: tuple[int, int, int]
) -> None:
    length = float(np.hypot(b[0] - a[0], b[1] - a[1]))
    steps = max(int(length / 10), 1)
    for i in range(0, steps, 2):
        t0, t1 = i / steps, min((i + 1) / steps, 1.0)
        draw.line(
            [
                (a[0] + (b[0] - a[0]) * t0, a[1] + (b[1] - a[1]) * t0),
                (a[0] + (b[0] - a[0]) * t1, a[1] + (b[1] - a[1]) * t1),
            ],
            fill=colour,
            width=2,
        )


def _short(metric: str) -> str:
    """The few words drawn beside a measuring line on the face."""
    return {
        "brow_height": "brow",
        "palpebral_fissure_height": "eye",
        "commissure_height": "corner",
        "commissure_excursion": "to midpoint",
    }.get(metric) or labels.measure(metric)


def _unit(key: str) -> str:
    """A unit as the page writes it (``mm²``); "sq mm" when only Pillow's default font, which lacks ², is there."""
    return "sq mm" if key == "mm2" and not _has_dejavu() else labels.unit(key)


@lru_cache(maxsize=1)
def _has_dejavu() -> bool:
    face = font(12)
    return isinstance(face, ImageFont.FreeTypeFont) and "DejaVu" in (face.getname()[0] or "")


def _row_label(metric: str) -> str:
    """A table row's label, short enough for the panel (the MRDs keep their abbreviation only)."""
    return labels.measure(metric).split(" (")[0]


def side_lines(side: str, confidence: float, severity: float) -> list[tuple[str, tuple[int, int, int]]]:
    """The panel's side call and severity, told together: a side named while the severity is 0 only leans toward
    it, within normal asymmetry (:func:`facenerve.labels.asymmetry_call` says the same on the pages)."""
    if labels.leans_within_normal(side, severity):
        return [("Within normal asymmetry (severity 0)", TEXT_COLOUR),
                (f"leans toward patient's {side.upper()} (probability {confidence:.2f})", ALERT_COLOUR)]
    if side in ("left", "right"):
        return [(f"Weaker side: patient's {side.upper()} (probability {confidence:.2f})", ALERT_COLOUR),
                (f"Severity {severity:.1f} (0 = within normal asymmetry)", TEXT_COLOUR)]
    return [("No side beyond normal asymmetry", LINE_COLOUR),
            (f"Severity {severity:.1f} (0 = within normal asymmetry)", TEXT_COLOUR)]


def _wrap(text: str, width: int) -> list[str]:
    return textwrap.wrap(text, width, break_long_words=False)
