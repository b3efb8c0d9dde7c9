"""Lossless CoNLL-U reading/writing and clear errors for malformed input."""
import io

import pytest

from conftest import EWT_DEV, EWT_TRAIN, FIXTURES, GUM_DEV, need
from deplab.parser import cli
from deplab.parser.conllu import (ConlluError, Sentence, iter_sentences, parse_conllu_text, read_conllu,
                           to_conllu_text, write_conllu)

TINY = FIXTURES / "tiny.conllu"
TINY_DEV = FIXTURES / "tiny_dev.conllu"

GOOD = ("# sent_id = g1\n# text = Dogs bark.\n"
        "1\tDogs\tdog\tNOUN\tNNS\tNumber=Plur\t2\tnsubj\t_\t_\n"
        "2\tbark\tbark\tVERB\tVBP\t_\t0\troot\t_\tSpaceAfter=No\n"
        "3\t.\t.\tPUNCT\t.\t_\t2\tpunct\t_\t_\n\n")


def _row(id_, form, head, deprel, upos="X"):
    return f"{id_}\t{form}\t{form}\t{upos}\t_\t_\t{head}\t{deprel}\t_\t_\n"


# -- lossless round trip -----------------------------------------------------------

@pytest.mark.parametrize("path", [EWT_TRAIN, EWT_DEV, GUM_DEV], ids=["ewt-train", "ewt-dev", "gum-dev"])
def test_round_trip_shared_treebanks_is_byte_identical(path, tmp_path):
    need(path)
    original = path.read_bytes()
    sentences = read_conllu(path)
    assert len(sentences) > 1000
    assert to_conllu_text(sentences).encode("utf-8") == original
    out = tmp_path / "copy.conllu"
    write_conllu(sentences, out)
    assert out.read_bytes() == original


@pytest.mark.parametrize("path", [TINY, TINY_DEV], ids=["tiny", "tiny_dev"])
def test_round_trip_fixtures_is_byte_identical(path, tmp_path):
    original = path.read_bytes()
    sentences = read_conllu(path)
    out = tmp_path / "copy.conllu"
    write_conllu(sentences, out)
    assert out.read_bytes() == original
    # streaming from a binary file object gives the same sentences
    streamed = list(iter_sentences(io.BytesIO(original), "mem"))
    assert [s.to_text() for s in streamed] == [s.to_text() for s in sentences]


def test_tiny_fixture_content():
    sentences = read_conllu(TINY)
    assert len(sentences) >= 40
    assert len(read_conllu(TINY_DEV)) == 10
    ranges = [t for s in sentences for t in s.tokens if t.is_range]
    empties = [t for s in sentences for t in s.tokens if t.is_empty]
    assert {t.form for t in ranges} == {"don't", "cannot"}
    assert [t.id for t in empties] == ["5.1"]
    for s in sentences:
        assert s.sent_id.startswith("tiny-")
        assert 3 <= len(s.words) <= 20
        # the words are numbered 1..n whatever ranges and empty nodes surround them
        assert [w.id for w in s.words] == [str(i) for i in range(1, len(s.words) + 1)]
        # the text comment matches the tokens and SpaceAfter=No
        surface, skip = [], 0
        for t in s.tokens:
            if t.is_empty:
                continue
            if skip:
                skip -= 1
                continue
            if t.is_range:
                a, b = map(int, t.id.split("-"))
                skip = b - a + 1
            surface.append(t.form + ("" if "SpaceAfter=No" in t.misc else " "))
        assert "".join(surface).rstrip() == s.text


def test_sentence_views_on_multiword_and_empty_nodes():
    s = next(x for x in read_conllu(TINY) if x.sent_id == "tiny-10")
    assert [w.form for w in s.words] == ["Mary", "likes", "tea", "and", "John", "coffee", "."]
    assert s.heads == [2, 0, 2, 5, 2, 5, 2]
    assert s.deprels[5] == "orphan"
    s8 = next(x for x in read_conllu(TINY) if x.sent_id == "tiny-8")
    assert [w.form for w in s8.words][:4] == ["I", "do", "n't", "like"]
    assert s8.metadata["text"] == "I don't like cold coffee."
    copy = s8.copy()
    copy.words[0].head = "2"
    assert s8.words[0].head == "4"


def test_set_meta_and_from_words():
    s = Sentence.from_words(["Hi", "there"], sent_id="x1")
    assert s.sent_id == "x1" and s.text == "Hi there"
    s.set_meta("sent_id", "x2")
    s.set_meta("newpar", "yes")
    s.set_meta("text", None)
    assert s.comments == ["# sent_id = x2", "# newpar = yes"]
    assert parse_conllu_text(s.to_text())[0].words[1].form == "there"


def test_utf8_bom_is_accepted():
    text = "\ufeff" + GOOD
    assert read_conllu(io.BytesIO(text.encode("utf-8")))[0].sent_id == "g1"


# -- malformed input ---------------------------------------------------------------

