"""`deplab parse` and `deplab train` from the command line."""
import io
import sys

from deplab.parser.cli import main
from deplab.parser.conllu import parse_conllu_text, read_conllu
from deplab.parser.tree import DependencyTree

from conftest import FIXTURES


def test_parse_conllu_keeps_everything_but_the_annotation(tiny_model_dir, tmp_path, capsys):
    out = tmp_path / "out.conllu"
    assert main(["parse", "--model", str(tiny_model_dir), str(FIXTURES / "tiny_dev.conllu"), "-o", str(out)]) == 0
    gold = read_conllu(FIXTURES / "tiny_dev.conllu")
    parsed = read_conllu(out)
    assert len(parsed) == len(gold)
    for g, p in zip(gold, parsed):
        assert g.comments == p.comments
        assert [(t.id, t.form, t.lemma, t.xpos, t.feats, t.misc) for t in g.tokens] == \
               [(t.id, t.form, t.lemma, t.xpos, t.feats, t.misc) for t in p.tokens]
        assert DependencyTree.from_sentence(p).is_valid()


def test_parse_keep_tags(tiny_model_dir, tmp_path):
    out = tmp_path / "out.conllu"
    assert main(["parse", "--model", str(tiny_model_dir), "--keep-tags", str(FIXTURES / "tiny_dev.conllu"),
                 "-o", str(out)]) == 0
    gold = read_conllu(FIXTURES / "tiny_dev.conllu")
    assert [w.upos for s in read_conllu(out) for w in s.words] == [w.upos for s in gold for w in s.words]


def test_parse_plain_text_from_stdin(tiny_model_dir, monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"Birds sing. The sun rises early.\n")))
    assert main(["parse", "--model", str(tiny_model_dir), "-"]) == 0
    sentences = parse_conllu_text(capsys.readouterr().out)
    assert [s.text for s in sentences] == ["Birds sing.", "The sun rises early."]
    assert all(DependencyTree.from_sentence(s).is_valid() for s in sentences)


def test_parse_refuses_malformed_conllu_without_traceback(tiny_model_dir, tmp_path, capsys):
    bad = tmp_path / "bad.conllu"
    bad.write_text("# text = a b\n1\ta\t_\t_\t_\t_\t0\troot\t_\t_\n2\tb\t_\t_\t_\t_\tX\tdep\t_\t_\n\n")
    assert main(["parse", "--model", str(tiny_model_dir), str(bad)]) == 1
    err = capsys.readouterr().err
    assert f"{bad}:3:" in err and "HEAD" in err and "Traceback" not in err


def test_parse_with_a_missing_model_is_a_clear_error(tmp_path, capsys):
    assert main(["parse", "--model", str(tmp_path / "nope"), str(FIXTURES / "tiny_dev.conllu")]) == 1
    assert "not a DepLab model folder" in capsys.readouterr().err


def test_train_command_writes_a_loadable_model(tmp_path, capsys):
    out = tmp_path / "m"
    code = main(["train", "--train", str(FIXTURES / "tiny.conllu"), "--dev", str(FIXTURES / "tiny_dev.conllu"),
                 "--out", str(out), "--epochs", "1", "--size", "lstm_hidden=16", "--size", "mlp_hidden=16",
                 "--size", "word_dim=16", "--size", "layers=1", "--lang", "en", "--start", "scratch"])
    assert code == 0
    assert (out / "config.json").exists() and (out / "parser.safetensors").exists()
    captured = capsys.readouterr()
    assert "best dev LAS" in captured.err and captured.out == ""  # the training log is diagnostics


def test_train_init_continues_a_model_and_keeps_its_record(tiny_model_dir, tmp_path):
    out = tmp_path / "continued"
    assert main(["train", "--train", str(FIXTURES / "tiny.conllu"), "--dev", str(FIXTURES / "tiny_dev.conllu"),
                 "--out", str(out), "--epochs", "1", "--init", str(tiny_model_dir), "--lr", "1e-3"]) == 0
    from deplab.parser.model import Model
    before, after = Model.load(tiny_model_dir), Model.load(out)
    assert after.config["sizes"] == before.config["sizes"]
    runs = after.config["training"]["earlier_runs"]
    assert runs[-1]["from"]["name"] == tiny_model_dir.name and len(runs[-1]["from"]["files"]) >= 2 and len(runs[-1]["history"]) == 6
