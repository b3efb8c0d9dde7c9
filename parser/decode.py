"""Greedy decoding: batched for throughput, step by step for the trace.

Chen & Manning (2014) parse greedily: in each configuration take the legal
transition with the highest score.  :func:`parse_batch` advances many
sentences together (one feature gather and one forward pass per step for the
whole batch); :func:`trace` runs the readable :class:`Configuration` and
records every step (scores, legal moves, features) for the app.  Both choose
the same transitions (tested).  Both work for every transition system: the
model's :class:`~parser.transition.TransitionSet` says which one.
"""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np
import torch

from . import features as F
from .batch import BatchConfigurations
from .model import Model
from .transition import Step, Trace
from .vocab import SPECIALS


@dataclass
class Parsed:
    tags: list[str]
    heads: list[int]
    labels: list[str]
    # with parse_batch(margins=True): per step with >= 2 legal moves, p(best) - p(second best)
    # over the legal transitions (the parser's confidence; see parser.uncertainty)
    margins: list[float] | None = None


def _tag_logits(model: Model, b, ctx) -> torch.Tensor:
    """UPOS scores [B, N+2, tags] of the tagger (special symbols at -inf)."""
    if model.tagger is None:
        logits = model.parser.tag_logits(ctx)
    else:
        logits = model.tagger(b)
    logits[..., :len(SPECIALS)] = float("-inf")
    return logits


def _tag(model: Model, b, ctx) -> torch.Tensor:
    """UPOS ids [B, N+2] predicted by the tagger (special symbols excluded)."""
    return _tag_logits(model, b, ctx).argmax(-1)


def scorer(model: Model, forms_list, tags_list, b, ctx):
    """The transition scorer of ``model`` for the batch ``b`` (its context ``ctx``); for an ensemble
    (:mod:`parser.ensemble`) the members' mean log-probabilities, and when the tags were predicted
    (``tags_list`` None) ``b.tags`` becomes the members' combined tags."""
    score = model.parser.scorer(ctx)
    if not model.partners:
        return score
    from .ensemble import combined_scorer, combined_tag_logits
    predicted = tags_list is None
    members, tag_logits = [(model, score)], [(model, _tag_logits(model, b, ctx))] if predicted else []
    for partner in model.partners:
        partner.eval()
        bp = partner.encode(forms_list, tags_list)
        cp = _context(partner, bp, predicted)
        members.append((partner, partner.parser.scorer(cp)))
        if predicted:
            tag_logits.append((partner, _tag_logits(partner, bp, cp)))
    if predicted:
        b.tags = combined_tag_logits(model, tag_logits).argmax(-1)
        b.tags[:, 0] = 2  # ROOT
        b.tags[:, -1] = 0
    return combined_scorer(model, members)


def parse_batch(model: Model, forms_list: Sequence[Sequence[str]], tags_list: Sequence[Sequence[str]] | None = None,
                batch_size: int = 128, progress: Callable[[int], None] | None = None,
                margins: bool = False, workers: int | None = None) -> list[Parsed]:
    """Tags (unless ``tags_list`` is given) and parses sentences, ``batch_size`` at a time.

    Sentences are sorted by length so each batch pads little; results come back in input order.
    ``workers`` threads (default: torch's thread count) parse whole batches side by side, each running
    torch on one thread: torch releases the GIL inside its kernels, and on a few cores whole batches in
    parallel keep the cores busier than splitting every matrix product of one batch.  A single batch (by
    default, with ``workers`` not given) runs in the calling thread on one torch thread too: its matrices
    are too small to gain from a second thread, and on a busy machine the threads' waits for each other
    cost far more (``benchmarks/parse_speed.py``, "one sentence at a time").  The parses do not depend on
    the number of workers.
    """
    model.eval()
    order = sorted(range(len(forms_list)), key=lambda i: len(forms_list[i]))
    chunks = [order[start:start + batch_size] for start in range(0, len(order), batch_size)]

    def run(idx: list[int]) -> list[Parsed]:
        with torch.inference_mode():  # per thread; cheaper than no_grad (no version counters, measured ~7%)
            return _parse_chunk(model, [forms_list[i] for i in idx],
                                [tags_list[i] for i in idx] if tags_list is not None else None, margins)

    out: list[Parsed | None] = [None] * len(forms_list)
    done = 0

    def collect(idx: list[int], parsed: list[Parsed]) -> None:
        nonlocal done
        for i, p in zip(idx, parsed):
            out[i] = p
        done += len(idx)
        if progress:
            progress(done)  # may raise to cancel

    if workers is None and len(chunks) == 1:
        with _one_torch_thread():
            collect(chunks[0], run(chunks[0]))
        return out
    workers = min(workers or torch.get_num_threads(), len(chunks))
    if workers <= 1:
        for idx in chunks:
            collect(idx, run(idx))
        return out
    # each worker sets its own thread's OpenMP thread count too (oneDNN's LSTM reads it; a new thread starts at
    # the core count whatever the main thread set)
    with _one_torch_thread(), ThreadPoolExecutor(workers, thread_name_prefix="parse",
                                                 initializer=torch.set_num_threads, initargs=(1,)) as pool:
        futures = [pool.submit(run, idx) for idx in chunks]
        try:
            for idx, future in zip(chunks, futures):
                collect(idx, future.result())
        finally:
            for future in futures:  # a cancelled parse does not wait for the batches not yet started
                future.cancel()
    return out


