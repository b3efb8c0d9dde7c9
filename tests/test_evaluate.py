"""CoNLL 2018 scores: hand-computed examples and agreement with udapi's eval.Conll18."""
import json
import logging
import random

import pytest

from conftest import EWT_DEV, FIXTURES, GUM_DEV, need
from deplab.parser import cli
from deplab.parser.conllu import parse_conllu_text, read_conllu, write_conllu
from deplab.parser.evaluate import (DISTANCE_BUCKETS, Evaluation, TokenizationMismatch, evaluate,
                             evaluate_files)
from deplab.parser.tree import DependencyTree

TINY = FIXTURES / "tiny.conllu"


def sentence(rows, sent_id="h1"):
    """rows: (form, upos, head, deprel) per word."""
    lines = [f"# sent_id = {sent_id}", "# text = " + " ".join(r[0] for r in rows)]
    for i, (form, upos, head, deprel) in enumerate(rows, 1):
        lines.append(f"{i}\t{form}\t_\t{upos}\t_\t_\t{head}\t{deprel}\t_\t_")
    return parse_conllu_text("\n".join(lines) + "\n\n")[0]


# "The report was written by a famous chemist ."
GOLD = [("The", "DET", 2, "det"), ("report", "NOUN", 4, "nsubj:pass"), ("was", "AUX", 4, "aux:pass"),
        ("written", "VERB", 0, "root"), ("by", "ADP", 8, "case"), ("a", "DET", 8, "det"),
        ("famous", "ADJ", 8, "amod"), ("chemist", "NOUN", 4, "obl"), (".", "PUNCT", 4, "punct")]
SYSTEM = [("The", "DET", 2, "det"),            # right
          ("report", "NOUN", 4, "nsubj"),      # right: subtype ignored
          ("was", "AUX", 4, "aux"),            # right: subtype ignored
          ("written", "VERB", 0, "root"),      # right
          ("by", "ADP", 7, "case"),            # wrong head
          ("a", "DET", 8, "nmod"),             # right head, wrong label
          ("famous", "NOUN", 8, "amod"),       # right, wrong UPOS
          ("chemist", "NOUN", 4, "obj"),       # right head, wrong label
          (".", "PUNCT", 8, "punct")]          # wrong head


def test_hand_computed_scores():
    ev = evaluate([sentence(GOLD)], [sentence(SYSTEM)])
    assert isinstance(ev, Evaluation)
    assert ev.sentences == 1 and ev.words == 9
    # heads right for words 1, 2, 3, 4, 6, 7, 8
    assert (ev.uas.correct, ev.uas.gold, ev.uas.system) == (7, 9, 9)
    assert ev.uas.percent == pytest.approx(100 * 7 / 9)
    # ... of which 6 and 8 have the wrong label; 2 and 3 differ only in the subtype
    assert ev.las.correct == 5
    assert ev.las.percent == pytest.approx(100 * 5 / 9)
    assert ev.upos.correct == 8
    assert ev.upos.percent == pytest.approx(100 * 8 / 9)
    # content words: gold report, written, famous, chemist; system also "a" (nmod)
    assert (ev.clas.correct, ev.clas.gold, ev.clas.system) == (3, 4, 5)
    assert ev.clas.precision == pytest.approx(60.0)
    assert ev.clas.recall == pytest.approx(75.0)
    assert ev.clas.percent == pytest.approx(100 * 6 / 9)
    assert ev.warnings == []


def test_one_sentence_can_be_passed_directly():
    ev = evaluate(sentence(GOLD), sentence(SYSTEM))
    assert ev.las.correct == 5 and ev.sentences == 1


def test_per_relation_table():
    rel = evaluate(sentence(GOLD), sentence(SYSTEM)).relations
    assert (rel["det"].gold, rel["det"].system, rel["det"].correct) == (2, 1, 1)
    assert rel["det"].precision == pytest.approx(100.0)
    assert rel["det"].recall == pytest.approx(50.0)
    assert rel["det"].f1 == pytest.approx(100 * 2 / 3)
    assert (rel["nsubj"].gold, rel["nsubj"].system, rel["nsubj"].correct) == (1, 1, 1)
    assert "nsubj:pass" not in rel and "aux:pass" not in rel
    assert (rel["obl"].gold, rel["obl"].system, rel["obl"].correct) == (1, 0, 0)
    assert (rel["obj"].gold, rel["obj"].system, rel["obj"].correct) == (0, 1, 0)
    assert (rel["case"].gold, rel["case"].correct) == (1, 0)
    assert (rel["nmod"].gold, rel["nmod"].system) == (0, 1)
    assert sum(r.gold for r in rel.values()) == 9
    assert sum(r.system for r in rel.values()) == 9
    assert sum(r.correct for r in rel.values()) == 5


