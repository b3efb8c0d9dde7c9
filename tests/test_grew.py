"""Grew requests and rules on tests/fixtures/treebank/small.conllu (eight sentences written for these tests).

Every expected count below was counted by hand on that file; the comment says which words match.
"""
import subprocess
import sys

import pytest

from deplab.parser.conllu import read_conllu
from deplab.parser.grew.match import Matcher
from deplab.parser.grew.request import RequestError, parse_request, parse_rule
from deplab.parser.grew.rewrite import rewrite_file, rewrite_sentences

from conftest import EWT_TRAIN, FIXTURES, ROOT, need

SMALL = FIXTURES / "treebank" / "small.conllu"


@pytest.fixture(scope="module")
def small():
    return read_conllu(SMALL)


def count(sentences, pattern):
    m = Matcher(pattern)
    return sum(len(m.matches(s, i)) for i, s in enumerate(sentences))


@pytest.mark.parametrize("pattern, expected", [
    # cat, Dogs, She, Birds, fish, man, who, Sam (t8): nsubj exactly, as Grew matches it: not nsubj:pass
    ("pattern { N -[nsubj]-> M }", 8),
    # the same plus ball (nsubj:pass): 1=nsubj takes every subtype
    ("pattern { N -[1=nsubj]-> M }", 9),
    ("pattern { N -[1=nsubj, 2=pass]-> M }", 1),
    ("pattern { N -[1=obl, !2]-> M }", 1),            # by Sam (obl), not yesterday (obl:tmod)
    ("pattern { N -[re\".*subj.*\"]-> M }", 9),
    ("pattern { N -[nsubj|obj]-> M }", 11),           # 8 nsubj + cats, it, Sam
    # 40 words in 8 sentences: 40 edges (8 of them root edges from Grew's anchor node 0), 8 punct
    ("pattern { N -[^punct]-> M }", 32),
    ("pattern { N -> M }", 40),
    ("pattern { N -[root]-> M }", 8),
    ("pattern { R -[root]-> M; M [upos<>VERB] }", 0),
    ("pattern { N -> M; N [upos=VERB] }", 27),         # the verbs' dependents (the anchor has no upos)
    # chase -> cats, sees -> Sam: a finite (Ind/Imp) verb with a following subject or object
    ("pattern { N [upos=VERB, Mood=Ind|Imp]; M []; N -[nsubj|obj]-> M; N << M }", 2),
    # 10 verbs; seen has an aux (kicked has aux:pass, which -[aux]-> does not match)
    ("pattern { N [upos=VERB] }", 10),
    ("pattern { N [upos=VERB] } without { N -[aux]-> A }", 9),
    ("pattern { N [upos=VERB] } without { N -[1=aux]-> A }", 8),
    # each without block applies on its own: no aux (seen out), no obj (chase, sees out)
    ("pattern { N [upos=VERB] } without { N -[aux]-> A } without { N -[obj]-> B }", 7),
    ("pattern { N [upos=VERB] } with { N -[obj]-> B }", 3),   # chase, seen, sees
    ("pattern { N [upos=NOUN, Number] }", 8),        # every NOUN: cat Dogs cats ball Birds fish man yesterday
    ("pattern { N [upos=VERB, !Mood] }", 2),           # kicked, seen
    ("pattern { N [upos=PRON, Person=3, Case<>Nom] }", 1),   # it
    ("pattern { N [upos<>NOUN|PUNCT|VERB] }", 14),
    ("pattern { N [lemma=re\"s.*\"] }", 7),            # sleep she see sing swim sing see (not Sam: case matters)
    ("pattern { N [form=\"Sam\"] }", 3),
    ("pattern { N [upos=AUX]|[upos=DET, Definite=Ind] }", 3),   # was, has; A
    ("pattern { N [upos=AUX]|[upos=DET]|[lemma=home] }", 6),    # was has; The The A; home
    ("pattern { N -> M; N.lemma = M.lemma }", 0),
    ("pattern { N []; M []; N << M; N.lemma = M.lemma }", 1),  # Sam ... Sam
    ("pattern { N [upos=DET]; N < M }", 3),            # The cat, The ball, A man
    ("pattern { N [upos=DET]; M [upos=NOUN]; N < M; M -[det]-> N }", 3),
    ("pattern { N [upos=DET]; M [upos=NOUN]; N < M; N -[det]-> M }", 0),  # the other direction
    ("global { is_not_projective } pattern { N [upos=VERB] }", 2),  # t7: came, sings
    ("global { is_projective } pattern { N [upos=VERB] }", 8),
    ("pattern { e: N -> M; M [upos=PUNCT] }", 8),
    ("pattern { N -[nsubj]-> M; N -[obj]-> O }", 3),   # chase, seen, sees
    ("pattern { N -[nsubj]-> M; N -[nsubj]-> O }", 0),  # injective: M and O must be different words
])
def test_hand_counted_matches(small, pattern, expected):
    assert count(small, pattern) == expected


