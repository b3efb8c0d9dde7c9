"""benchmarks/bootstrap.py on the fixture treebank: a fine-tuned model's selection LAS is its own."""
import importlib.util
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_transfer_row_reports_the_finetuned_models_selection_las(tmp_path):
    spec = importlib.util.spec_from_file_location("bootstrap_benchmark", ROOT / "benchmarks" / "bootstrap.py")
    bootstrap = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bootstrap)
    out = tmp_path / "rows.json"
    assert bootstrap.main(["--quick", "--transfer", "--no-udpipe", "--no-deplab", "--work", str(tmp_path),
                           "--out", str(out)]) == 0
    [row] = json.loads(out.read_text())
    assert row["system"] == "DepLab from en_ewt"
    config = json.loads((tmp_path / "xx-all" / "transfer" / "config.json").read_text())
    assert row["select_LAS"] == config["finetune"]["after"]["LAS"]
    # the base model's own training record (English dev) is kept in the folder, but is not this run's score
    assert config["training"]["best"]["LAS"] != config["finetune"]["after"]["LAS"]


def test_the_default_row_gives_the_start_kept_and_both_selection_las(tmp_path, capsys):
    spec = importlib.util.spec_from_file_location("bootstrap_benchmark", ROOT / "benchmarks" / "bootstrap.py")
    bootstrap = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bootstrap)
    out = tmp_path / "rows.json"
    assert bootstrap.main(["--quick", "--no-udpipe", "--work", str(tmp_path), "--out", str(out)]) == 0
    [row] = json.loads(out.read_text())
    config = json.loads((tmp_path / "xx-all" / "deplab" / "config.json").read_text())
    start = config["start"]  # deplab train's default start for 41 sentences: auto
    assert row["system"] == "DepLab" and row["start"] == start["chosen"]
    assert row["select_LAS_scratch"] == start["selection"]["scratch"]["LAS"]
    assert row["select_LAS_finetuned"] == start["selection"]["finetuned"]["LAS"]
    assert row["select_LAS"] == max(row["select_LAS_scratch"], row["select_LAS_finetuned"])
    capsys.readouterr()
    assert bootstrap.main(["--report", str(out)]) == 0
    assert f"| xx | all | {row['LAS']:.2f} | — |" in capsys.readouterr().out  # no UDPipe row to compare with