def test_per_distance_table():
    dist = evaluate(sentence(GOLD), sentence(SYSTEM)).distances
    assert list(dist) == list(DISTANCE_BUCKETS)
    # gold lengths: 1, 2, 1, root, 3, 2, 1, 4, 5; system: 1, 2, 1, root, 2, 2, 1, 4, 1
    expect = {"root": (1, 1, 1), "1": (3, 4, 3), "2": (2, 3, 2), "3": (1, 0, 0), "4": (1, 1, 1),
              "5": (1, 0, 0), "6": (0, 0, 0)}
    for bucket, (gold, system, correct) in expect.items():
        d = dist[bucket]
        assert (d.gold, d.system, d.correct) == (gold, system, correct), bucket
    assert dist["1"].precision == pytest.approx(75.0) and dist["1"].recall == pytest.approx(100.0)
    assert dist["2"].labeled_correct == 1  # "report" right; "a" has the wrong label


def test_per_sentence_scores():
    gold = [sentence(GOLD, "a"), sentence(GOLD, "b")]
    system = [sentence(SYSTEM, "a"), sentence(GOLD, "b")]
    ev = evaluate(gold, system)
    first, second = ev.per_sentence
    assert (first.index, first.sent_id, first.words) == (1, "a", 9)
    assert first.uas == pytest.approx(100 * 7 / 9) and first.las == pytest.approx(100 * 5 / 9)
    assert (second.sent_id, second.uas, second.las) == ("b", 100.0, 100.0)
    assert ev.uas.correct == 16 and ev.uas.gold == 18
    worst = min(ev.per_sentence, key=lambda s: s.las)
    assert worst.sent_id == "a"


def test_exclude_punct_drops_gold_punct_words():
    ev = evaluate(sentence(GOLD), sentence(SYSTEM), exclude_punct=True)
    assert ev.words == 8
    assert (ev.uas.correct, ev.uas.gold) == (7, 8)   # the wrongly attached "." is gone
    assert ev.uas.percent == pytest.approx(87.5)
    assert ev.las.percent == pytest.approx(62.5)
    assert ev.upos.percent == pytest.approx(87.5)
    assert ev.clas.percent == pytest.approx(100 * 6 / 9)  # punct is never a content relation
    assert "punct" not in ev.relations
    assert ev.per_sentence[0].words == 8


def test_identical_files_score_100(tmp_path):
    ev = evaluate_files(TINY, TINY)
    assert ev.sentences == 45 and ev.words == sum(len(s.words) for s in read_conllu(TINY))
    assert (ev.upos.percent, ev.uas.percent, ev.las.percent, ev.clas.percent) == (100.0, 100.0, 100.0, 100.0)
    assert ev.warnings == []
    assert ev.gold_path == str(TINY)


# "The children laughed ."
SMALL = [("The", "DET", 2, "det"), ("children", "NOUN", 3, "nsubj"), ("laughed", "VERB", 0, "root"),
         (".", "PUNCT", 3, "punct")]


def test_cycle_in_system_is_scored_with_a_warning():
    system = list(SMALL)
    system[2] = ("laughed", "VERB", 2, "root")   # 2 -> 3 -> 2 and no root
    ev = evaluate(sentence(SMALL, "c1"), sentence(system, "c1"))
    assert ev.uas.correct == 3 and ev.las.correct == 3
    assert len(ev.warnings) == 1
    w = ev.warnings[0]
    assert w.startswith("sentence 1 (sent_id c1): system tree is not valid: ")
    assert "cycle 2 -> 3 -> 2" in w and "0 words attached to the root" in w
    assert w.endswith("scored anyway")


