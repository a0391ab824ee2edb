"""The session contact sheet: every expression side by side, annotated, with the automated scores.

Each tile shows the face with its landmark contours (patient's right in blue, left in orange, as in
``facenerve.engine.draw``), the expression and its excursion (right / left and the ratio). The panel lists the
grades and, for every item, its value and the measurement it came from. Missing and failed photos get a grey tile.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from facenerve.engine.assessment import PhotoAssessment
from facenerve.engine.draw import ALERT_COLOUR, LINE_COLOUR, PANEL_COLOUR, SIDE_COLOURS, TEXT_COLOUR, font
from facenerve.engine.landmarks.base import SIDES
from facenerve.errors import ImageError
from facenerve.io.images import ImageSource, load_image
from facenerve.protocol import Expression
from facenerve.session.assessment import SessionAssessment

TILE_PX = 360
TITLE_PX = 44
COLUMNS = 3
PANEL_WIDTH_PX = 760
MUTED = (170, 170, 170)


def _tile(rgb: np.ndarray | None, photo: PhotoAssessment | None, expression: Expression, caption: str) -> Image.Image:
    tile = Image.new("RGB", (TILE_PX, TILE_PX + TITLE_PX), (45, 47, 54))
    draw = ImageDraw.Draw(tile)
    draw.text((8, 4), expression.value.replace("_", " "), fill=TEXT_COLOUR, font=font(17))
    draw.text((8, 24), caption.translate(_ASCII), fill=MUTED, font=font(13))
    if photo is None or rgb is None or photo.anatomy is None:
        reason = "missing" if photo is None else (photo.error.message if photo.error else "not drawn")
        y = TITLE_PX + TILE_PX // 2 - 20
        for chunk in _wrap(reason, 44):
            draw.text((14, y), chunk, fill=ALERT_COLOUR if photo is not None else MUTED, font=font(14))
            y += 18
        return tile
    image = rgb[:, ::-1] if photo.mirrored else rgb
    x, y0, w, h = photo.anatomy.bbox_px
    side = int(max(w, h) * 1.25)
    cx, cy = x + w / 2, y0 + h / 2
    left, top = int(max(cx - side / 2, 0)), int(max(cy - side / 2, 0))
    right, bottom = int(min(cx + side / 2, image.shape[1])), int(min(cy + side / 2, image.shape[0]))
    crop = Image.fromarray(np.ascontiguousarray(image[top:bottom, left:right]))
    zoom = TILE_PX / max(crop.width, crop.height, 1)
    crop = crop.resize((max(int(crop.width * zoom), 1), max(int(crop.height * zoom), 1)), Image.Resampling.LANCZOS)
    view = ImageDraw.Draw(crop)

    def px(points: np.ndarray) -> list[tuple[float, float]]:
        pts = np.atleast_2d(np.asarray(points, dtype=float))
        return [((p[0] - left) * zoom, (p[1] - top) * zoom) for p in pts]

    for s in SIDES:
        part = photo.anatomy.side(s)
        for line in (part.brow_upper, part.upper_lid, part.lower_lid, part.upper_lip_outer, part.lower_lip_outer):
            view.line(px(line), fill=SIDE_COLOURS[s], width=2)
        ((ccx, ccy),) = px(part.commissure)
        view.ellipse((ccx - 3, ccy - 3, ccx + 3, ccy + 3), fill=SIDE_COLOURS[s])
    if photo.frame is not None:
        span = 4000.0
        view.line(px(photo.frame.to_image(np.array([[-span, 0.0], [span, 0.0]]))), fill=LINE_COLOUR, width=1)
        view.line(px(photo.frame.to_image(np.array([[0.0, -span], [0.0, span]]))), fill=LINE_COLOUR, width=1)
    tile.paste(crop, ((TILE_PX - crop.width) // 2, TITLE_PX))
    draw.text((8, TITLE_PX + 4), "R", fill=SIDE_COLOURS["right"], font=font(16))
    draw.text((TILE_PX - 20, TITLE_PX + 4), "L", fill=SIDE_COLOURS["left"], font=font(16))
    return tile


def _caption(session: SessionAssessment, expression: Expression) -> str:
    if expression is Expression.REST:
        scale = session.photos.get(expression)
        return f"scale {scale.scale.mm_per_px:.3f} mm/px ({scale.scale.source})" if scale and scale.scale else ""
    v = session.measures.primary(expression)
    if v is None:
        return ""
    ratio = "—" if v.ratio is None else f"{v.ratio:.2f}"
    return f"{v.name}: R {v.right:.1f} / L {v.left:.1f} {v.unit}, ratio {ratio}"


def _panel(session: SessionAssessment, height: int) -> Image.Image:
    panel = Image.new("RGB", (PANEL_WIDTH_PX, height), PANEL_COLOUR)
    draw = ImageDraw.Draw(panel)
    big, normal, small = font(22), font(16), font(12)
    y = 12
    draw.text((16, y), "FaceNerve session", fill=TEXT_COLOUR, font=big)
    y += 32
    side = session.affected_side
    draw.text(
        (16, y),
        f"affected side: {side.upper() if side != 'none' else 'none found'}",
        fill=ALERT_COLOUR if side != "none" else LINE_COLOUR,
        font=normal,
    )
    y += 24
    for name, score in session.scores.items():
        scores = score.scores
        value = scores.get(score.headline, "not computed")
        extra = ", ".join(
            f"{k} {scores[k]}" for k in ("static", "dynamic", "synkinesis", "resting", "voluntary") if k in scores
        )
        flag = (" (partial)" if scores.get("partial") else "") + (" (provisional)" if score.provisional else "")
        draw.text((16, y), f"{name}: {score.headline} {value}{flag}".translate(_ASCII), fill=TEXT_COLOUR, font=normal)
        y += 20
        if extra:
            draw.text((28, y), extra, fill=MUTED, font=small)
            y += 16
        for key, item in score.items.items():
            basis = _short(item.derivation) if item.value is not None else item.derivation
            text = f"{key} = {'—' if item.value is None else item.value}: {basis}"
            for chunk in _wrap(text, 118)[:2]:
                draw.text((28, y), chunk, fill=MUTED if item.value is None else TEXT_COLOUR, font=small)
                y += 14
        y += 8
    if session.missing:
        draw.text((16, y), "missing: " + ", ".join(e.value for e in session.missing), fill=MUTED, font=small)
        y += 16
    note = "Decision support only: automated grades are provisional and must be checked by a clinician."
    for chunk in _wrap(note, 110):
        draw.text((16, y), chunk, fill=(150, 150, 150), font=small)
        y += 14
    return panel


def render_sheet(session: SessionAssessment, images: dict[Expression, np.ndarray]) -> Image.Image:
    """The contact sheet of ``session``; ``images`` holds the decoded RGB photos by expression."""
    tiles = [
        _tile(images.get(e), session.photos.get(e), e, _caption(session, e)) for e in Expression
    ]
    rows = (len(tiles) + COLUMNS - 1) // COLUMNS
    grid_h = rows * (TILE_PX + TITLE_PX)
    height = max(grid_h, _panel_height(session))
    sheet = Image.new("RGB", (COLUMNS * TILE_PX + PANEL_WIDTH_PX, height), PANEL_COLOUR)
    for i, tile in enumerate(tiles):
        sheet.paste(tile, ((i % COLUMNS) * TILE_PX, (i // COLUMNS) * (TILE_PX + TITLE_PX)))
    sheet.paste(_panel(session, height), (COLUMNS * TILE_PX, 0))
    return sheet


def _panel_height(session: SessionAssessment) -> int:
    """Enough height for the panel's lines (each item takes at most two 14-px lines)."""
    lines = sum(len(s.items) * 2 + 3 for s in session.scores.values())
    return 160 + lines * 14


