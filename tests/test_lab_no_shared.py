"""Nothing a user runs refers to the development machine's ../shared data (issue 16): not the app, not the
commands, not a default.  (Benchmarks and tests may; they are not installed.)"""
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = re.compile(r"""(\.\./shared|["']shared["']|/shared/data)""")


def test_no_code_that_users_run_refers_to_shared():
    hits = []
    for folder in ("parser", "app", "deplab"):
        for path in (ROOT / folder).rglob("*.py"):
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if SHARED.search(line):
                    hits.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()}")
    assert not hits, "\n".join(hits)


def test_the_bundled_models_do_not_send_fine_tuning_to_shared():
    """The bundled models record their training files (a relative path of this checkout); fine-tuning's
    defaults must not read it: rehearsal only with a file the user chose."""
    from deplab.parser.finetune import FinetuneConfig
    cfg = FinetuneConfig()
    assert cfg.rehearsal_data is None and cfg.guard != "none"
