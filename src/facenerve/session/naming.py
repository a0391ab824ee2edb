"""Which expression a photo shows: guessed from its file name, or read from a manifest CSV.

The guess matches whole words of the file name against common names for each standard expression
("eyebrows_up", "eyes_closed", "big_smile", "nose_wrinkle", ...). When no name matches, or names of two
expressions match equally well, the file is reported as unknown rather than guessed.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from facenerve.engine.analyze import parse_expression
from facenerve.errors import FaceNerveError
from facenerve.protocol import Expression

#: Names for each expression, as word sequences. Plural words are singularised before matching.
ALIASES: dict[Expression, tuple[str, ...]] = {
    Expression.REST: ("rest", "resting", "at rest", "repose", "neutral", "relaxed", "static", "no expression"),
    Expression.BROW_RAISE: (
        "brow raise", "brow raised", "raise brow", "brow up", "brow lift", "brow elevation", "eyebrow up",
        "eyebrow raise", "eyebrow raised", "raise eyebrow", "eyebrow lift", "forehead", "forehead wrinkle",
        "wrinkle forehead", "surprise", "surprised",
    ),
    Expression.GENTLE_EYE_CLOSURE: (
        "gentle eye closure", "gentle closure", "eye closure", "eye closed", "closed eye", "close eye", "eye shut",
        "shut eye", "gentle eye", "soft eye closure", "light eye closure", "eye closed gently", "gentle close",
        "sleep",
    ),
    Expression.TIGHT_EYE_CLOSURE: (
        "tight eye closure", "tight closure", "eye tight", "tight eye", "eye closed tight", "eye closed tightly",
        "eye squeezed", "squeeze eye", "squeezed eye", "forced eye closure", "full eye closure", "eye squeeze",
        "forced closure", "tight close",
    ),
    Expression.SNARL: (
        "snarl", "nose wrinkle", "wrinkle nose", "nose wrinkled", "scrunch nose", "nose scrunch", "sneer",
        "nasal wrinkle",
    ),
    Expression.SMILE_CLOSED: (
        "smile closed", "closed smile", "closed mouth smile", "small smile", "gentle smile", "slight smile",
        "lip closed smile", "smile lip closed", "smile mouth closed", "soft smile",
    ),
    Expression.SMILE_OPEN: (
        "smile", "smile open", "open smile", "open mouth smile", "big smile", "full smile", "broad smile",
        "large smile", "smile teeth", "teeth smile", "toothy smile", "smile with teeth", "max smile",
        "maximal smile", "grin",
    ),
    Expression.PUCKER: ("pucker", "lip pucker", "pucker lip", "kiss", "whistle", "pout", "purse lip", "pursed lip"),
    Expression.LOWER_TEETH: (
        "lower teeth", "bottom teeth", "show lower teeth", "show bottom teeth", "lower lip", "lower lip down",
        "depress lower lip", "lip depression", "lower lip depression", "eee", "eeee", "eeeee",
    ),
}

_SINGULAR = {
    "eyes": "eye", "brows": "brow", "eyebrows": "eyebrow", "lips": "lip", "tooth": "teeth", "smiles": "smile",
    "smiling": "smile", "closing": "closure", "shutting": "shut",
}


def words(name: str) -> list[str]:
    """Lower-case words of a file name: split at separators, digits and camelCase; plurals singularised."""
    stem = Path(name).name
    stem = stem.rsplit(".", 1)[0] if "." in stem else stem
    spaced = re.sub(r"([a-z])([A-Z])", r"\1 \2", stem)
    tokens = re.findall(r"[a-z]+", spaced.lower())
    return [_SINGULAR.get(t, t) for t in tokens]


def _alias_words(alias: str) -> list[str]:
    return [_SINGULAR.get(t, t) for t in alias.split()]


def _contains(haystack: list[str], needle: list[str]) -> bool:
    n = len(needle)
    return any(haystack[i : i + n] == needle for i in range(len(haystack) - n + 1))


def guess_expression(name: str) -> Expression | None:
    """The expression a file name names, or None when none matches or two match equally well.

    The longest matching name wins ("tight eye closure" over "eye closure"); multi-word names also match
    run together ("bigsmile", "eyesclosed").

    >>> guess_expression("03_eyebrows_up.jpg")
    <Expression.BROW_RAISE: 'brow_raise'>
    >>> guess_expression("IMG_0042.jpg") is None
    True
    """
    tokens = words(name)
    joined = "".join(tokens)
    for plural, singular in _SINGULAR.items():  # run-together words are not split, so singularise inside them
        joined = joined.replace(plural, singular)
    best: dict[Expression, int] = {}
    for expression, aliases in ALIASES.items():
        for alias in aliases:
            needle = _alias_words(alias)
            matched = _contains(tokens, needle) or (len(needle) > 1 and "".join(needle) in joined)
            if matched:
                best[expression] = max(best.get(expression, 0), len("".join(needle)))
    if not best:
        return None
    top = max(best.values())
    winners = [e for e, length in best.items() if length == top]
    return winners[0] if len(winners) == 1 else None


@dataclass(frozen=True)
class ManifestRow:
    """One manifest line: a photo path (as resolved) and its expression."""

    path: Path
    expression: Expression


def read_manifest(path: Path, folder: Path | None = None) -> list[ManifestRow]:
    """Rows of a ``path,expression`` CSV (header required). Relative paths are taken from ``folder`` if the file
    is there, else from the manifest's own folder. Raises ``FaceNerveError`` (code ``bad_manifest``) naming the
    line for a missing column, an unknown expression or an empty path.
    """
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise FaceNerveError(f"cannot read manifest {path}: {exc}", code="bad_manifest") from None
    reader = csv.DictReader(text.splitlines())
    fields = [f.strip().lower() for f in (reader.fieldnames or [])]
    if "path" not in fields or "expression" not in fields:
        raise FaceNerveError(f"manifest {path}: needs a header with columns path,expression", code="bad_manifest")
    rows: list[ManifestRow] = []
    for number, raw in enumerate(reader, start=2):
        row = {(k or "").strip().lower(): (v or "").strip() for k, v in raw.items()}
        if not row.get("path") and not row.get("expression"):
            continue
        if not row.get("path"):
            raise FaceNerveError(f"manifest {path} line {number}: empty path", code="bad_manifest")
        name = row.get("expression", "").lower().replace("-", "_").replace(" ", "_")
        try:
            expression = parse_expression(name)
        except FaceNerveError as exc:
            raise FaceNerveError(f"manifest {path} line {number}: {exc.message}", code="bad_manifest") from None
        rows.append(ManifestRow(_resolve(Path(row["path"]), Path(path).parent, folder), expression))
    return rows


def _resolve(photo: Path, manifest_dir: Path, folder: Path | None) -> Path:
    if photo.is_absolute():
        return photo
    if folder is not None and (folder / photo).exists():
        return folder / photo
    return manifest_dir / photo
