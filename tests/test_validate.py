"""deplab validate: each case below is a sentence written for this test, broken in one way."""
import subprocess
import sys

import pytest

from deplab.parser.validate import validate_bytes

from conftest import EWT_DEV, ROOT, need

BASE = [
    "# sent_id = v1",
    "# text = The dog barked loudly.",
    "1\tThe\tthe\tDET\t_\tDefinite=Def|PronType=Art\t2\tdet\t_\t_",
    "2\tdog\tdog\tNOUN\t_\tNumber=Sing\t3\tnsubj\t_\t_",
    "3\tbarked\tbark\tVERB\t_\tMood=Ind|Tense=Past|VerbForm=Fin\t0\troot\t_\t_",
    "4\tloudly\tloudly\tADV\t_\t_\t3\tadvmod\t_\tSpaceAfter=No",
    "5\t.\t.\tPUNCT\t_\t_\t3\tpunct\t_\t_",
]
SECOND = [
    "# sent_id = v2",
    "# text = Cats sleep.",
    "1\tCats\tcat\tNOUN\t_\tNumber=Plur\t2\tnsubj\t_\t_",
    "2\tsleep\tsleep\tVERB\t_\tMood=Ind|Tense=Pres|VerbForm=Fin\t0\troot\t_\tSpaceAfter=No",
    "3\t.\t.\tPUNCT\t_\t_\t2\tpunct\t_\t_",
]


def text(lines, second=None):
    out = "\n".join(lines) + "\n\n"
    if second is not None:
        out += "\n".join(second) + "\n\n"
    return out


def edit(line_no, column, value, lines=BASE):
    """BASE with column ``column`` (0-based) of line ``line_no`` (0-based) set to value."""
    lines = list(lines)
    cols = lines[line_no].split("\t")
    cols[column] = value
    lines[line_no] = "\t".join(cols)
    return lines


def replace(line_no, new, lines=BASE):
    lines = list(lines)
    lines[line_no] = new
    return lines


def insert(line_no, new, lines=BASE):
    lines = list(lines)
    lines.insert(line_no, new)
    return lines


W = {k: 1 + k for k in range(1, 6)}  # word k is on line index k + 1


def GOESWITH(text, misc1, upos2):
    """ "every body" written apart and joined by goeswith (no features in the sentence)."""
    return ["# sent_id = g1", f"# text = {text}",
            f"1\tevery\teverybody\tPRON\t_\t_\t3\tnsubj\t_\t{misc1}",
            f"2\tbody\t_\t{upos2}\t_\t_\t1\tgoeswith\t_\t_",
            "3\tcame\tcome\tVERB\t_\t_\t0\troot\t_\tSpaceAfter=No",
            "4\t.\t.\tPUNCT\t_\t_\t3\tpunct\t_\t_"]


def deps(*values):
    """BASE with DEPS of words 1..5 set to values."""
    lines = list(BASE)
    for k, v in enumerate(values, 1):
        lines = edit(W[k], 8, v, lines)
    return lines

