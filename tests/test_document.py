"""The Qt-free treebank document: statuses, edits, validation, byte-identical atomic saving, recovery."""
from __future__ import annotations

import os
import time

import pytest

from deplab.app.model import document as docmod
from deplab.app.model.document import (EDITED, GOLD, PARSED, PREDICTED_KEY, STATUS_KEY, UNANNOTATED, Document,
                                EditError, RecoveryError)
from deplab.app.model.validation import check_sentence, flags_for_view, issues_by_word, relation_choices
from deplab.parser.conllu import parse_conllu_text, read_conllu

from conftest import EWT_DEV, EWT_TRAIN, FIXTURES, need

SMALL = FIXTURES / "annotation_small.conllu"


@pytest.fixture
def small(tmp_path):
    p = tmp_path / "small.conllu"
    p.write_bytes(SMALL.read_bytes())
    return p


def test_open_statuses_and_untouched_save_is_identical(small):
    doc = Document.open(small)
    assert len(doc) == 4 and not doc.dirty
    assert doc.statuses() == [PARSED, PARSED, PARSED, UNANNOTATED]
    doc.save()
    assert small.read_bytes() == SMALL.read_bytes()


def test_attach_relabel_status_and_saved_file(small):
    doc = Document.open(small)
    seen = []
    doc.changed.connect(seen.append)
    doc.attach(0, 1, 3)  # The -> sleeps
    doc.set_deprel(0, 1, "nsubj")
    assert seen == [[0], [0]] and doc.dirty
    assert doc.status(0) == EDITED
    doc.set_status(1, GOLD)
    doc.save()
    again = read_conllu(small)
    w = again[0].words[0]
    assert (w.head, w.deprel) == ("3", "nsubj")
    assert again[0].get_meta(STATUS_KEY) == EDITED
    # the pre-annotation is kept for "corrections vs parser" scoring
    assert again[0].get_meta(PREDICTED_KEY).split()[0] == "DET/2/det"
    assert again[1].get_meta(STATUS_KEY) == GOLD
    # untouched sentences carry no new comments and are byte-identical
    orig = SMALL.read_bytes().split(b"\n\n")
    new = small.read_bytes().split(b"\n\n")
    assert orig[2:] == new[2:]
    reopened = Document.open(small)
    assert reopened.statuses() == [EDITED, GOLD, PARSED, UNANNOTATED]
    pred = reopened.predicted(0)
    assert [w.head for w in pred.words] == ["2", "3", "0", "3"]
    assert reopened.predicted(1) is not None  # gold without edits: prediction == gold
    assert reopened.predicted(3) is None


def test_export_without_deplab_comments(small, tmp_path):
    doc = Document.open(small)
    doc.attach(0, 1, 3, "nsubj")
    doc.set_status(1, GOLD)
    n = doc.export_clean(tmp_path / "release.conllu")
    assert n == 2
    out = (tmp_path / "release.conllu").read_bytes()
    assert b"deplab_" not in out
    assert out.split(b"\n\n")[2:] == SMALL.read_bytes().split(b"\n\n")[2:]
    assert read_conllu(tmp_path / "release.conllu")[0].words[0].deprel == "nsubj"
    assert doc[0].get_meta(STATUS_KEY) == EDITED  # the document keeps them


def test_cycle_is_refused_and_nothing_changes(small):
    doc = Document.open(small)
    before = doc[0].to_text()
    with pytest.raises(EditError, match="cycle"):
        doc.attach(0, 3, 2)  # sleeps -> cat, but cat -> sleeps
    with pytest.raises(EditError, match="own head"):
        doc.attach(0, 2, 2)
    with pytest.raises(EditError, match="out of range"):
        doc.attach(0, 2, 9)
    with pytest.raises(EditError, match="tabs"):
        doc.set_column(0, 0, "lemma", "a\tb")
    assert doc[0].to_text() == before and not doc.dirty and doc.status(0) == PARSED