def test_lemma_regex_is_a_full_match(small):
    m = Matcher('pattern { N [lemma=re"s.*"] }')
    lemmas = sorted(small[i].words[x.nodes["N"] - 1].lemma for i, s in enumerate(small) for x in m.matches(s, i))
    assert lemmas == ["see", "see", "she", "sing", "sing", "sleep", "swim"]


def test_match_reports_nodes_and_named_edges(small):
    m = Matcher("pattern { e: N -[obj]-> M }")
    found = [x for i, s in enumerate(small) for x in m.matches(s, i)]
    assert [(x.sent_id, x.nodes, x.edges) for x in found] == [
        ("t2", {"N": 2, "M": 3}, {"e": (2, 3)}),
        ("t4", {"N": 3, "M": 4}, {"e": (3, 4)}),
        ("t8", {"N": 2, "M": 3}, {"e": (2, 3)}),
    ]


@pytest.mark.parametrize("bad, where, what", [
    ("pattern { N -[nsubj-> M }", (1, 20), "expected '|' or ']->'"),
    ("pattern { N [upos=VERB", (1, 23), "expected ',' or ']'"),
    ("pattern {\n  N [upos=]\n}", (2, 11), "expected a value"),
    ("patern { N [] }", (1, 1), "expected 'pattern'"),
    ('pattern { N -[re"(("]-> M }', (1, 19), "bad regular expression"),
    ("global { foo }", (1, 10), "unknown global constraint 'foo'"),
    ("pattern { N [upos=VERB] ", (1, 25), "found the end of the request"),
    ("pattern { N [upos=VERB]; ", (1, 26), "not closed"),
    ('pattern { N [lemma="go] }', (1, 20), "unterminated string"),
    ("pattern { N M }", (1, 13), "after node N"),
    ("", (1, 1), "the request is empty"),
    ("pattern { N [upos=AUX]| M }", (1, 25), "'[' after '|'"),
    ("pattern { N -[1=nsubj, 3=x]-> M }", (1, 24), "unknown label feature '3'"),
])
def test_bad_requests_name_their_position(bad, where, what):
    with pytest.raises(RequestError) as e:
        parse_request(bad)
    assert (e.value.line, e.value.column) == where
    assert what in e.value.message
    assert str(e.value).startswith(f"pattern:{where[0]}:{where[1]}: ")


@pytest.mark.parametrize("bad, where, what", [
    ("pattern { N -> M } commands { del_edge f }", (1, 31), "unknown edge 'f'"),
    ("pattern { N -> M } commands { add_edge N -[obj]-> X }", (1, 31), "does not declare"),
    ("pattern { N -> M } commands { add_edge N -> M }", (1, 42), "needs a relation"),
    ("pattern { N -> M } commands { frobnicate N }", (1, 31), "unknown command 'frobnicate'"),
    ("pattern { N -> M }", (1, 19), "no commands"),
    ("pattern { N -> M } commands { N.upos = }", (1, 40), "expected a value"),
    ("pattern { N -> M } commands { del_feat N.upos }", (1, 42), "cannot be deleted"),
])
def test_bad_rules_name_their_position(bad, where, what):
    with pytest.raises(RequestError) as e:
        parse_rule(bad)
    assert (e.value.line, e.value.column) == where, str(e.value)
    assert what in e.value.message


def test_commands_are_refused_in_a_search():
    with pytest.raises(RequestError, match="belong in a rewrite rule"):
        parse_request("pattern { N [] } commands { N.upos = X }")


# -- rewriting ------------------------------------------------------------------------------

def test_relabel_and_features(small):
    rule = "pattern { e: N -[obl:tmod]-> M } commands { del_edge e; add_edge N -[obl]-> M; M.Temporal = Yes }"
    r = rewrite_sentences(rule, small)
    assert list(r.changed) == [6]
    w = r.changed[6].words[3]
    assert (w.head, w.deprel, w.feats) == ("3", "obl", "Number=Sing|Temporal=Yes")
    assert [(c.word, c.column, c.old, c.new) for c in r.changes] == [
        (4, "feats", "Number=Sing", "Number=Sing|Temporal=Yes"), (4, "deprel", "obl:tmod", "obl")]
    assert small[6].words[3].deprel == "obl:tmod"  # the input is not modified