CASES = {
    # level 1
    "number-of-columns": text(replace(W[2], "2\tdog\tdog\tNOUN\t_\tNumber=Sing\t3\tnsubj\t_")),
    "empty-column": text(edit(W[2], 4, "")),
    "leading-whitespace": text(edit(W[2], 2, " dog")),
    "trailing-whitespace": text(edit(W[2], 2, "dog ")),
    "invalid-whitespace": text(edit(W[2], 4, "N N")),
    "word-id-sequence": text(BASE[:W[3]] + [BASE[W[4]], BASE[W[3]]] + BASE[W[5]:]),
    "misplaced-comment": text(BASE + ["# note = late"]),
    "missing-empty-line": "\n".join(BASE) + "\n",
    "pseudo-empty-line": "\n".join(BASE) + "\n \n" + "\n".join(SECOND) + "\n\n",
    "misplaced-word-interval": text(insert(W[1], "2-3\tdogbarked\t_\t_\t_\t_\t_\t_\t_\t_")),
    "invalid-word-interval": text(insert(W[5], "5-6\t.x\t_\t_\t_\t_\t_\t_\t_\t_")),
    "misplaced-empty-node": text(insert(W[3], "1.1\tsaw\tsee\tVERB\t_\t_\t_\t_\t2:dep\t_")),
    "unicode-normalization": text(replace(1, "# text = The dog barke\u0301d loudly.",
                                          edit(W[3], 1, "barke\u0301d"))),
    "invalid-word-id": text(edit(W[5], 0, "5x")),
    # level 2
    "missing-sent-id": text(BASE[1:]),
    "non-unique-sent-id": text(BASE, replace(0, "# sent_id = v1", SECOND)),
    "missing-text": text(BASE[:1] + BASE[2:]),
    "text-form-mismatch": text(replace(1, "# text = The dog barks loudly.")),
    "missing-spaceafter": text(edit(W[4], 9, "_")),
    "extra-spaceafter": text(replace(1, "# text = The dog barked loudly .")),
    "text-extra-chars": text(replace(1, "# text = The dog barked loudly. Yes")),
    "unknown-upos": text(edit(W[2], 3, "NOUNN")),
    "invalid-deprel": text(edit(W[2], 7, "NSUBJ")),
    "unknown-deprel": text(edit(W[2], 7, "subject")),
    "invalid-feature": text(edit(W[2], 5, "Number")),
    "invalid-feature-value": text(edit(W[2], 5, "Number=sing")),
    "unsorted-features": text(edit(W[3], 5, "Tense=Past|Mood=Ind|VerbForm=Fin")),
    "repeated-feature": text(edit(W[2], 5, "Number=Sing|Number=Sing")),
    "unsorted-feature-values": text(edit(W[1], 5, "Definite=Def|PronType=Dem,Art")),
    "empty-misc": text(edit(W[4], 9, "SpaceAfter=No|")),
    "invalid-head": text(edit(W[2], 6, "_")),
    "unknown-head": text(edit(W[2], 6, "9")),
    "head-self-loop": text(edit(W[2], 6, "2")),
    "0-is-not-root": text(edit(W[3], 7, "ccomp")),
    "root-is-not-0": text(edit(W[4], 7, "root")),
    "multiple-roots": text(edit(W[5], 7, "root", edit(W[5], 6, "0"))),
    "non-tree": text(edit(W[2], 6, "1")),
    "mwt-nonempty-field": text(insert(W[1], "1-2\tThedog\tthedog\t_\t_\t_\t_\t_\t_\t_",
                                      replace(1, "# text = Thedog barked loudly.", edit(W[1], 9, "SpaceAfter=No")))),
    "invalid-deps": text(deps("2:det", "3-nsubj", "0:root", "3:advmod", "3:punct")),
    "unsorted-deps": text(deps("2:det", "3:nsubj|1:dep", "0:root", "3:advmod", "3:punct")),
    "unknown-ehead": text(deps("2:det", "3:nsubj|7:dep", "0:root", "3:advmod", "3:punct")),
    "unconnected-egraph": text(deps("2:det", "3:nsubj", "2:dep", "3:advmod", "3:punct")),  # 2 <-> 3, no 0
    "edeps-only-sometimes": text(deps("2:det", "3:nsubj", "0:root", "3:advmod", "3:punct"), SECOND),
    # level 3
    "rel-upos-punct": text(edit(W[4], 7, "punct")),
    "upos-rel-punct": text(edit(W[5], 7, "dep")),
    "rel-upos-det": text(edit(W[1], 3, "ADJ")),
    "rel-upos-advmod": text(edit(W[4], 3, "NOUN")),
    "rel-upos-aux": text(edit(W[4], 7, "aux")),
    "leaf-punct": text(edit(W[4], 6, "5")),
    "leaf-mark-case": text(edit(W[2], 7, "case", edit(W[2], 3, "ADP", edit(W[1], 7, "det")))),
    "right-to-left-conj": text(edit(W[2], 7, "conj")),
    "too-many-subjects": text(edit(W[4], 7, "nsubj", edit(W[4], 3, "PRON"))),
    "punct-is-nonproj": text(edit(W[5], 6, "2")),
    "punct-causes-nonproj": text(["# sent_id = p1", "# text = A b, c",
                                  "1\tA\ta\tX\t_\t_\t0\troot\t_\t_",
                                  "2\tb\tb\tX\t_\t_\t1\tdep\t_\tSpaceAfter=No",
                                  "3\t,\t,\tPUNCT\t_\t_\t1\tpunct\t_\t_",
                                  "4\tc\tc\tX\t_\t_\t2\tdep\t_\t_"]),
    "goeswith-nospace": text(GOESWITH("everybody came.", "SpaceAfter=No", "X")),
    "goeswith-upos": text(GOESWITH("every body came.", "_", "NOUN")),
    "goeswith-missing-typo": text(SECOND, GOESWITH("every body came.", "_", "X")),  # SECOND has features
}
# cases where a second check necessarily fires as well
ALSO = {
    "word-id-sequence": set(), "invalid-word-id": {"word-id-sequence", "unknown-head"},
    "leaf-mark-case": {"rel-upos-case"},

}