def test_several_roots_and_missing_head_are_scored_with_warnings():
    two_roots = list(SMALL)
    two_roots[3] = (".", "PUNCT", 0, "punct")
    missing = sentence(SMALL, "m")
    missing.words[3].head = "_"
    ev = evaluate([sentence(SMALL, "r"), sentence(SMALL, "m")], [sentence(two_roots, "r"), missing])
    assert ev.uas.correct == 6 and ev.uas.gold == 8
    assert len(ev.warnings) == 2
    assert "sentence 1 (sent_id r)" in ev.warnings[0] and "2 words attached to the root" in ev.warnings[0]
    assert "sentence 2 (sent_id m)" in ev.warnings[1] and "no head for word(s) 4" in ev.warnings[1]
    assert (ev.distances["root"].gold, ev.distances["root"].system) == (2, 3)


def test_tokenization_mismatch_on_a_word_form():
    system = list(SMALL)
    system[1] = ("kids", "NOUN", 3, "nsubj")
    with pytest.raises(TokenizationMismatch) as info:
        evaluate([sentence(GOLD, "x"), sentence(SMALL, "t7")], [sentence(GOLD, "x"), sentence(system, "t7")])
    e = info.value
    assert isinstance(e, ValueError)
    assert (e.sentence, e.sent_id, e.token_id, e.gold_form, e.system_form) == (2, "t7", "2", "children", "kids")
    msg = str(e)
    assert "sentence 2" in msg and "sent_id t7" in msg and "word 2" in msg
    assert "'children'" in msg and "'kids'" in msg


def test_tokenization_mismatch_on_word_and_sentence_counts():
    with pytest.raises(TokenizationMismatch, match=r"sentence 1 .*word 4.*gold has 4 words, system 3"):
        evaluate(sentence(SMALL), sentence(SMALL[:3]))
    with pytest.raises(TokenizationMismatch, match=r"sentence 2 \(sent_id s2\).*gold has 2 sentences, system 1"):
        evaluate([sentence(SMALL, "s1"), sentence(SMALL, "s2")], [sentence(SMALL, "s1")])
    # a differing word in a shared sentence is reported before the different counts
    with pytest.raises(TokenizationMismatch, match=r"sentence 1 \(sent_id s1\), word 2: gold form 'children'"):
        evaluate([sentence(SMALL, "s1"), sentence(SMALL, "s2")], [sentence(GOLD, "s1")])


def test_evaluate_files_mismatch_names_the_files(tmp_path):
    other = tmp_path / "other.conllu"
    sents = read_conllu(TINY)
    sents[3].words[0].form = "A"
    write_conllu(sents, other)
    with pytest.raises(TokenizationMismatch) as info:
        evaluate_files(TINY, other)
    msg = str(info.value)
    assert str(other) in msg and str(TINY) in msg
    assert "sentence 4 (sent_id tiny-4), word 1: gold form 'The', system form 'A'" in msg


def test_json_and_table():
    ev = evaluate(sentence(GOLD), sentence(SYSTEM))
    data = ev.to_json()
    for key in ("UPOS", "UAS", "LAS", "CLAS"):
        assert isinstance(data[key], float)
    assert data["UAS"] == pytest.approx(100 * 7 / 9)
    assert data["relations"]["det"]["gold"] == 2
    assert data["per_sentence"][0]["LAS"] == pytest.approx(100 * 5 / 9)
    json.dumps(data)  # serializable
    table = ev.format_table()
    assert "UAS" in table and "77.78" in table and "55.56" in table and "nsubj" in table


# -- command line -------------------------------------------------------------------

def _write_pair(tmp_path):
    gold, system = tmp_path / "gold.conllu", tmp_path / "system.conllu"
    write_conllu([sentence(GOLD)], gold)
    write_conllu([sentence(SYSTEM)], system)
    return gold, system


