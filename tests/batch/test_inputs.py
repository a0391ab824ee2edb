"""Folder scans and manifest CSVs."""

from __future__ import annotations

from pathlib import Path

import pytest

from facenerve.batch import collect_items
from facenerve.errors import FaceNerveError
from tests.batch.photos import BAD, GOOD, NO_FACE


def test_folder_is_searched_recursively_in_a_stable_order(batch_folder: Path) -> None:
    found = collect_items(batch_folder, expression="smile_open")
    relative = [Path(i.path).relative_to(batch_folder).as_posix() for i in found.items]
    assert relative == sorted([*GOOD, *BAD, *NO_FACE])
    assert found.ignored_files == 1  # readme.txt; hidden files are skipped silently
    assert {i.expression for i in found.items} == {"smile_open"}
    assert all(Path(i.file).is_absolute() and not i.mirrored for i in found.items)
    empty = next(i for i in found.items if i.path.endswith("empty.png"))
    assert empty.sha256 == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"  # SHA-256 of b""


def test_manifest_columns_defaults_and_relative_paths(batch_folder: Path, tmp_path: Path) -> None:
    manifest = tmp_path / "list.csv"
    manifest.write_text(
        "path,expression,subject,session,mirrored\n"
        f"{batch_folder / 'astronaut.jpg'},Smile_Open,P01,baseline,yes\n"
        f"{batch_folder / 'wall.jpg'},,P02,,\n"
        ",,,,\n",
        encoding="utf-8",
    )
    items = collect_items(manifest, expression="rest", mirrored=False).items
    assert [(i.expression, i.subject, i.session, i.mirrored) for i in items] == [
        ("smile_open", "P01", "baseline", True),
        ("rest", "P02", None, False),
    ]
    relative = tmp_path / "rel.csv"
    (tmp_path / "pics").mkdir()
    (tmp_path / "pics" / "a.jpg").write_bytes((batch_folder / "astronaut.jpg").read_bytes())
    relative.write_text("path\npics/a.jpg\n")
    (item,) = collect_items(relative).items
    assert item.path == "pics/a.jpg" and item.file == str((tmp_path / "pics" / "a.jpg").resolve())
    assert item.sha256 == items[0].sha256  # same content, same hash


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("file,subject\na.jpg,x\n", "at least 'path'"),
        ("path,expresion\na.jpg,rest\n", "unknown column 'expresion'"),
        ("path,expression\na.jpg,rest\nb.jpg,yawn\n", "line 3: unknown expression 'yawn'"),
        ("path,mirrored\na.jpg,maybe\n", "line 2: mirrored must be true/false"),
        ("path,subject\n,P1\n", "line 2: empty path"),
        ("path\na.jpg,extra\n", "line 2: 2 cells for 1 columns"),
    ],
)
def test_malformed_manifests_name_the_problem(tmp_path: Path, text: str, message: str) -> None:
    manifest = tmp_path / "m.csv"
    manifest.write_text(text)
    with pytest.raises(FaceNerveError, match=message) as info:
        collect_items(manifest)
    assert info.value.code == "bad_input" and "\n" not in str(info.value)


def test_missing_input_and_non_csv_file_are_rejected(batch_folder: Path) -> None:
    with pytest.raises(FaceNerveError, match="no such file or folder"):
        collect_items(batch_folder / "nope")
    with pytest.raises(FaceNerveError, match="folder of photos or a manifest"):
        collect_items(batch_folder / "astronaut.jpg")


def test_key_follows_path_content_and_manifest_fields(batch_copy: Path) -> None:
    before = {i.path: i for i in collect_items(batch_copy).items}
    (batch_copy / "wall.jpg").write_bytes((batch_copy / "astronaut.jpg").read_bytes())
    after = {i.path: i for i in collect_items(batch_copy).items}
    changed = {p for p in before if before[p].key != after[p].key}
    assert changed == {str(batch_copy / "wall.jpg")}
    smile = {i.path: i for i in collect_items(batch_copy, expression="smile_open").items}
    assert all(smile[p].key != after[p].key for p in after)
