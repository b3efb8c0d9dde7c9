"""The evaluation panel shows exactly what ``deplab evaluate`` prints; the diff view marks the differences."""
from __future__ import annotations

import contextlib
import io
import json

from PySide6.QtCore import Qt

from deplab.app.model.document import GOLD, Document
from deplab.app.qt.diff_view import HEAD_WRONG, LABEL_WRONG, DiffView, compare_words
from deplab.app.qt.eval_panel import MODE_CORRECTIONS, MODE_FILES, EvaluationPanel, corrections_pairs
from deplab.parser import cli
from deplab.parser.conllu import read_conllu, write_conllu
from deplab.parser.evaluate import evaluate

from conftest import EWT_DEV, FIXTURES
from test_annotation_ui import app_dirs, make_window, small, win  # noqa: F401  (fixtures)

SMALL = FIXTURES / "annotation_small.conllu"


def perturbed(sentences, every=5):
    """A "system" output: every k-th word gets a wrong head, label or UPOS (deterministic)."""
    out = [s.copy() for s in sentences]
    k = 0
    for s in out:
        words = s.words
        for i, w in enumerate(words):
            if w.head == "_":
                continue
            k += 1
            if k % every == 0:
                w.head = str((int(w.head) + 1) % (len(words) + 1)) if int(w.head) + 1 != i + 1 else "0"
            elif k % every == 1:
                w.deprel = "dep" if w.deprel != "dep" else "obj"
            elif k % every == 2:
                w.upos = "X"
    return out


def cli_json(gold, system, *extra) -> dict:
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        assert cli.main(["evaluate", str(gold), str(system), "--json", *extra]) == 0
    return json.loads(buf.getvalue())


def test_panel_numbers_equal_deplab_evaluate(qtbot, tmp_path):
    gold_path = EWT_DEV if EWT_DEV.exists() else SMALL
    gold = [s for s in read_conllu(gold_path) if s.words and s.words[0].head != "_"][:400]
    gpath, spath = tmp_path / "gold.conllu", tmp_path / "system.conllu"
    write_conllu(gold, gpath)
    write_conllu(perturbed(gold), spath)
    panel = EvaluationPanel()
    qtbot.addWidget(panel)
    for exclude in (False, True):
        panel.setMode(MODE_FILES)
        panel.gold_path.setText(str(gpath))
        panel.system_path.setText(str(spath))
        panel.exclude_punct.setChecked(exclude)
        with qtbot.waitSignal(panel.evaluated, timeout=20000):
            panel.run()
        ref = cli_json(gpath, spath, *(["--exclude-punct"] if exclude else []))
        for name in ("UPOS", "UAS", "LAS", "CLAS"):
            assert panel.metric_labels[name].text() == f"{ref[name]:.2f}", name
            assert ref[name] < 100
        rows = {r[0]: r for r in panel.relation_model.rows}
        assert set(rows) == set(ref["relations"])
        for rel, r in ref["relations"].items():
            assert rows[rel][1:4] == (r["gold"], r["system"], r["correct"])
            assert rows[rel][6] == r["f1"]
        assert [r[5] for r in panel.sentence_model.rows] == [s["LAS"] for s in ref["per_sentence"]]
    # per-sentence scores sort by LAS (the view is sorted ascending by LAS after each run)
    proxy = panel.sentence_proxy
    las = [proxy.data(proxy.index(r, 5), Qt.ItemDataRole.UserRole + 1) for r in range(proxy.rowCount())]
    assert las == sorted(las) and las[0] < las[-1]
    panel.sentence_view.sortByColumn(5, Qt.SortOrder.DescendingOrder)
    assert proxy.data(proxy.index(0, 5), Qt.ItemDataRole.UserRole + 1) == max(las)
    panel.grab().save(str(tmp_path / "panel.png"))


def test_bad_input_is_a_message(qtbot, tmp_path):
    panel = EvaluationPanel()
    qtbot.addWidget(panel)
    panel.setMode(MODE_FILES)
    bad = tmp_path / "bad.conllu"
    bad.write_text("1\tx\n")
    panel.gold_path.setText(str(SMALL))
    panel.system_path.setText(str(bad))
    panel.run(wait=True)
    assert "Cannot evaluate" in panel.summary.text() and "bad.conllu:1" in panel.summary.text()
    panel.system_path.setText(str(FIXTURES / "tiny.conllu"))
    panel.run(wait=True)
    assert "mismatch" in panel.summary.text()


def test_corrections_vs_parser_and_diff(qtbot, win, small):  # noqa: F811
    w, ctl = win
    ctl.ask_relation_after_attach = False
    ctl.open_path(str(small), wait=True)
    ctl.attach(1, 3, "nsubj")  # The: det of cat -> nsubj of sleeps (a correction)
    ctl.toggle_gold()
    ctl.go_to(1)
    ctl.toggle_gold()  # the parse was right: gold without edits
    assert ctl.doc.status(0) == ctl.doc.status(1) == GOLD
    panel = ctl.eval_panel
    ctl.evaluate_action.trigger()
    assert ctl.eval_dock.isVisible()
    panel.setMode(MODE_CORRECTIONS)
    with qtbot.waitSignal(panel.evaluated, timeout=10000):
        panel.run_button.click()
    gold, system, idx = corrections_pairs(ctl.doc)
    assert idx == [0, 1]
    ref = evaluate(gold, system)
    assert panel.evaluation.las.correct == ref.las.correct == 6 and ref.words == 7
    assert panel.metric_labels["UAS"].text() == f"{ref.uas.percent:.2f}"
    # the corrected sentence has the lowest LAS: first row; double-click opens its diff
    view, proxy = panel.sentence_view, panel.sentence_proxy
    first = proxy.index(0, 0)
    assert proxy.data(first) == "1"
    rect = view.visualRect(first)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert ctl.diff_dock.isVisible() and ctl.current == 0
    rows = ctl.diff_view.table_model.rows
    assert [r["head_ok"] for r in rows] == [False, True, True, True]
    assert ctl.diff_view.table_model.data(ctl.diff_view.table_model.index(0, 5), Qt.ItemDataRole.BackgroundRole).color() == HEAD_WRONG
    kinds = {(h, d): k for h, d, _, k in ctl.diff_view.arcs.drawnArcs()}
    assert kinds[(2, 1)] == "head" and kinds[(3, 1)] == "missing" and kinds[(3, 2)] == "correct"
    # the reopened file still knows the predictions: same scores after a save and reopen
    ctl.save()
    again = Document.open(small)
    g2, s2, _ = corrections_pairs(again)
    assert evaluate(g2, s2).to_json()["LAS"] == ref.to_json()["LAS"]


def test_diff_view_marks_label_and_upos(qtbot):
    g = read_conllu(SMALL)[1]
    s = g.copy()
    s.words[2].deprel = "obl"
    s.words[0].upos = "PROPN"
    rows = compare_words(g, s)
    assert [(r["head_ok"], r["label_ok"], r["upos_ok"]) for r in rows] == [
        (True, True, False), (True, True, True), (True, False, True)]
    view = DiffView()
    qtbot.addWidget(view)
    view.resize(700, 480)
    view.setSentences(g, s)
    m = view.table_model
    assert m.data(m.index(2, 7), Qt.ItemDataRole.BackgroundRole).color() == LABEL_WRONG
    assert m.data(m.index(1, 7), Qt.ItemDataRole.BackgroundRole) is None
    assert "2 right heads and labels" in view.title.text()