_threads_lock = threading.Lock()
_threads_users = 0
_threads_saved = 0


@contextmanager
def _one_torch_thread():
    """torch runs on one thread while any parallel parse runs (the setting is global; parses may overlap)."""
    global _threads_users, _threads_saved
    with _threads_lock:
        if _threads_users == 0:
            _threads_saved = torch.get_num_threads()
            torch.set_num_threads(1)
        _threads_users += 1
    try:
        yield
    finally:
        with _threads_lock:
            _threads_users -= 1
            if _threads_users == 0:
                torch.set_num_threads(_threads_saved)


def _context(model: Model, b, predict_tags: bool):
    """The parser's per-sentence context; with ``predict_tags`` the tagger fills ``b.tags`` first
    (kg2016 tags from the parser's own BiLSTM pass, so the sentence is encoded once)."""
    ctx = None
    if predict_tags:
        if model.tagger is None:
            ctx = model.parser.context(b)
        b.tags = _tag(model, b, ctx)
        b.tags[:, 0] = 2  # ROOT
        b.tags[:, -1] = 0
    return ctx if ctx is not None else model.parser.context(b)


def _parse_chunk(model: Model, forms_list, tags_list, margins: bool = False) -> list[Parsed]:
    b = model.encode(forms_list, tags_list)
    ctx = _context(model, b, tags_list is None)
    score = scorer(model, forms_list, tags_list, b, ctx)
    state = BatchConfigurations(b.lengths.numpy(), model.transitions)
    active = np.nonzero(~state.terminal())[0]
    margin_lists = [[] for _ in forms_list] if margins else None
    while active.size:
        pos = state.positions(active)
        labs = state.label_features(active, pos)
        scores = score(active, pos, labs)
        legal = state.legal(active)
        masked = np.where(legal, scores.numpy(), -np.inf)
        actions = masked.argmax(1)  # the first best, as torch's argmax
        if margins:
            top = torch.from_numpy(masked).softmax(1).topk(2, dim=1).values
            for r, m, k in zip(active.tolist(), (top[:, 0] - top[:, 1]).tolist(), legal.sum(1).tolist()):
                if k >= 2:
                    margin_lists[r].append(m)
        state.apply(active, actions)
        active = active[~state.terminal()[active]]
    itos = model.tags.itos
    result = []
    for i, forms in enumerate(forms_list):
        n = len(forms)
        tags = [itos[t] for t in b.tags[i, 1:n + 1].tolist()] if tags_list is None else list(tags_list[i])
        heads = state.heads[i, 1:n + 1].tolist()
        labels = [model.labels[l] for l in state.labels[i, 1:n + 1].tolist()]
        result.append(Parsed(tags, heads, labels, margin_lists[i] if margins else None))
    return result


@torch.no_grad()
def tag(model: Model, forms: Sequence[str]) -> list[str]:
    """UPOS tags for one sentence (the tagger alone, without parsing; on one torch thread, as one batch)."""
    if not forms:
        return []
    with _one_torch_thread():
        return _tag_one(model, forms)


def _tag_one(model: Model, forms: Sequence[str]) -> list[str]:
    model.eval()
    b = model.encode([forms])
    if model.partners:  # the ensemble's combined tags
        scorer(model, [forms], None, b, _context(model, b, True))
        ids = b.tags
    else:
        ctx = model.parser.context(b) if model.tagger is None else None
        ids = _tag(model, b, ctx)
    return [model.tags.itos[t] for t in ids[0, 1:len(forms) + 1].tolist()]


@torch.no_grad()
def trace(model: Model, forms: Sequence[str], tags: Sequence[str] | None = None) -> Trace:
    """Parses one sentence with the readable configuration, recording every step.

    Without ``tags`` the UPOS tags are predicted first (the trace's ``tags``).  Runs on one torch thread,
    as one batch does (:func:`parse_batch`).
    """
    with _one_torch_thread():
        return _trace(model, forms, tags)


def _trace(model: Model, forms: Sequence[str], tags: Sequence[str] | None) -> Trace:
    model.eval()
    forms = list(forms)
    given = None if tags is None else [list(tags)]
    b = model.encode([forms], given)
    ctx = _context(model, b, tags is None)
    score = scorer(model, [forms], given, b, ctx)
    tags = [model.tags.itos[t] for t in b.tags[0, 1:len(forms) + 1].tolist()] if tags is None else list(tags)
    lab_index = {l: i for i, l in enumerate(model.labels)}
    c = model.transitions.initial(len(forms))
    steps = []
    row = np.zeros(1, dtype=np.int64)
    while not c.is_terminal():
        pos = np.array([F.positions(c)], dtype=np.int64)
        labs = F.label_features(F.label_ids(c, lab_index), row, pos)
        logits = score(row, pos, labs)[0]
        probs = torch.softmax(logits, 0).tolist()  # over all transitions; illegal ones are shown greyed out
        legal, values = model.transitions.legal_mask(c), logits.tolist()
        chosen = max((k for k, ok in enumerate(legal) if ok), key=values.__getitem__)  # the first best, as argmax
        steps.append(Step(len(steps), c.copy(), legal, probs, chosen, inputs=(forms, tags)))
        c.apply(model.transitions[chosen])
    return Trace(forms, tags, model.transitions, steps, c, source="model")
