"""DepLab's validation against the UD project's own validator (``udvalidate`` from the ``udtools`` package):
a file the official validator rejects at levels 1-3 never passes DepLab's checks at those levels, and a
parsed file passes the official validator at level 2."""
import shutil
import subprocess

import pytest

from deplab.parser.validate import validate_bytes

from test_validate import CASES

pytestmark = pytest.mark.skipif(shutil.which("udvalidate") is None, reason="udtools (udvalidate) is not installed")


def official_rejects(path, level=3, lang="ud") -> bool:
    out = subprocess.run(["udvalidate", "--lang", lang, "--level", str(level), "--no-warnings", "-q", str(path)],
                         capture_output=True, text=True, timeout=120)
    return out.returncode != 0


def test_what_the_official_validator_rejects_never_passes_here(tmp_path):
    rejected = 0
    for name, text in sorted(CASES.items()):
        path = tmp_path / f"{name}.conllu"
        path.write_text(text, encoding="utf-8")
        if official_rejects(path):
            rejected += 1
            ours = [p for p in validate_bytes(text.encode("utf-8"), str(path), level=3)
                    if getattr(p, "severity", "error") == "error"]
            assert ours, f"{name}: the official validator rejects it, DepLab's checks pass it"
    assert rejected >= len(CASES) - 5  # the cases are written to fail, and the official validator agrees


def test_parsed_output_passes_the_official_validator_at_level_2(tmp_path):
    from conftest import FIXTURES, train_tiny
    from deplab.parser.conllu import read_conllu, write_conllu
    from deplab.parser.pipeline import Pipeline
    model = train_tiny(tmp_path / "m", epochs=1)
    src = FIXTURES / "tiny_dev.conllu"
    assert not official_rejects(src, level=2, lang="en")
    out = tmp_path / "parsed.conllu"
    write_conllu(Pipeline(model).parse(read_conllu(src)), out)
    assert not official_rejects(out, level=2, lang="en")
