"""parser.fileio: writes that land whole or not at all."""
import pytest

from deplab.parser.fileio import atomic_files, atomic_folder, atomic_write_text


def test_atomic_write_text_replaces_the_file_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("old")
    atomic_write_text(target, "new ünïcode")
    assert target.read_text(encoding="utf-8") == "new ünïcode"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_atomic_files_land_together_or_not_at_all(tmp_path):
    folder = tmp_path / "frames"
    folder.mkdir()
    (folder / "keep.txt").write_text("mine")
    with atomic_files(folder) as work:
        (work / "a.png").write_bytes(b"1")
        (work / "b.png").write_bytes(b"2")
    assert sorted(p.name for p in folder.iterdir()) == ["a.png", "b.png", "keep.txt"]

    with pytest.raises(RuntimeError):
        with atomic_files(folder) as work:
            (work / "a.png").write_bytes(b"changed")
            raise RuntimeError("cancelled half-way")
    assert (folder / "a.png").read_bytes() == b"1"  # nothing moved, no hidden folder left
    assert sorted(p.name for p in folder.iterdir()) == ["a.png", "b.png", "keep.txt"]

    new = tmp_path / "new"
    with pytest.raises(RuntimeError):
        with atomic_files(new) as work:
            (work / "x").write_text("x")
            raise RuntimeError
    assert not new.exists()  # made for the run, removed with it


def test_atomic_folder_replaces_a_model_folder_whole(tmp_path):
    model = tmp_path / "model"
    model.mkdir()
    (model / "old.json").write_text("{}")
    with atomic_folder(model) as tmp:
        (tmp / "config.json").write_text("{}")
    assert [p.name for p in model.iterdir()] == ["config.json"]
    with pytest.raises(ValueError):
        with atomic_folder(model) as tmp:
            (tmp / "half.json").write_text("{")
            raise ValueError
    assert [p.name for p in model.iterdir()] == ["config.json"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model"]