def test_upos_lemma_copy_and_del_feat(small):
    rule = ('pattern { N [upos=PROPN]; M [upos=VERB]; M -[nsubj]-> N } '
            'commands { N.upos = NOUN; N.lemma = "sam"; N.Person = M.Person; del_feat N.Number }')
    r = rewrite_sentences(rule, small)
    w = r.changed[7].words[0]
    assert (w.upos, w.lemma, w.feats) == ("NOUN", "sam", "Person=3")
    assert r.words_changed == 1 and len(r.changed) == 1


def test_moving_a_head(small):
    # attach the final punctuation of t6 to the second conjunct instead of the first
    rule = "pattern { e: H -[punct]-> P; H -[conj]-> C } commands { del_edge e; add_edge C -[punct]-> P }"
    r = rewrite_sentences(rule, small)
    assert list(r.changed) == [5]
    assert r.changed[5].words[5].head == "5"


def test_cycles_second_roots_and_lost_heads_are_refused_and_listed(small):
    # t6: swim (conj of sing) would hang from its own subject fish
    cycle = "pattern { e: N -[nsubj]-> M; f: H -[conj]-> N } commands { del_edge f; add_edge M -[conj]-> N }"
    r = rewrite_sentences(cycle, small)
    assert r.changed == {} and [(x.sent_id, x.nodes, x.reason) for x in r.refusals] == [
        ("t6", {"N": 5, "M": 4, "H": 2}, "a cycle: 5 -> 4 -> 5")]
    cyc = "pattern { e: N -[nsubj]-> M; f: G -> N } commands { del_edge f; add_edge M -[dep]-> N }"
    r = rewrite_sentences(cyc, small)
    # every word with a subject (G is its head, ROOT's anchor for the 6 main verbs): it would depend on it
    assert r.changed == {} and len(r.refusals) == 8
    assert all("a cycle" in x.reason for x in r.refusals)
    root = "pattern { e: N -[obj]-> M } commands { del_edge e }"
    r = rewrite_sentences(root, small)
    assert r.changed == {} and len(r.refusals) == 3 and "without a head" in r.refusals[0].reason
    root_label = "pattern { e: N -[obj]-> M } commands { del_edge e; add_edge M -[root]-> N }"
    r = rewrite_sentences(root_label, small)
    assert r.changed == {} and len(r.refusals) == 3 and all("'root' is only for" in x.reason for x in r.refusals)
    second_root = "pattern { e: V -[obj]-> O; R -[root]-> V } commands { del_edge e; add_edge R -[root]-> O }"
    r = rewrite_sentences(second_root, small)
    assert r.changed == {} and [x.reason for x in r.refusals][0] == \
        "a second root: words 2, 3 would all depend on ROOT"


def test_untouched_sentences_are_written_byte_for_byte(tmp_path):
    src = tmp_path / "in.conllu"
    data = SMALL.read_bytes().replace(b"# text = Go home!", b"# text =  Go home!  ")  # odd spacing kept
    src.write_bytes(data)
    out = tmp_path / "out.conllu"
    rule = parse_rule("pattern { e: N -[obl:tmod]-> M } commands { del_edge e; add_edge N -[obl]-> M }")
    r = rewrite_file(rule, src, out)
    new = out.read_bytes()
    assert new != data
    assert new.replace(b"3\tobl\t", b"3\tobl:tmod\t") == data
    # applying a rule that changes nothing writes the same bytes
    r = rewrite_file(parse_rule("pattern { N [upos=INTJ] } commands { N.upos = X }"), src, out)
    assert r.changed == {} and out.read_bytes() == data


def test_rewrite_round_trip(tmp_path, small):
    there = parse_rule("pattern { e: N -[obl:tmod]-> M } commands { del_edge e; add_edge N -[obl]-> M; M.Tmp = Yes }")
    back = parse_rule("pattern { e: N -[obl]-> M; M [Tmp=Yes] } commands { del_edge e; add_edge N -[obl:tmod]-> M; "
                      "del_feat M.Tmp }")
    a, b = tmp_path / "a.conllu", tmp_path / "b.conllu"
    rewrite_file(there, SMALL, a)
    rewrite_file(back, a, b)
    assert b.read_bytes() == SMALL.read_bytes()


