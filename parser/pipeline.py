"""Text or CoNLL-U in, parsed CoNLL-U out: tokenization, tagging and parsing together.

This is the engine's front door for the app and the ``deplab parse`` command.

The parser predicts basic trees only.  An input's enhanced graph (the DEPS column and the empty nodes
``8.1`` it needs; de Marneffe et al. 2021, "Universal Dependencies", sec. 4.3) was built on top of the
old basic tree, so a parsed sentence drops it whole: every word's DEPS becomes ``_`` and the empty
nodes go (:func:`drop_enhanced_graph`).  Copying the new basic tree into DEPS instead would claim an
enhanced annotation that nobody made (no propagated conjuncts, no ``xsubj``, no case-marked labels)
and would be scored as one; keeping the old graph beside a new tree makes the file inconsistent (UD's
``validate.py`` rejects it at level 2).  Multiword-token lines and every other column are kept.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable, Sequence

from . import decode
from .conllu import Sentence, drop_enhanced_graph  # noqa: F401 (part of this module's API)
from .language import NO_SPACE_LANGUAGES, script_warning, segmentation_note
from .model import Model
from .oracle import oracle_trace
from .tokenize import tokenize
from .transition import Trace
from .tree import DependencyTree


def annotate(sentence: Sentence, parsed: decode.Parsed, keep_tags: bool = False) -> Sentence:
    """A copy of ``sentence`` with predicted HEAD and DEPREL (and UPOS unless keep_tags), without its
    stale enhanced graph (:func:`drop_enhanced_graph`); other columns and lines kept."""
    s = sentence.copy()
    for w, tag, h, l in zip(s.words, parsed.tags, parsed.heads, parsed.labels):
        if not keep_tags:
            w.upos = tag
        w.head, w.deprel = str(h), l
    return drop_enhanced_graph(s)


class Pipeline:
    def __init__(self, model: Model):
        self.model = model

    @classmethod
    def load(cls, model_dir: str | Path | None = None) -> "Pipeline":
        return cls(Model.load(model_dir))

    @property
    def model_dir(self) -> Path | None:
        return self.model.path

    @property
    def transitions(self):
        return self.model.transitions

    @property
    def language(self) -> str:
        """The ISO 639 code the model was trained for (``config.json``'s ``language``; ``en`` for models
        that predate it)."""
        return self.model.config.get("language", "en")

    def text_notices(self, text: str) -> list[str]:
        """What a user should know about typed text before trusting its parse: a writing system that
        does not fit the model's language (:func:`language.script_warning`) and, for languages written
        without spaces, how the words were found (:func:`language.segmentation_note`)."""
        notes = [script_warning(text, self.language), segmentation_note(text, self.language)]
        return [n for n in notes if n]

    def sentences_from_text(self, text: str, first_id: int = 1) -> list[Sentence]:
        """Unannotated sentences from plain text, tokenized for the model's language (spaCy's rules;
        languages written without spaces by maximum matching against the model's words)."""
        out = []
        lexicon = self.model.words.stoi if self.language in NO_SPACE_LANGUAGES else None
        for k, (forms, spaces) in enumerate(tokenize(text, self.language, lexicon)):
            txt = "".join(f + (" " if sp else "") for f, sp in zip(forms, spaces)).strip()
            s = Sentence.from_words(forms, text=txt, sent_id=str(first_id + k))
            for w, sp in zip(s.words, spaces):
                if not sp:
                    w.misc = "SpaceAfter=No"
            s.words[-1].misc = "_"
            out.append(s)
        return out

    def parse(self, sentences: Sequence[Sentence], keep_tags: bool = False,
              progress: Callable[[int], None] | None = None) -> list[Sentence]:
        """Parsed copies of ``sentences`` (UPOS predicted unless ``keep_tags``)."""
        forms = [[w.form for w in s.words] for s in sentences]
        tags = [[w.upos for w in s.words] for s in sentences] if keep_tags else None
        parsed = decode.parse_batch(self.model, forms, tags, progress=progress)
        return [annotate(s, p, keep_tags) for s, p in zip(sentences, parsed)]

    def parse_text(self, text: str) -> list[Sentence]:
        return self.parse(self.sentences_from_text(text))

    def warm_up(self, max_words: int = 40, stop: Callable[[], bool] | None = None) -> None:
        """Builds spaCy's tokenizer and runs the encoder once for every sentence length up to ``max_words``:
        torch prepares its kernels per tensor shape on first use (up to ~90 ms), which would otherwise
        land on the first sentences a user types."""
        self.sentences_from_text("Warm up.")
        for n in range(1, max_words + 1):
            if stop is not None and stop():
                return
            decode.tag(self.model, ["word"] * n)

    @staticmethod
    def _given_tags(sentence: Sentence) -> list[str] | None:
        tags = [w.upos for w in sentence.words]
        return None if "_" in tags else tags

    def tags_for(self, sentence: Sentence) -> list[str]:
        """The sentence's UPOS, predicted if missing."""
        tags = self._given_tags(sentence)
        return tags if tags is not None else decode.tag(self.model, [w.form for w in sentence.words])

    def trace(self, sentence: Sentence) -> Trace:
        """The model's step-by-step run on one sentence (its UPOS, predicted if missing)."""
        return decode.trace(self.model, [w.form for w in sentence.words], self._given_tags(sentence))

    def parse_traced(self, sentence: Sentence) -> tuple[Sentence, Trace]:
        """One sentence tagged and parsed once, step by step: the parsed copy and its trace (the app's path)."""
        trace = decode.trace(self.model, [w.form for w in sentence.words])
        final = trace.final
        n = len(sentence.words)
        parsed = decode.Parsed(trace.tags, final.heads[1:n + 1], final.labels[1:n + 1])
        return annotate(sentence, parsed), trace

    def oracle(self, sentence: Sentence) -> Trace | None:
        """The gold transition sequence, when the sentence has a complete projective tree."""
        tree = DependencyTree.from_sentence(sentence)
        if not len(tree) or not tree.is_valid() or not tree.is_projective():
            return None
        return oracle_trace([w.form for w in sentence.words], self.tags_for(sentence),
                            tree.heads, tree.labels, self.transitions)

    def describe(self) -> dict:
        m = self.model
        return {"arch": m.arch, "sizes": dict(m.config.get("sizes", {})),
                "parameters": m.n_parameters() + sum(p.n_parameters() for p in m.partners),
                "members": 1 + len(m.partners),  # > 1: an ensemble (parser.ensemble)
                "words": len(m.words), "tags": len(m.tags) - 3, "labels": len(m.labels),
                "transitions": len(m.transitions), "path": str(m.path) if m.path else None,
                "features_read": m.parser.features_read(),
                "training": {k: v for k, v in m.config.get("training", {}).items() if k != "history"}}
