"""The commands' conventions: --version, exit codes, help with defaults, --quiet/--verbose, no torch where
no model is needed, the input format of ``deplab parse``, and parsed output without a stale enhanced graph."""
import io
import logging
import re
import subprocess
import sys

import pytest

import deplab
from deplab.parser import cli, log
from deplab.parser.cli import EXIT_CODES, SUBCOMMANDS, build_parser, main
from deplab.parser.conllu import parse_conllu_text, read_conllu
from deplab.parser.parse import input_format, looks_like_conllu
from deplab.parser.progress import Cancelled

from conftest import FIXTURES, ROOT


def test_version(capsys):
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"deplab {deplab.__version__}"


def test_help_documents_the_exit_codes_and_the_commands(capsys):
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    for code in (0, 1, 2, 130):
        assert f"  {code} " in out
    assert set(EXIT_CODES) == {0, 1, 2, 130}
    for name in SUBCOMMANDS:
        assert name in out
    assert "DEPLAB_DATA_DIR" in out and "--quiet" in out and "--verbose" in out


@pytest.mark.parametrize("command", ["train", "parse", "evaluate"])
def test_every_option_has_help_and_shows_its_default(command):
    ap = build_parser(command)
    sub = next(a for a in ap._actions if isinstance(a, type(ap._subparsers._group_actions[0])))
    p = sub.choices[command]
    text = p.format_help()
    for action in p._actions:
        if action.dest == "help":
            continue
        assert action.help, f"deplab {command} {action.option_strings or action.dest} has no help text"
        d = action.default
        if action.option_strings and d not in (None, False, [], "", "==SUPPRESS==") and not isinstance(d, bool):
            assert re.search(r"default[: ]", p._get_formatter()._get_help_string(action)), action.option_strings
    assert "exit codes" in text


NO_TORCH = [["--help"], ["--version"], [], ["evaluate", "--help"], ["parse", "--help"],
            ["evaluate", str(FIXTURES / "tiny_dev.conllu"), str(FIXTURES / "tiny_dev.conllu")]]


@pytest.mark.parametrize("argv", NO_TORCH, ids=lambda a: " ".join(a[:1]) + (" (run)" if len(a) == 3 else ""))
def test_commands_that_need_no_model_do_not_import_torch(argv):
    code = ("import sys; from deplab.parser.cli import main; code = main(%r); "
            "assert code == 0, code; assert 'torch' not in sys.modules, 'torch imported'" % (argv,))
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr


@pytest.mark.parametrize("name", ["grep", "validate", "agree", "oracle"])
def test_the_treebank_commands_do_not_import_torch(name):
    if name not in SUBCOMMANDS:
        pytest.skip(f"deplab {name} is not registered in this build")
    code = ("import sys; from deplab.parser.cli import main; main([%r, '--help']); "
            "assert 'torch' not in sys.modules, 'torch imported'" % name)
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr


def test_exit_codes(tmp_path, monkeypatch, capsys):
    assert main(["parse", "--no-such-option", "x"]) == 2                      # usage
    assert main(["frobnicate"]) == 2
    assert "invalid choice" in capsys.readouterr().err
    missing = tmp_path / "missing.conllu"
    assert main(["evaluate", str(missing), str(missing)]) == 1               # error
    err = capsys.readouterr().err
    assert f"{missing}: No such file or directory" in err and "Traceback" not in err

    import deplab.parser.evaluate as evaluate

    def cancelled(args):
        raise Cancelled()
    monkeypatch.setattr(evaluate, "run", cancelled)
    gold = str(FIXTURES / "tiny_dev.conllu")
    assert main(["evaluate", gold, gold]) == 130                               # cancelled

    def interrupted(args):
        raise KeyboardInterrupt
    monkeypatch.setattr(evaluate, "run", interrupted)
    assert main(["evaluate", gold, gold]) == 130                               # Ctrl+C
    assert "interrupted" in capsys.readouterr().err


def test_quiet_and_verbose(tiny_model_dir, capsys):
    data = str(FIXTURES / "tiny_dev.conllu")
    assert main(["parse", "--model", str(tiny_model_dir), data]) == 0
    assert "sentence(s) (conllu)" in capsys.readouterr().err
    for argv in (["-q", "parse"], ["parse", "--quiet"]):
        assert main([*argv, "--model", str(tiny_model_dir), data]) == 0
        captured = capsys.readouterr()
        assert captured.err == "" and captured.out.startswith("#")
    assert main(["parse", "-q", "-v", data]) == 2  # one or the other


def test_progress_is_a_bar_on_a_terminal_and_plain_lines_elsewhere():
    stream = io.StringIO()
    logger = log.configure(log.NORMAL, stream)
    with log.progress("parsing", "sentence", stream=stream, interactive=False) as p:
        for k in range(1, 6):
            p(k, 5)
    assert stream.getvalue() == "parsing: 5/5 sentence (100%)\n"  # rate-limited: the end of the total
    bar = io.StringIO()
    with log.progress("parsing", "sentence", stream=bar, interactive=True) as p:
        p(2, 5)
    assert "\r" in bar.getvalue() and "parsing" in bar.getvalue()
    log.configure(log.QUIET, stream)
    quiet = io.StringIO()
    with log.progress("parsing", stream=quiet, interactive=True) as p:
        p(5, 5)
    assert quiet.getvalue() == ""
    logger.warning("careful")
    assert stream.getvalue().endswith("warning: careful\n")
    log.configure(log.NORMAL)
    assert logging.getLogger("deplab.parser.train").getEffectiveLevel() == logging.INFO


# -- deplab parse: the input format ----------------------------------------------------------------