def test_validation_flags_on_words(small):
    doc = Document.open(small)
    assert check_sentence(doc[0]) == []
    doc.attach(0, 2, 0)  # second root, relation becomes root
    doc.set_deprel(0, 1, "punct")  # punct on a DET
    doc.set_deprel(0, 4, "blah")  # unknown relation
    doc.detach(0, 1)
    flags = issues_by_word(doc[0])
    codes = {w: {i.code for i in issues} for w, issues in flags.items()}
    assert "second-root" in codes[2]
    assert "missing-head" in codes[1]
    assert "punct-upos" in codes[1]
    assert "unknown-relation" in codes[4]
    assert set(flags_for_view(doc[0])) == {1, 2, 3, 4}  # both roots are flagged
    # a cycle read from a file is flagged on each of its words
    cyc = parse_conllu_text("1\ta\t_\tX\t_\t_\t2\tdep\t_\t_\n2\tb\t_\tX\t_\t_\t1\tdep\t_\t_\n")[0]
    assert {i.word for i in check_sentence(cyc) if i.code == "cycle"} == {1, 2}


def test_relation_menu_has_universal_and_present_subtypes(small):
    doc = Document.open(small)
    rels = doc.relations()
    assert "obl:in" in rels and "nsubj" in rels and "nsubj:pass" not in rels
    assert relation_choices(["nmod:poss", "bogus:x", "_"]).count("nmod:poss") == 1


def test_snapshot_restore_undo_back_to_original_is_byte_identical(small):
    doc = Document.open(small)
    before = doc.snapshot(2)
    doc.set_column(2, 5, "upos", "noun")  # token row 5 = word 5 "birds" (after the 2-3 range)
    assert doc[2].words[4].upos == "NOUN"
    after = doc.snapshot(2)
    doc.restore(2, before)
    doc.save()
    assert small.read_bytes() == SMALL.read_bytes()
    doc.restore(2, after)  # redo after the save must be saved too
    doc.save()
    assert read_conllu(small)[2].words[4].upos == "NOUN"


def test_parse_results_never_touch_gold(small):
    doc = Document.open(small)
    doc.set_status(0, GOLD)
    parsed = doc[3].copy()
    for k, w in enumerate(parsed.words):
        w.upos, w.head, w.deprel = ("NOUN", "2", "nsubj") if k == 0 else ("VERB", "0", "root")
    gold_parse = doc[0].copy()
    done = doc.apply_parses({3: parsed, 0: gold_parse})
    assert done == [3]
    assert doc.status(3) == PARSED and doc[3].words[0].head == "2"
    assert doc.predicted(3).words[1].deprel == "root"
    with pytest.raises(EditError, match="gold"):
        doc.apply_parse(0, gold_parse)
    with pytest.raises(EditError, match="unannotated"):
        Document.open(small).set_status(3, GOLD)


def test_find_and_next_unfinished(small):
    doc = Document.open(small)
    assert doc.find(text="CAT") == [0]
    assert doc.find(form="birds") == [2, 3]
    assert doc.find(upos="aux") == [2]
    assert doc.find(deprel="obl") == [2] and doc.find(deprel="obl:in") == [2]
    assert doc.find(status=UNANNOTATED) == [3]
    doc.set_status(1, GOLD)
    assert doc.next_unfinished(0) == 2
    assert doc.next_unfinished(2, -1) == 0
    assert doc.next_unfinished(3) is None


def test_crlf_file_keeps_line_endings(tmp_path):
    p = tmp_path / "crlf.conllu"
    data = SMALL.read_bytes().replace(b"\n", b"\r\n")
    p.write_bytes(data)
    doc = Document.open(p)
    doc.set_deprel(1, 3, "obl")
    doc.save()
    out = p.read_bytes()
    assert b"\n" not in out.replace(b"\r\n", b"")
    assert read_conllu(p)[1].words[2].deprel == "obl"


def test_atomic_save_leaves_old_file_when_writing_fails(small, monkeypatch):
    doc = Document.open(small)
    doc.set_deprel(1, 3, "obl")

    def boom(*a):
        raise OSError("disk full")
    monkeypatch.setattr(docmod.os, "replace", boom)
    with pytest.raises(OSError):
        doc.save()
    assert small.read_bytes() == SMALL.read_bytes()
    assert [f for f in os.listdir(small.parent) if "tmp" in f] == []
    assert doc.dirty


def test_new_from_text_save_as(tmp_path):
    doc = Document.from_text("The dog barked. It ran away!\nSecond line here")
    assert [len(s.words) for s in doc] == [4, 4, 3] and doc.dirty
    assert doc.statuses() == [UNANNOTATED] * 3
    with pytest.raises(EditError):
        doc.save()
    out = doc.save(tmp_path / "new.conllu")
    assert not doc.dirty and doc.name == "new.conllu"
    assert [s.text for s in read_conllu(out)] == ["The dog barked.", "It ran away!", "Second line here"]


