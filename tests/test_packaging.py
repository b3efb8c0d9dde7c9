"""DepLab as a user gets it: the wheel and the sdist built with ``python -m build``, the wheel installed
into a fresh virtual environment outside the checkout, then ``deplab --version``, ``deplab parse`` on a
sentence and the app offscreen for a few seconds.

The fresh environment sees the test environment's packages (torch, PySide6, spaCy) through a ``.pth``
line, so nothing is downloaded; ``pip install --no-index`` still checks that the wheel's declared
dependencies are met.  The build runs without isolation (setuptools and build are in the test extra).
About 40 s.
"""
import os
import subprocess
import sys
import sysconfig
import zipfile

import pytest

from conftest import ROOT

pytest.importorskip("build", reason="the test extra's 'build' package builds the wheel")


def _run(cmd, cwd, env, timeout=300, input=None):
    r = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, input=input)
    assert r.returncode == 0, f"{cmd} exited {r.returncode}\n{r.stdout[-3000:]}\n{r.stderr[-3000:]}"
    return r


@pytest.fixture(scope="module")
def dist(tmp_path_factory):
    out = tmp_path_factory.mktemp("dist")
    _run([sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(ROOT)], cwd=ROOT,
         env=dict(os.environ), timeout=600)
    wheels, sdists = list(out.glob("deplab-*.whl")), list(out.glob("deplab-*.tar.gz"))
    assert len(wheels) == 1 and len(sdists) == 1, list(out.iterdir())
    return wheels[0], sdists[0]


def test_every_package_folder_is_listed_for_the_wheel():
    """setuptools packages only the packages pyproject.toml lists: a new folder of parser/ or app/
    (parser/validate/, parser/grew/, ...) must be listed, or the installed wheel lacks it."""
    import tomllib
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    for top, name in (("parser", "deplab.parser"), ("app", "deplab.app")):
        for init in (ROOT / top).rglob("__init__.py"):
            rel = init.parent.relative_to(ROOT / top).parts
            assert ".".join((name, *rel)) in listed, f"{init.parent} is not in pyproject.toml's packages"


def test_the_wheel_holds_the_models_and_stays_under_pypis_limit(dist):
    wheel, sdist = dist
    assert wheel.stat().st_size < 100 * 1024 * 1024
    names = set(zipfile.ZipFile(wheel).namelist())
    for model in ("en_ewt", "en_ewt_h128", "en_ewt_cm2014"):
        assert f"deplab/resources/models/{model}/config.json" in names
    assert "deplab/parser/cli.py" in names and "deplab/app/launcher.py" in names
    assert not any(n.startswith(("tests/", "parser/", "app/")) for n in names)  # only under deplab/


def test_the_installed_wheel_works_outside_the_checkout(dist, tmp_path):
    wheel, _ = dist
    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", "--system-site-packages", "--without-pip", str(venv)], cwd=tmp_path,
         env=dict(os.environ))
    python = venv / "bin" / "python"
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    ours = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    with open(os.path.join(site, "deplab-test-dependencies.pth"), "w") as f:
        f.write("\n".join(sorted(ours)) + "\n")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    env.update(QT_QPA_PLATFORM="offscreen", DEPLAB_DATA_DIR=str(tmp_path / "data"),
               XDG_CONFIG_HOME=str(tmp_path / "config"), XDG_DATA_HOME=str(tmp_path / "share"),
               OMP_NUM_THREADS="1", PIP_DISABLE_PIP_VERSION_CHECK="1")
    _run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-index", str(wheel)],
         cwd=tmp_path, env=env)
    deplab = str(venv / "bin" / "deplab")

    where = _run([str(python), "-c", "import deplab.parser.bundled as b; print(b.DEFAULT_MODEL_DIR)"],
                 cwd=tmp_path, env=env).stdout.strip()
    assert where.startswith(str(venv)) and not where.startswith(str(ROOT))

    from deplab import __version__
    assert _run([deplab, "--version"], cwd=tmp_path, env=env).stdout.strip() == f"deplab {__version__}"

    (tmp_path / "sentence.txt").write_text("The cat sat on the mat.\n")
    parsed = _run([deplab, "parse", "sentence.txt"], cwd=tmp_path, env=env).stdout
    rows = [line.split("\t") for line in parsed.splitlines() if line and not line.startswith("#")]
    assert [r[1] for r in rows] == ["The", "cat", "sat", "on", "the", "mat", "."]
    assert sum(r[6] == "0" for r in rows) == 1

    app = _run([deplab], cwd=tmp_path, env={**env, "DEPLAB_QUIT_AFTER": "3"}, timeout=120)
    assert "Traceback" not in app.stderr


def _strings(value):
    if isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)
    elif isinstance(value, str):
        yield value


def test_shipped_models_and_results_record_files_by_name_not_by_path():
    """A model folder or a results file names its data and base model by file name and sha256, never by a path of
    the machine that wrote it (``../shared/...``, ``/work/...``)."""
    import json
    files = sorted((ROOT / "resources" / "models").glob("*/config.json")) + sorted(
        (ROOT / "benchmarks" / "results").glob("*.json"))
    assert files
    for path in files:
        config = json.loads(path.read_text(encoding="utf-8"))
        paths = [s for s in _strings(config) if s.startswith(("../", "/")) or "/shared/" in s]
        assert not paths, f"{path.name} records paths: {paths[:3]}"
    training = json.loads((ROOT / "resources/models/en_ewt/config.json").read_text())["training"]
    assert training["train"]["name"] == "en_ewt-ud-train.conllu" and len(training["train"]["sha256"]) == 64


def test_bundled_models_show_their_recorded_speed(tmp_path, monkeypatch):
    """File ▸ Bundled models shows what benchmarks/parse_speed.py --record measured, beside the dev scores;
    a model without a measurement shows none, and a broken measurements file is ignored."""
    import json

    from deplab.parser import bundled
    for name in ("fast", "slow"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "config.json").write_text(json.dumps(
            {"arch": "kg2016", "sizes": {"lstm_hidden": 64}, "training": {"best": {"UAS": 80.0, "LAS": 75.5}}}))
    (tmp_path / "measurements.json").write_text(json.dumps(
        {"fast": {"sentences_per_s": 2100, "ratio_to_spacy": 2.34, "UAS": 80.0, "LAS": 75.5}}))
    monkeypatch.setattr(bundled, "MODELS_ROOT", tmp_path)
    summaries = {p.name: text for p, text in bundled.bundled_models()}
    assert summaries["fast"] == "kg2016, BiLSTM 64, dev UAS 80.00 LAS 75.50, 2100 sentences/s (2.3× spaCy's CNN)"
    assert summaries["slow"] == "kg2016, BiLSTM 64, dev UAS 80.00 LAS 75.50"
    (tmp_path / "measurements.json").write_text("{not json")
    assert all("sentences/s" not in t for _, t in bundled.bundled_models())
