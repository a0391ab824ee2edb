"""Expression names guessed from file names, and the manifest that overrides them."""

from __future__ import annotations

from pathlib import Path

import pytest

from facenerve import Expression, FaceNerveError
from facenerve.session import guess_expression, plan_folder, read_manifest
from facenerve.session.naming import words


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("01_rest.jpg", Expression.REST),
        ("patient7-neutral.JPG", Expression.REST),
        ("eyebrows_up.jpg", Expression.BROW_RAISE),
        ("RaiseEyebrows.png", Expression.BROW_RAISE),
        ("forehead_wrinkle.jpeg", Expression.BROW_RAISE),
        ("eyes_closed.jpg", Expression.GENTLE_EYE_CLOSURE),
        ("gentle-eye-closure.png", Expression.GENTLE_EYE_CLOSURE),
        ("eyesclosed.jpg", Expression.GENTLE_EYE_CLOSURE),
        ("eyes_closed_tight.jpg", Expression.TIGHT_EYE_CLOSURE),
        ("squeeze eyes.jpg", Expression.TIGHT_EYE_CLOSURE),
        ("nose_wrinkle.jpg", Expression.SNARL),
        ("snarl.webp", Expression.SNARL),
        ("small_smile.jpg", Expression.SMILE_CLOSED),
        ("closed-mouth-smile.jpg", Expression.SMILE_CLOSED),
        ("big_smile.jpg", Expression.SMILE_OPEN),
        ("BigSmile.jpg", Expression.SMILE_OPEN),
        ("smile.jpg", Expression.SMILE_OPEN),
        ("lip_pucker.jpg", Expression.PUCKER),
        ("kiss.png", Expression.PUCKER),
        ("show_bottom_teeth.jpg", Expression.LOWER_TEETH),
        ("eeee.jpg", Expression.LOWER_TEETH),
    ],
)
def test_common_names_are_recognised(name: str, expected: Expression) -> None:
    assert guess_expression(name) is expected


@pytest.mark.parametrize("name", ["IMG_0042.jpg", "photo.png", "forest.jpg", "pout_rest.jpg", "eye.jpg"])
def test_unknown_or_ambiguous_names_are_not_guessed(name: str) -> None:
    assert guess_expression(name) is None


def test_words_split_case_digits_and_plurals() -> None:
    assert words("03_EyesClosedTight.final.JPG") == ["eye", "closed", "tight", "final"]


def test_manifest_overrides_the_guess_and_unknown_files_are_reported(tmp_path: Path) -> None:
    for name in ("a.jpg", "b.jpg", "smile.jpg", "IMG_1.jpg", "notes.txt"):
        (tmp_path / name).write_bytes(b"")
    manifest = tmp_path / "m.csv"
    manifest.write_text("path,expression\na.jpg,rest\nsmile.jpg,pucker\nb.jpg,Brow Raise\n")
    plan = plan_folder(tmp_path, manifest)
    assert {e: Path(str(src)).name for e, (src, _) in plan.photos.items()} == {
        Expression.REST: "a.jpg",
        Expression.PUCKER: "smile.jpg",
        Expression.BROW_RAISE: "b.jpg",
    }
    assert plan.unrecognised == ("IMG_1.jpg",)


def test_a_second_photo_of_an_expression_is_reported_as_duplicate(tmp_path: Path) -> None:
    (tmp_path / "1_rest.jpg").write_bytes(b"")
    (tmp_path / "2_rest.jpg").write_bytes(b"")
    plan = plan_folder(tmp_path)
    assert list(plan.photos) == [Expression.REST]
    assert plan.duplicates == ("2_rest.jpg (rest)",)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("file,kind\na.jpg,rest\n", "columns path,expression"),
        ("path,expression\na.jpg,frown\n", "line 2: unknown expression 'frown'"),
        ("path,expression\n,rest\n", "line 2: empty path"),
    ],
)
def test_bad_manifests_name_the_problem(tmp_path: Path, text: str, message: str) -> None:
    manifest = tmp_path / "m.csv"
    manifest.write_text(text)
    with pytest.raises(FaceNerveError, match=message) as info:
        read_manifest(manifest)
    assert info.value.code == "bad_manifest"


def test_a_file_is_not_a_session_folder(tmp_path: Path) -> None:
    (tmp_path / "x.jpg").write_bytes(b"")
    with pytest.raises(FaceNerveError) as info:
        plan_folder(tmp_path / "x.jpg")
    assert info.value.code == "bad_session"