def decode_inputs(session: SessionAssessment) -> dict[Expression, np.ndarray]:
    """The session's photos as RGB arrays for drawing (decoded once, by the analysis); unreadable ones are skipped."""
    images: dict[Expression, np.ndarray] = {}
    for expression, source in session.inputs.items():
        try:
            images[expression] = load_image(source).rgb
        except ImageError:
            continue
    return images


def save_sheet(session: SessionAssessment, path: Path, images: dict[Expression, np.ndarray] | None = None) -> Path:
    """Render and write the contact-sheet PNG; returns the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    render_sheet(session, images if images is not None else decode_inputs(session)).save(path, format="PNG")
    return path


#: Characters the default bitmap-free font may lack, drawn as ASCII.
_ASCII = str.maketrans(
    {"×": "x", "−": "-", "–": "-", "—": "-", "→": "->", "≥": ">=", "≤": "<=", "·": "*", "±": "+/-", "…": "..."}
)


def _short(derivation: str) -> str:
    """The last steps of an item's derivation (the measured values, ratio or excess, and the result)."""
    steps = [s.strip() for s in derivation.split(";") if any(k in s for k in ("ratio", "excess", "→", "r ="))]
    text = "; ".join(steps[-2:]) if steps else derivation
    return text.split(" (bands")[0].split(" (0 <1")[0]


def _wrap(text: str, width: int) -> list[str]:
    return textwrap.wrap(text.translate(_ASCII), width, break_long_words=False)


__all__ = ["ImageSource", "render_sheet", "save_sheet"]