def test_a_rule_reaches_its_normal_form():
    from deplab.parser.conllu import parse_conllu_text
    text = SMALL.read_text()
    rule = "pattern { N [upos=NOUN] } without { N [Checked=Yes] } commands { N.Checked = Yes }"
    r = rewrite_sentences(rule, parse_conllu_text(text))
    assert r.words_changed == 8 and not r.refusals


# -- the commands ------------------------------------------------------------------------------

def deplab(*args):
    return subprocess.run([sys.executable, "-m", "deplab", *map(str, args)], capture_output=True, text=True, cwd=ROOT)


def test_grep_command(tmp_path):
    r = deplab("grep", "pattern { N -[obj]-> M }", SMALL)
    assert r.returncode == 0
    assert r.stdout.splitlines() == ["t2\tN=2:chase M=3:cats", "t4\tN=3:seen M=4:it", "t8\tN=2:sees M=3:Sam"]
    r = deplab("grep", "--count", "pattern { N -[1=nsubj]-> M }", SMALL)
    assert r.stdout == "9\n"
    req = tmp_path / "q.req"
    req.write_text("% passive subjects\npattern {\n  N -[nsubj:pass]-> M\n}\n")
    r = deplab("grep", "--conllu", f"@{req}", SMALL)
    assert r.stdout.startswith("# sent_id = t3\n") and r.stdout.count("# sent_id") == 1
    r = deplab("grep", "--count", "pattern { N -[obj]-> M }", SMALL, SMALL)
    assert r.stdout == "6\n"


def test_grep_errors_are_one_line(tmp_path):
    r = deplab("grep", "pattern { N -[obj-> M }", SMALL)
    assert r.returncode == 1 and r.stdout == ""
    assert r.stderr.strip() == "deplab grep: error: pattern:1:18: expected '|' or ']->' in the relation, found '->'"
    req = tmp_path / "bad.req"
    req.write_text("pattern {\n  N [upos=VERB\n}\n")
    r = deplab("grep", f"@{req}", SMALL)
    assert r.stderr.startswith(f"deplab grep: error: {req}:3:1: ")
    assert "Traceback" not in r.stderr


def test_rewrite_command(tmp_path):
    rules = tmp_path / "tmod.grs"
    rules.write_text("pattern { e: N -[obl:tmod]-> M }\ncommands { del_edge e; add_edge N -[obl]-> M }\n")
    out = tmp_path / "out.conllu"
    r = deplab("rewrite", rules, SMALL, "-o", out)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == ["t7 word 4 (yesterday): DEPREL obl:tmod -> obl",
                                     f"1 sentence and 1 word changed, 0 matches refused -> {out}"]
    r = deplab("rewrite", "pattern { e: N -[obj]-> M } commands { del_edge e }", SMALL, "--dry-run")
    assert "3 matches refused" in r.stdout and "t2 (N=2, M=3): refused: word 3 (cats) would be left without a head" \
        in r.stdout
    r = deplab("rewrite", "pattern { N -> M } commands { del_edge x }", SMALL, "--dry-run")
    assert r.returncode == 1 and "rule:1:31: unknown edge 'x'" in r.stderr


def test_grep_does_not_import_torch():
    code = ("import sys; from deplab.parser.cli import main; main(['grep', '--count', 'pattern { N [] }', %r]); "
            "print('torch' in sys.modules, 'networkx' in sys.modules)" % str(SMALL))
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert r.stdout.splitlines()[-1] == "False False"


def test_speed_on_ewt_train():
    """Two nodes and one edge over EWT train (12,544 sentences): the matching itself well under 2 s."""
    import time
    path = need(EWT_TRAIN)
    sentences = read_conllu(path)
    m = Matcher("pattern { N [upos=VERB]; N -[obj]-> M }")
    t = time.perf_counter()
    n = sum(len(m.matches(s, i)) for i, s in enumerate(sentences))
    assert n > 5000
    assert time.perf_counter() - t < 2.0


def test_several_named_rules_apply_in_order(small, tmp_path):
    rules = """
    % first relabel, then mark what the first rule produced
    rule tmod { pattern { e: N -[obl:tmod]-> M } commands { del_edge e; add_edge N -[obl]-> M } }
    rule mark { pattern { N -[obl]-> M; M [upos=NOUN] } without { M [Temporal] } commands { M.Temporal = Yes } }
    """
    r = rewrite_sentences(rules, small)
    assert list(r.changed) == [6]
    w = r.changed[6].words[3]
    assert (w.deprel, w.feats) == ("obl", "Number=Sing|Temporal=Yes")
    path = tmp_path / "two.grs"
    path.write_text(rules)
    r = deplab("rewrite", path, SMALL, "--dry-run")
    assert r.stdout.splitlines()[-1] == "1 sentence and 1 word changed, 0 matches refused"
    from deplab.parser.grew.request import parse_rules
    with pytest.raises(RequestError, match="rules:1:55: rule b has no commands"):
        parse_rules("rule a { pattern { N [] } commands { N.x = y } } rule b { pattern { N [] } }")
    with pytest.raises(RequestError, match="a second rule named 'a'"):
        parse_rules("rule a { pattern { N [] } commands { N.x = y } } rule a { pattern { N [] } commands { N.x = y } }")


