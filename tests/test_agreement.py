"""deplab agree on three hand-written annotations of the same two sentences (tests/fixtures/treebank/annotator_*).

A and B differ on the head of "The" (2 vs 3) and the label of "cats" (obj vs nmod); C labels "cat" obj.
Hand computation, 8 words:
  A-B: same head 7/8, same head and label 6/8, same label 7/8;
       label counts A det1 nsubj2 root2 punct2 obj1, B det1 nsubj2 root2 punct2 nmod1,
       chance agreement p_e = (1 + 4 + 4 + 4) / 64 = 13/64, kappa = (7/8 - 13/64) / (1 - 13/64) = 43/51.
  Fleiss A-B-C: items 2 (nsubj nsubj obj) and 7 (obj nmod obj) have P_i = 1/3, the six others 1, P = 5/6;
       category totals det3 nsubj5 obj3 nmod1 root6 punct6 over 24, P_e = 116/576; kappa = 91/115.
"""
import json
import subprocess
import sys

import pytest

from deplab.parser.agreement import (TokenizationMismatch, agreement, cohen_kappa, disagreements, fleiss_kappa)
from deplab.parser.conllu import parse_conllu_text, read_conllu

from conftest import FIXTURES, ROOT

A, B, C = (FIXTURES / "treebank" / f"annotator_{x}.conllu" for x in "abc")


def load(*paths):
    return [(str(p), read_conllu(p)) for p in paths]


def test_two_annotators_against_hand_computation():
    r = agreement(load(A, B))
    (p,) = r.pairs
    assert p.words == 8
    assert p.uas == pytest.approx(7 / 8) and p.las == pytest.approx(6 / 8)
    assert p.label_agreement == pytest.approx(7 / 8)
    assert p.expected == pytest.approx(13 / 64)
    assert p.kappa == pytest.approx(43 / 51)
    assert p.relations["obj"].a == 1 and p.relations["obj"].b == 0 and p.relations["obj"].specific == 0
    assert p.relations["nsubj"].specific == 1
    assert p.confusion[("obj", "nmod")] == 1 and p.confusion[("nsubj", "nsubj")] == 2
    assert r.fleiss is None


def test_three_annotators_fleiss_against_hand_computation():
    r = agreement(load(A, B, C))
    assert [(p.a, p.b) for p in r.pairs] == [(str(A), str(B)), (str(A), str(C)), (str(B), str(C))]
    assert r.fleiss == pytest.approx(91 / 115)


def test_kappa_formulas_on_textbook_cases():
    assert cohen_kappa(list("aabb"), list("aabb"))[0] == 1.0
    # observed 0.5, chance 0.5: no agreement beyond chance
    assert cohen_kappa(list("abab"), list("aabb"))[0] == pytest.approx(0.0)
    # Fleiss with two raters equals Scott's pi: here items (a,a) (a,b): P = 1/2, p_a = 3/4, p_b = 1/4
    assert fleiss_kappa([["a", "a"], ["a", "b"]]) == pytest.approx((0.5 - 0.625) / (1 - 0.625))


def test_disagreements_list_the_words():
    a, b = read_conllu(A), read_conllu(B)
    assert disagreements(a, b) == [(0, [1]), (1, [3])]


def test_tokenization_must_match():
    a = read_conllu(A)
    other = parse_conllu_text(A.read_text().replace("\tcats\t", "\tcat\t"), "b.conllu")
    with pytest.raises(TokenizationMismatch, match=r"b.conllu:\d+: sentence a2 word 3 is 'cat', but 'cats'"):
        agreement([("a.conllu", a), ("b.conllu", other)])
    with pytest.raises(TokenizationMismatch, match="1 sentences, but a.conllu has 2"):
        agreement([("a.conllu", a), ("b.conllu", other[:1])])


def test_command_json_names_each_figure():
    r = subprocess.run([sys.executable, "-m", "deplab", "agree", str(A), str(B), "--json"], capture_output=True,
                       text=True, cwd=ROOT)
    d = json.loads(r.stdout)
    assert d["kappa"] == pytest.approx(43 / 51) and d["uas"] == pytest.approx(0.875) and d["las"] == 0.75
    assert d["pairs"][0]["per_relation"]["nmod"] == {"a": 0, "b": 1, "both": 0, "specific_agreement": 0.0}
    r = subprocess.run([sys.executable, "-m", "deplab", "agree", str(A), str(B), str(C), "--json"],
                       capture_output=True, text=True, cwd=ROOT)
    assert json.loads(r.stdout)["fleiss_kappa"] == pytest.approx(91 / 115)
    r = subprocess.run([sys.executable, "-m", "deplab", "agree", str(A), str(B)], capture_output=True, text=True,
                       cwd=ROOT)
    assert "UAS 87.50  LAS 75.00  label agreement 87.50  Cohen's kappa 0.8431" in r.stdout
    r = subprocess.run([sys.executable, "-m", "deplab", "agree", str(A)], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 1 and "at least two" in r.stderr


def test_universal_relations_option(tmp_path):
    b = tmp_path / "b.conllu"
    b.write_text(B.read_text().replace("\tnmod\t", "\tobj:dir\t"))
    files = [(str(A), read_conllu(A)), (str(b), read_conllu(b))]
    assert agreement(files).pairs[0].label_agreement == pytest.approx(7 / 8)
    assert agreement(files, universal=True).pairs[0].label_agreement == 1.0
    assert agreement(files, universal=True).pairs[0].kappa == 1.0