def test_recovery_roundtrip_and_source_check(small, tmp_path):
    doc = Document.open(small)
    doc.attach(0, 1, 3, "nsubj")
    doc.set_status(0, GOLD)
    rec = tmp_path / "rec.json"
    doc.write_recovery(rec)
    info = Document.read_recovery_info(rec)
    assert info.source == str(small) and info.n_changed == 1 and info.pid == os.getpid()
    back = Document.from_recovery(rec)
    assert back.dirty and back.status(0) == GOLD and back[0].words[0].deprel == "nsubj"
    back.save()
    assert read_conllu(small)[0].words[0].head == "3"
    # the source changed since: applying by index would be wrong, so it is refused
    with pytest.raises(RecoveryError, match="changed"):
        Document.from_recovery(rec)
    detached = Document.from_recovery(rec, detached=True)
    assert len(detached) == 1 and detached.path is None
    (tmp_path / "junk.json").write_text("{not json")
    with pytest.raises(RecoveryError, match="cannot read"):
        Document.from_recovery(tmp_path / "junk.json")


def test_real_treebank_untouched_sentences_byte_identical(tmp_path):
    src = need(EWT_DEV)
    p = tmp_path / "dev.conllu"
    p.write_bytes(src.read_bytes())
    doc = Document.open(p)
    edited = [5, 100, 1500]
    for i in edited:
        w = doc[i].words[0]
        doc.set_column(i, doc[i].tokens.index(w), "misc", "Checked=Yes")
    doc.set_status(7, GOLD)
    doc.save()
    orig = read_conllu(src)
    new = read_conllu(p)
    assert len(orig) == len(new)
    orig_chunks = src.read_bytes().split(b"\n\n")
    new_chunks = p.read_bytes().split(b"\n\n")
    assert len(orig_chunks) == len(new_chunks)
    changed = {i for i, (a, b) in enumerate(zip(orig_chunks, new_chunks)) if a != b}
    assert changed == {5, 100, 1500, 7}
    assert new[100].words[0].misc == "Checked=Yes" and new[7].get_meta(STATUS_KEY) == GOLD


def test_open_large_treebank_time(capsys):
    """Not a timing assertion (shared CPUs): reports how long the 12.5k-sentence file takes."""
    path = need(EWT_TRAIN)
    t = time.perf_counter()
    doc = Document.open(path)
    elapsed = time.perf_counter() - t
    assert len(doc) > 12000 and not doc.dirty
    with capsys.disabled():
        print(f"\n[open {path.name}: {len(doc)} sentences in {elapsed:.2f} s]")


def test_pre_annotation_drops_the_stale_enhanced_graph():
    """A parsed sentence's enhanced graph (DEPS, empty nodes) was built on the old tree: the engine's rule
    (``drop_enhanced_graph``) removes it when the parser's tree is put in, and multiword lines stay."""
    text = ("# text = Au port, elle lit.\n"
            "1-2\tAu\t_\t_\t_\t_\t_\t_\t_\t_\n"
            "1\tà\tà\tADP\t_\t_\t3\tcase\t3:case\t_\n"
            "2\tle\tle\tDET\t_\t_\t3\tdet\t3:det\t_\n"
            "3\tport\tport\tNOUN\t_\t_\t6\tobl\t6:obl\tSpaceAfter=No\n"
            "4\t,\t,\tPUNCT\t_\t_\t3\tpunct\t3:punct\t_\n"
            "5\telle\til\tPRON\t_\t_\t6\tnsubj\t6:nsubj|6.1:nsubj\t_\n"
            "6\tlit\tlire\tVERB\t_\t_\t0\troot\t0:root\tSpaceAfter=No\n"
            "6.1\tlit\tlire\tVERB\t_\t_\t_\t_\t0:root\t_\n"
            "7\t.\t.\tPUNCT\t_\t_\t6\tpunct\t6:punct\t_\n\n")
    doc = Document.from_bytes(text.encode("utf-8"))
    doc.set_unmarked("parsed")  # read as parser output, so the parser may overwrite it
    parsed = doc.sentences[0].copy()
    for w in parsed.words:
        w.head, w.deprel = (0, "root") if w.id == "6" else (6, "dep")
    out = doc.parsed_sentence(0, parsed)
    assert [w.deps for w in out.words] == ["_"] * 7
    assert not any(t.is_empty for t in out.tokens) and any(t.is_range for t in out.tokens)
    assert out.words[0].head == 6 and out.words[5].deprel == "root"