HEADER = "# sent_id = b1\n# text = x\n"
BAD_CASES = {
    "wrong column count": (HEADER + _row(1, "A", 0, "root") + "2\tB\tb\tX\t_\t_\t1\tdep\t_\n\n",
                           4, "wrong column count: expected 10 tab-separated columns, found 9"),
    "non-integer head": (HEADER + _row(1, "A", 0, "root") + _row(2, "B", "one", "dep") + "\n",
                         4, "HEAD 'one' is not a non-negative integer"),
    "out-of-range head": (HEADER + _row(1, "A", 0, "root") + _row(2, "B", 7, "dep") + "\n",
                          4, "HEAD 7 is out of range: the sentence has 2 words"),
    "own head": (HEADER + _row(1, "A", 0, "root") + _row(2, "B", 2, "dep") + "\n",
                 4, "word 2 is its own head"),
    "duplicate id": (HEADER + _row(1, "A", 0, "root") + _row(2, "B", 1, "dep") + _row(2, "C", 1, "dep") + "\n",
                     5, "duplicate ID '2'"),
    "unordered ids": (HEADER + _row(1, "A", 0, "root") + _row(3, "C", 1, "dep") + _row(2, "B", 1, "dep") + "\n",
                      4, "ID 3 out of order: expected word ID 2"),
    "invalid id": (HEADER + _row("one", "A", 0, "root") + "\n", 3, "invalid ID 'one'"),
    "not conllu": ("This is just a sentence of prose.\n", 1, "a line that is not CoNLL-U"),
    "empty file": ("", 1, "the file is empty: no sentences found"),
    "empty column": (HEADER + "1\tA\t\tX\t_\t_\t0\troot\t_\t_\n\n", 3, "column LEMMA is empty"),
    "range head": (HEADER + "1-2\tAB\t_\t_\t_\t_\t0\t_\t_\t_\n" + _row(1, "A", 0, "root") + _row(2, "B", 1, "dep") + "\n",
                   3, "range 1-2 must have HEAD '_'"),
    "range past end": (HEADER + _row(1, "A", 0, "root") + "2-3\tBC\t_\t_\t_\t_\t_\t_\t_\t_\n" + _row(2, "B", 1, "dep") + "\n",
                       4, "multiword-token range 2-3 goes past the last word 2"),
    "one-word range": (HEADER + "1-1\tA\t_\t_\t_\t_\t_\t_\t_\t_\n" + _row(1, "A", 0, "root") + "\n",
                       3, "multiword-token range 1-1 must span at least two words"),
    "empty node out of order": (HEADER + "1.1\tE\t_\t_\t_\t_\t_\t_\t_\t_\n" + _row(1, "A", 0, "root") + "\n",
                                3, "empty node 1.1 out of order after word 0"),
    "comment inside sentence": (HEADER + _row(1, "A", 0, "root") + "# late\n\n", 4, "comment line inside a sentence"),
    "white-space line": (GOOD.replace("\n\n", "\n \n"), 6, "line holds only white space"),
    "comments only": ("# sent_id = c\n\n", 1, "sentence has comments but no tokens"),
}


@pytest.mark.parametrize("name", list(BAD_CASES))
def test_malformed_input_names_file_line_and_problem(name, tmp_path):
    text, line, message = BAD_CASES[name]
    path = tmp_path / "bad.conllu"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConlluError) as info:
        read_conllu(path)
    err = info.value
    assert err.line == line
    assert err.path == str(path)
    assert message in err.message
    assert str(err).startswith(f"{path}:{line}: ")


def test_invalid_utf8_names_the_line(tmp_path):
    path = tmp_path / "latin1.conllu"
    path.write_bytes(HEADER.encode() + _row(1, "caf\xe9", 0, "root").encode("latin-1") + b"\n")
    with pytest.raises(ConlluError) as info:
        read_conllu(path)
    assert info.value.line == 3
    assert "invalid UTF-8" in info.value.message


def test_error_in_a_later_sentence_has_the_absolute_line(tmp_path):
    text = GOOD + GOOD.replace("g1", "g2") + HEADER + _row(1, "A", 0, "root") + _row(2, "B", 9, "dep") + "\n"
    path = tmp_path / "late.conllu"
    path.write_text(text, encoding="utf-8")
    it = iter_sentences(path)
    assert next(it).sent_id == "g1" and next(it).sent_id == "g2"
    with pytest.raises(ConlluError) as info:
        next(it)
    assert info.value.line == 16


def test_write_is_atomic_and_leaves_no_temporary_file(tmp_path):
    out = tmp_path / "out.conllu"
    out.write_text("old content")
    write_conllu(parse_conllu_text(GOOD), out)
    assert out.read_text() == GOOD
    assert [p.name for p in tmp_path.iterdir()] == ["out.conllu"]


# -- the command line path ----------------------------------------------------------

@pytest.mark.parametrize("bad_side", ["gold", "system"])
def test_cli_reports_malformed_file_as_one_line(bad_side, tmp_path, capsys):
    bad = tmp_path / "bad.conllu"
    bad.write_text(BAD_CASES["out-of-range head"][0], encoding="utf-8")
    args = ["evaluate", str(bad), str(TINY)] if bad_side == "gold" else ["evaluate", str(TINY), str(bad)]
    assert cli.main(args) != 0
    out, err = capsys.readouterr()
    assert f"{bad}:4: HEAD 7 is out of range" in err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
    assert out == ""


def test_cli_reports_missing_file(tmp_path, capsys):
    assert cli.main(["evaluate", str(tmp_path / "nope.conllu"), str(TINY)]) == 1
    err = capsys.readouterr().err
    assert "nope.conllu" in err and "Traceback" not in err