def checks(text, level=3):
    return {p.check for p in validate_bytes(text.encode("utf-8"), "case.conllu", level) if p.severity == "error"}


def test_the_base_sentences_are_valid():
    assert checks(text(BASE, SECOND)) == set()
    assert checks(text(GOESWITH("every body came.", "_", "X"))) == set()
    with_graph = deps("2:det", "3:nsubj", "0:root", "3:advmod", "3:punct")
    assert checks(text(with_graph)) == set()
    # a word whose enhanced head is not its basic head (a relative pronoun's ref) is fine
    assert checks(text(deps("2:det", "3:nsubj", "0:root", "3:advmod", "2:dep|3:punct"))) == set()


@pytest.mark.parametrize("check", sorted(CASES))
def test_each_case_fails_its_check(check):
    found = checks(CASES[check])
    assert check in found, (check, found)
    assert found - {check} <= ALSO.get(check, set()), (check, found)


def test_problems_name_file_line_sentence_and_word():
    problems = validate_bytes(CASES["unknown-upos"].encode(), "x.conllu")
    (p,) = problems
    assert (p.path, p.line, p.sent_id, p.word, p.level, p.check) == ("x.conllu", 4, "v1", "2", 2, "unknown-upos")
    assert str(p).startswith("x.conllu:4: sentence v1, word 2: error L2 unknown-upos:")


def test_level_limits_the_checks():
    assert checks(CASES["rel-upos-punct"], level=2) == set()
    assert checks(CASES["unknown-upos"], level=1) == set()
    assert checks(CASES["number-of-columns"], level=1) == {"number-of-columns"}


def test_reading_goes_on_after_a_broken_sentence():
    broken = text(replace(W[2], "2\tdog"), edit(2, 3, "NOUNN", SECOND))
    assert {"number-of-columns", "unknown-upos"} <= checks(broken)


def test_command_exit_code_and_message(tmp_path):
    bad = tmp_path / "bad.conllu"
    bad.write_text(CASES["multiple-roots"], encoding="utf-8")
    good = tmp_path / "good.conllu"
    good.write_text(text(BASE, SECOND), encoding="utf-8")
    r = subprocess.run([sys.executable, "-m", "deplab", "validate", str(bad)], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 1
    assert f"{bad}:7: sentence v1, word 5: error L2 multiple-roots" in r.stdout
    assert "*** FAILED *** level 3: 1 error" in r.stdout
    r = subprocess.run([sys.executable, "-m", "deplab", "validate", str(good), "--lang", "en"], capture_output=True,
                       text=True, cwd=ROOT)
    assert r.returncode == 0 and "*** PASSED ***" in r.stdout


def test_a_released_treebank_passes():
    path = need(EWT_DEV)
    from deplab.parser.validate import validate_file
    assert [p for p in validate_file(path) if p.severity == "error"] == []


def test_mangled_files_are_reported_never_a_crash():
    """300 random byte edits of a valid file: every level validates without an exception."""
    import random
    base = text(BASE, SECOND).encode() + (ROOT / "tests/fixtures/treebank/small.conllu").read_bytes()
    pieces = [b"\t", b"\n", b" ", b"_", b"0", b"1-2", b"3.1", b"#", b"|", b"=", b":", b"\r", b"\xff", b"root", b"9"]
    rnd = random.Random(5)
    failing = 0
    for _ in range(300):
        s = bytearray(base)
        for _ in range(rnd.randint(1, 4)):
            i = rnd.randrange(len(s))
            if rnd.random() < 0.5:
                del s[i:i + rnd.randint(1, 5)]
            else:
                s[i:i] = rnd.choice(pieces)
        problems = validate_bytes(bytes(s), "f.conllu", 3)
        failing += any(p.severity == "error" for p in problems)
        assert all(p.line >= 1 and p.check for p in problems)
    assert failing > 150
