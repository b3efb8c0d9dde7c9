"""The Fine-tuning tab's parser in the loop: rank the sentences by uncertainty, retrain on the gold ones.

A workflow of :class:`app.qt.finetune_tab.FinetuneTab`; ranking is :func:`parser.uncertainty.rank`'s and
retraining (fine-tune, save, re-parse and re-score the sentences nobody corrected) is
:func:`parser.active_learning.retrain_and_reparse`'s.  Only the parses of sentences that are still
untouched when the run ends are applied, never to gold sentences.
"""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QAbstractItemView, QGridLayout, QGroupBox, QPushButton, QTableWidget,
                               QTableWidgetItem, QVBoxLayout)

from .workers import Task, TaskCallbacks


class ParserInTheLoopWorkflow:
    def _build_loop(self, col) -> None:
        # parser in the loop
        loop = QGroupBox("Parser in the loop")
        pv = QVBoxLayout(loop)
        row = QGridLayout()  # one above the other: the Lab dock stays narrow
        self.rank_button = QPushButton("Rank by uncertainty")
        self.rank_button.setToolTip("Rank the unannotated sentences by uncertainty. Margin between the two best legal transitions along the greedy path "
                                    "(Lewis & Gale 1994): correct the least certain sentences first")
        self.rank_button.clicked.connect(self.start_ranking)
        self.retrain_button = QPushButton("Retrain on my gold")
        self.retrain_button.setToolTip("Fine-tune on the document's gold sentences (options above), switch to "
                                       "the new model and re-parse the sentences that are not gold or edited")
        self.retrain_button.clicked.connect(self.start_retrain)
        row.addWidget(self.rank_button, 0, 0)
        row.addWidget(self.retrain_button, 1, 0)
        row.setColumnStretch(1, 1)
        pv.addLayout(row)
        self.rank_table = QTableWidget(0, 3)
        self.rank_table.setHorizontalHeaderLabels(["#", "Uncertainty", "Sentence"])
        self.rank_table.verticalHeader().setVisible(False)
        self.rank_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.rank_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.rank_table.horizontalHeader().setStretchLastSection(True)
        self.rank_table.setColumnWidth(0, 50)
        self.rank_table.setColumnWidth(1, 90)
        self.rank_table.setMinimumHeight(150)
        self.rank_table.cellDoubleClicked.connect(
            lambda r, _c: self.sentenceRequested.emit(int(self.rank_table.item(r, 0).data(Qt.ItemDataRole.UserRole))))
        pv.addWidget(self.rank_table)
        col.addWidget(loop)

    # -- parser in the loop ------------------------------------------------------------------------------------
    def _candidates(self, doc) -> list[int]:
        """Sentences the parser may rank and re-parse: neither gold nor edited by the user."""
        return [i for i, st in enumerate(doc.statuses()) if st in ("unannotated", "parsed")]

    def start_ranking(self) -> Task | None:
        if self.busy():
            return None
        base = self.base_model()
        doc = self.doc_provider()
        if base is None or doc is None:
            self._error("Ranking needs a loaded model and an open document")
            return None
        idx = self._candidates(doc)
        if not idx:
            self._error("Every sentence is gold or edited: nothing to rank")
            return None
        sents = [doc[i].copy() for i in idx]

        def work(ctx):
            from deplab.parser.uncertainty import rank
            ranked = rank(base, sents, progress=ctx.progress)
            return {idx[u.index]: u.score for u in ranked}
        return self._start(work, "Ranking by uncertainty", self._ranked)

    def _ranked(self, scores: dict | None) -> None:
        self.progress.setRange(0, 1)
        self.progress.setValue(1)
        if scores is None:
            return
        self.set_scores(scores)
        self.status.setText(f"Ranked {len(scores)} sentences: the most uncertain are listed first "
                            "(double-click one to open it).")
        self.runFinished.emit({"scores": scores})
        self._update_buttons()

    def set_scores(self, scores: dict[int, float], top: int = 100) -> None:
        self.scores = dict(scores)
        doc = self.doc_provider()
        order = sorted(scores, key=lambda i: (-scores[i], i))[:top]
        self.rank_table.setRowCount(len(order))
        for r, i in enumerate(order):
            a = QTableWidgetItem(str(i + 1))
            a.setData(Qt.ItemDataRole.UserRole, i)
            b = QTableWidgetItem(f"{scores[i]:.3f}")
            text = doc[i].text if doc is not None and i < len(doc) else ""
            c = QTableWidgetItem(text)
            c.setToolTip(text)
            for it in (a, b):
                it.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.rank_table.setItem(r, 0, a)
            self.rank_table.setItem(r, 1, b)
            self.rank_table.setItem(r, 2, c)
        self.scoresChanged.emit(self.scores)

    def start_retrain(self) -> Task | None:
        """Fine-tunes on the document's gold sentences, then re-parses (and re-ranks) the others."""
        if self.busy():
            return None
        self.refresh()
        base = self.base_model()
        doc = self.doc_provider()
        if base is None or doc is None:
            self._error("Retraining needs a loaded model and an open document")
            return None
        try:
            gold, info = self._gold_of_document()
        except ValueError as e:
            self._error(str(e))
            return None
        idx = self._candidates(doc)
        originals = {i: doc[i].copy() for i in idx}
        texts = {i: s.to_text() for i, s in originals.items()}
        cfg = self.config()
        pct = self.held_pct.value()
        out = self._new_folder(base)
        run_id = self._run_id + 1
        relay = self._relay
        self._reset_run_view()

        def work(ctx):  # the engine fine-tunes, saves, re-parses and re-scores; the tab only shows it
            from deplab.parser.active_learning import retrain_and_reparse
            epochs = TaskCallbacks(ctx, lambda kind, e, s: relay.epoch.emit(run_id, kind, e, s))
            r = retrain_and_reparse(base, gold, originals, cfg, out, heldout_percent=pct, data=info, callbacks=epochs)
            return {**r.summary(), "parses": r.parses, "scores": r.scores}

        def done(summary):
            if summary is None:
                self._cancelled()
                return
            parses = summary.pop("parses")
            scores = summary.pop("scores")
            self._finished(summary)
            live = self.doc_provider()
            applied = []
            if live is doc:  # apply only to sentences nobody touched meanwhile, never to gold
                fresh = {i: p for i, p in parses.items() if doc[i].to_text() == texts[i] and doc.status(i) != "gold"}
                apply = self.apply_parses or doc.apply_parses
                applied = apply(fresh) if fresh else []
                self.set_scores({i: scores[i] for i in scores if doc.status(i) != "gold"})
            self.use_result()
            self.status.setText(self.status.text() + f" Re-parsed {len(applied)} sentence(s) with the new model.")
            summary["reparsed"] = applied
        return self._start(work, "Retraining on the gold sentences", done)