def test_cli_json(tmp_path, capsys):
    gold, system = _write_pair(tmp_path)
    assert cli.main(["evaluate", str(gold), str(system), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {"UPOS", "UAS", "LAS", "CLAS"} <= set(data)
    assert data["LAS"] == pytest.approx(100 * 5 / 9)
    assert data["exclude_punct"] is False
    assert cli.main(["evaluate", str(gold), str(system), "--json", "--exclude-punct"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["UAS"] == pytest.approx(87.5) and data["exclude_punct"] is True


def test_cli_table(tmp_path, capsys):
    gold, system = _write_pair(tmp_path)
    assert cli.main(["evaluate", str(gold), str(system)]) == 0
    out = capsys.readouterr().out
    assert "LAS" in out and "55.56" in out


def test_cli_tokenization_mismatch_is_one_clean_line(tmp_path, capsys):
    gold = tmp_path / "gold.conllu"
    write_conllu([sentence(SMALL, "t1")], gold)
    system = tmp_path / "system.conllu"
    write_conllu([sentence([("The", "DET", 2, "det"), ("kids", "NOUN", 3, "nsubj"),
                            ("laughed", "VERB", 0, "root"), (".", "PUNCT", 3, "punct")], "t1")], system)
    assert cli.main(["evaluate", str(gold), str(system)]) == 1
    out, err = capsys.readouterr()
    assert out == "" and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
    assert "tokenization mismatch" in err and "'children'" in err and "'kids'" in err


# -- oracle: agreement with udapi's reimplementation of conll18_ud_eval.py ----------

def perturb(sentences, seed):
    """Deterministically damages a copy: ~10% heads moved (no cycles), ~10% relations, ~5% UPOS."""
    rng = random.Random(seed)
    labels = sorted({w.deprel for s in sentences for w in s.words})
    tags = sorted({w.upos for s in sentences for w in s.words})
    out = []
    for s in sentences:
        s = s.copy()
        words = s.words
        heads = [w.head_index for w in words]
        for i, w in enumerate(words):
            if rng.random() < 0.10:
                tree = DependencyTree(heads)
                options = [h for h in range(len(words) + 1)
                           if h not in (i + 1, heads[i]) and not tree.would_create_cycle(i + 1, h)]
                if options:
                    heads[i] = rng.choice(options)
                    w.head = str(heads[i])
            if rng.random() < 0.10:
                w.deprel = rng.choice(labels)
            if rng.random() < 0.05:
                w.upos = rng.choice(tags)
        out.append(s)
    return out


def udapi_scores(gold_path, system_path):
    from udapi.block.eval.conll18 import Conll18, prec_rec_f1
    from udapi.block.read.conllu import Conllu
    from udapi.core.document import Document

    logging.disable(logging.INFO)
    try:
        doc = Document()
        Conllu(files=str(gold_path), zone="gold").apply_on_document(doc)
        Conllu(files=str(system_path), zone="pred").apply_on_document(doc)
        block = Conll18(print_results=False)
        block.apply_on_document(doc)
    finally:
        logging.disable(logging.NOTSET)
    c = block.total_count
    scores = {m: 100 * prec_rec_f1(c[m], c["pred"], c["gold"])[2] for m in ("UPOS", "UAS", "LAS")}
    scores["CLAS"] = 100 * prec_rec_f1(c["CLAS"], c["pred_cont"], c["gold_cont"])[2]
    return scores


@pytest.mark.parametrize("path,seed", [(EWT_DEV, 1), (GUM_DEV, 2)], ids=["ewt-dev", "gum-dev"])
def test_agrees_with_udapi_conll18(path, seed, tmp_path):
    pytest.importorskip("udapi")
    need(path)
    gold = read_conllu(path)
    system_path = tmp_path / "system.conllu"
    write_conllu(perturb(gold, seed), system_path)
    ours = evaluate_files(path, system_path)
    theirs = udapi_scores(path, system_path)
    # the perturbation really changed something, and the scores agree
    assert 80 < ours.las.percent < 95
    for metric, value in theirs.items():
        assert ours.to_json()[metric] == pytest.approx(value, abs=0.01), metric
    # heads moved to ROOT give several roots: scored like udapi does, and reported
    several = sum(1 for s in read_conllu(system_path) if len(DependencyTree.from_sentence(s).roots()) > 1)
    assert len(ours.warnings) == several > 0
    assert all("system tree is not valid" in w and "attached to the root" in w for w in ours.warnings)


def test_empty_evaluation_reports_zero_not_an_error():
    data = evaluate([], []).to_json()
    assert (data["UAS"], data["LAS"], data["words"], data["sentences"]) == (0.0, 0.0, 0, 0)