def test_moving_the_root(small):
    # make the object the root and the old root its dependent (a rule as Grew writes it, with the anchor R)
    rule = ("pattern { e: R -[root]-> V; f: V -[obj]-> O } "
            "commands { del_edge e; del_edge f; add_edge R -[root]-> O; add_edge O -[dep]-> V }")
    r = rewrite_sentences(rule, small)
    assert sorted(r.changed) == [1, 3, 7] and not r.refusals
    words = r.changed[1].words
    assert [(w.form, w.head, w.deprel) for w in words][:3] == [("Dogs", "2", "nsubj"), ("chase", "3", "dep"),
                                                               ("cats", "0", "root")]
    bad = "pattern { R -[root]-> V } commands { R.upos = X }"
    assert rewrite_sentences(bad, small).refusals[0].reason == "ROOT (the anchor node) has no features"


def test_mangled_requests_and_rules_give_positioned_errors_never_a_traceback(small):
    """800 random edits of valid requests and rules: each parses and runs, or raises RequestError."""
    import random
    from deplab.parser.grew.request import parse_rules
    seeds = ['pattern { N [upos=VERB, Mood=Ind|Imp, lemma=re"s.*"]; M []; e: N -[nsubj|obj]-> M; N << M; '
             'N.lemma = M.lemma } without { N -[aux]-> A } global { is_projective }',
             'pattern { e: R -[root]-> V; f: V -[obj]-> O } commands { del_edge e; del_edge f; '
             'add_edge R -[root]-> O; add_edge O -[dep]-> V; O.Case = Acc; del_feat O.Number }',
             'rule a { pattern { N [upos=NOUN]|[upos=PROPN] } without { N [X=Y] } commands { N.X = Y } }']
    pieces = list('{}[]();,|=!<>.:^*"- \n%') + ["->", "-[", "]->", "N", "pattern", "commands", "re\"", "1=", "<<"]
    rnd = random.Random(7)
    errors = 0
    for _ in range(800):
        s = list(rnd.choice(seeds))
        for _ in range(rnd.randint(1, 3)):
            i = rnd.randrange(len(s))
            if rnd.random() < 0.5:
                del s[i]
            else:
                s.insert(i, rnd.choice(pieces))
        text = "".join(s)
        try:
            if "commands" in text:
                rewrite_sentences(parse_rules(text), small)
            else:
                m = Matcher(parse_request(text))
                for i, x in enumerate(small):
                    m.matches(x, i)
        except RequestError as e:
            errors += 1
            assert e.line >= 1 and e.column >= 1 and str(e).split(":")[1] == str(e.line)
    assert 150 < errors < 800  # most edits break the text, some do not


def test_global_tree_properties_are_the_engines():
    """``is_projective`` and ``is_tree`` are parser.tree's: an arc over the root word is non-projective
    (it crosses the root edge from node 0), and a sentence with two roots is not a tree."""
    from deplab.parser.conllu import parse_conllu_text
    from deplab.parser.tree import DependencyTree

    def sentence(heads):
        rows = [f"{i}\tw{i}\tw\tX\t_\t_\t{h}\t{'root' if h == 0 else 'dep'}\t_\t_"
                for i, h in enumerate(heads, 1)]
        return parse_conllu_text("\n".join(rows) + "\n\n")[0]

    over_root = sentence([3, 0, 2])      # the arc 3 -> 1 spans the root word 2
    two_roots = sentence([0, 0, 2])
    assert not DependencyTree([3, 0, 2]).is_projective() and not DependencyTree([0, 0, 2]).is_valid()
    assert count([over_root], "global { is_not_projective } pattern { N [] }") == 3
    assert count([over_root], "global { is_projective } pattern { N [] }") == 0
    assert count([two_roots], "global { is_not_tree } pattern { N [] }") == 3
    assert count([over_root], "global { is_tree } pattern { N [] }") == 3