CONLLU = b"# text = Birds sing.\n1\tBirds\t_\t_\t_\t_\t_\t_\t_\t_\n2\tsing\t_\t_\t_\t_\t_\t_\t_\tSpaceAfter=No\n3\t.\t_\t_\t_\t_\t_\t_\t_\t_\n\n"


def test_the_format_is_decided_by_extension_then_by_content():
    prose = b"Birds sing.\n"
    assert input_format("a.conllu", prose) == "conllu"
    assert input_format("a.CoNLL", prose) == "conllu"
    assert input_format("a.txt", CONLLU) == "text"
    assert input_format("-", CONLLU) == "conllu" and input_format("-", prose) == "text"
    assert input_format("a.data", CONLLU) == "conllu" and input_format("a.data", prose) == "text"
    assert input_format("a.conllu", prose, "text") == "text"
    assert looks_like_conllu(b"\n# sent_id = 1\n")
    assert looks_like_conllu(b"1-2\tdu\t_\t_\t_\t_\t_\t_\t_\t_\n")
    assert looks_like_conllu(b"1\tBirds\t_\t_\n")  # malformed, but CoNLL-U: reported as such
    assert not looks_like_conllu(b"# A heading\nSome prose.\n")
    assert not looks_like_conllu(b"")


def test_a_conllu_file_holding_prose_is_reported_with_file_and_line(tiny_model_dir, tmp_path, capsys):
    bad = tmp_path / "notes.conllu"
    bad.write_text("\nThis is one line of prose, not CoNLL-U.\n")
    assert main(["parse", "--model", str(tiny_model_dir), str(bad)]) == 1
    err = capsys.readouterr().err
    assert f"{bad}:2:" in err and "not CoNLL-U" in err and "Traceback" not in err
    out = tmp_path / "out.conllu"
    assert main(["parse", "--model", str(tiny_model_dir), "--format", "text", str(bad), "-o", str(out)]) == 0
    [s] = read_conllu(out)
    assert s.text == "This is one line of prose, not CoNLL-U."


def test_malformed_conllu_on_stdin_is_reported(tiny_model_dir, monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"1\tBirds\t_\n")))
    assert main(["parse", "--model", str(tiny_model_dir), "-"]) == 1
    assert "<stdin>:1: wrong column count" in capsys.readouterr().err


def test_text_that_is_not_utf8_is_reported(tiny_model_dir, tmp_path, capsys):
    bad = tmp_path / "latin1.txt"
    bad.write_bytes("Caf\u00e9 au lait.\nSecond line.\n".encode("latin-1"))
    assert main(["parse", "--model", str(tiny_model_dir), str(bad)]) == 1
    assert f"{bad}:1: invalid UTF-8" in capsys.readouterr().err


# -- parsed output and the enhanced graph ----------------------------------------------------------

ENHANCED = """# sent_id = gapping
# text = Mary likes tea and John coffee.
1	Mary	_	PROPN	_	_	2	nsubj	2:nsubj	_
2	likes	_	VERB	_	_	0	root	0:root	_
3	tea	_	NOUN	_	_	2	obj	2:obj	_
4	and	_	CCONJ	_	_	5	cc	5.1:cc	_
5	John	_	PROPN	_	_	2	conj	5.1:nsubj	_
5.1	likes	like	VERB	_	_	_	_	2:conj:and	CopyOf=2
6	coffee	_	NOUN	_	_	5	orphan	5.1:obj	SpaceAfter=No
7	.	_	PUNCT	_	_	2	punct	2:punct	_

# sent_id = mwt
# text = Il va au marché.
1	Il	_	PRON	_	_	2	nsubj	_	_
2	va	_	VERB	_	_	0	root	_	_
3-4	au	_	_	_	_	_	_	_	_
3	à	_	ADP	_	_	5	case	_	_
4	le	_	DET	_	_	5	det	_	_
5	marché	_	NOUN	_	_	2	obl	_	SpaceAfter=No
6	.	_	PUNCT	_	_	2	punct	_	_

"""


def test_parsing_drops_the_stale_enhanced_graph_whole(tiny_model_dir, tmp_path):
    src = tmp_path / "enhanced.conllu"
    src.write_text(ENHANCED, encoding="utf-8")
    out = tmp_path / "parsed.conllu"
    assert main(["parse", "--model", str(tiny_model_dir), str(src), "-o", str(out)]) == 0
    before, after = read_conllu(src), read_conllu(out)
    gapping, mwt = after
    assert [t.id for t in gapping.tokens] == ["1", "2", "3", "4", "5", "6", "7"]  # the empty node is gone
    assert all(t.deps == "_" for s in after for t in s.tokens)                   # and every word's DEPS
    assert [t.id for t in mwt.tokens] == [t.id for t in before[1].tokens]         # ranges stay
    assert mwt.tokens[2].form == "au"
    for b, a in zip(before, after):
        assert a.comments == b.comments
        assert [(w.form, w.lemma, w.misc) for w in a.words] == [(w.form, w.lemma, w.misc) for w in b.words]


def test_drop_enhanced_graph():
    from deplab.parser.pipeline import drop_enhanced_graph
    s = parse_conllu_text(ENHANCED)[0]
    assert drop_enhanced_graph(s) is s
    assert not any(t.is_empty for t in s.tokens) and {w.deps for w in s.words} == {"_"}
    assert [w.head for w in s.words] == ["2", "0", "2", "5", "2", "5", "2"]       # the basic tree untouched


def test_quit_after_reads_the_environment(monkeypatch):
    from deplab.app.launcher import quit_after
    for value, seconds in (("3", 3.0), ("0.5", 0.5), ("", None), ("0", None), ("-1", None), ("soon", None)):
        monkeypatch.setenv("DEPLAB_QUIT_AFTER", value)
        assert quit_after() == seconds
    monkeypatch.delenv("DEPLAB_QUIT_AFTER")
    assert quit_after() is None
