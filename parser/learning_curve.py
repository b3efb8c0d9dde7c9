"""Learning curves: held-out LAS against the amount of in-domain training data.

:func:`learning_curve` (the Lab's fine-tuning demonstration): for each size n, fine-tune the base model on
the first n sentences of a pool and train the same architecture from scratch on them (same epochs), then
score both on one fixed held-out set; the base model's score is the n = 0 point.  The gap between the
curves is what pre-training is worth at that amount of data (cf. the learning curves of Banko & Brill 2001).

:func:`treebank_curve` (a linguist's own treebank): for each size n, what ``deplab train`` and the app's
New Parser would train on n gold sentences -- both starts of :mod:`parser.auto_start` with their own
recipes, each selected on a seeded part of the n -- scored on the same held-out sentences, so the curve
says what the next 100 sentences buy with the parser the user will actually get.
"""
from __future__ import annotations

import time
from typing import Callable, Sequence

from .callbacks import Forward, TrainingCallbacks
from .conllu import Sentence
from .finetune import FinetuneConfig, finetune, train_scratch
from .model import Model
from .selection import dev_scores, hold_out
from .train_config import TrainConfig

DEFAULT_SIZES = (50, 100, 250, 500, 1000)


def _scores(model: Model, sentences) -> dict:
    s = dev_scores(model, sentences)
    return {k: s[k] for k in ("UPOS", "UAS", "LAS")}


class _Point(Forward):
    """One run of the curve: its progress as a part of the whole curve's; its log and epochs unheard."""

    def __init__(self, inner: TrainingCallbacks, overall, text: str):
        super().__init__(inner)
        self.overall, self.text = overall, text

    def log(self, message: str) -> None:
        pass

    def progress(self, done: int, total: int, message: str = "") -> None:
        self.inner.progress(*self.overall(done, total), self.text)

    def epoch_end(self, run: str, epoch: int, scores: dict) -> None:
        pass


def parse_sizes(text: str) -> list[int]:
    from .errors import UserError
    try:
        sizes = sorted({int(t) for t in text.replace(" ", "").split(",") if t})
    except ValueError:
        raise UserError(f"sizes must be comma-separated numbers of sentences, not {text!r}") from None
    if not sizes or sizes[0] < 1:
        raise UserError("sizes must be positive numbers of sentences")
    return sizes


def curve_sizes(text: str, pool: int) -> list[int]:
    """The sizes of a treebank's curve: those of ``text`` (:func:`parse_sizes`; "all" may be written) below
    the pool's size, and the whole pool."""
    text = text.replace("all", "")
    sizes = parse_sizes(text) if text.strip(" ,") else []
    return sorted({n for n in sizes if n < pool} | {pool})


def learning_curve(base: Model, pool: Sequence[Sentence], heldout: Sequence[Sentence], sizes: Sequence[int],
                   cfg: FinetuneConfig, scratch: bool = True, callbacks: TrainingCallbacks | None = None,
                   on_point: Callable[[dict], None] | None = None,
                   extra_eval: Callable[[int], dict] | None = None) -> list[dict]:
    """Points ``{"sentences", "words", "base", "finetuned", "scratch", "seconds"}`` (scores: UPOS/UAS/LAS).

    ``callbacks`` hear one log line per point and the progress of all runs together (the runs' own log
    lines and epochs are not passed on) and may cancel.  Sizes larger than the pool are clipped to it
    (and then listed once).  ``on_point`` is called as each point is done, so a plot can grow while the
    curve is computed.  ``extra_eval(n)`` may return ``{name: sentences}``: more evaluation sets for
    size n, scored once after training (``point["extra"]``).
    """
    if not heldout:
        raise ValueError("a learning curve needs held-out sentences")
    callbacks = callbacks if callbacks is not None else TrainingCallbacks()
    sizes = sorted({min(int(n), len(pool)) for n in sizes if n > 0})
    base_scores = _scores(base, heldout)
    points = []
    runs = len(sizes) * (2 if scratch else 1)
    done = 0

    def sub(kind, n):
        return _Point(callbacks, lambda d, t: (done * 1000 + (1000 * d // max(t, 1)), runs * 1000),
                      f"{kind} on {n} sentences")
    for n in sizes:
        t0 = time.time()
        train = list(pool[:n])
        point = {"sentences": n, "words": sum(len(x.words) for x in train), "base": base_scores}
        extra = extra_eval(n) if extra_eval else {}
        ft = finetune(base, train, heldout, cfg, sub("fine-tuning", n))
        point["finetuned"] = ft.final
        point["finetuned_history"] = ft.history
        point["extra"] = {name: {"sentences": len(sents), "base": _scores(base, sents),
                                 "finetuned": _scores(ft.model, sents)} for name, sents in extra.items()}
        done += 1
        if scratch:
            sc = train_scratch(base, train, heldout, cfg, sub("from scratch", n))
            point["scratch"] = sc.final
            point["scratch_history"] = sc.history
            for name, sents in extra.items():
                point["extra"][name]["scratch"] = _scores(sc.model, sents)
            done += 1
        point["seconds"] = round(time.time() - t0, 1)
        callbacks.log(f"{n:5d} sentences: fine-tuned LAS {ft.final['LAS']:.2f}"
            + (f", from scratch LAS {point['scratch']['LAS']:.2f}" if scratch else "")
            + f" (base {base_scores['LAS']:.2f})")
        points.append(point)
        if on_point:
            on_point(point)
    return points


def treebank_curve(pool: Sequence[Sentence], heldout: Sequence[Sentence], sizes: Sequence[int], cfg: TrainConfig,
                   base=None, callbacks: TrainingCallbacks | None = None,
                   on_point: Callable[[dict], None] | None = None, parallel: bool | None = None,
                   kinds: Sequence[str] | None = None) -> list[dict]:
    """Points ``{"sentences", "words", "train", "select", "runs", "selection", "chosen", "default", "seconds"}``
    for the first n sentences of ``pool`` for each n of ``sizes`` (clipped to the pool, listed once).

    Each point trains what ``deplab train`` trains on n gold sentences (``cfg``: its options, the language
    included): a seeded ``cfg.heldout`` of the n is held out for selection, then from scratch and -- with
    a ``base`` model folder, default the bundled model when it is installed -- fine-tuned from it (``kinds``
    picks the starts: ``("scratch",)`` only that one)
    (:func:`parser.auto_start.run_starts`, each start with its own recipe), and the ensemble of both
    (:func:`parser.auto_start.with_ensemble`).  ``runs`` holds each candidate's UPOS / UAS / LAS on
    ``heldout``, ``selection`` its selection LAS, ``chosen`` the one the auto start keeps
    (:func:`parser.auto_start.choose`) and ``default`` its scores: the parser the user would get.
    ``callbacks`` hear one log line per point and the progress of all points together; ``on_point`` is
    called as each point is done.  Raises :class:`parser.progress.Cancelled`.
    """
    import tempfile
    from pathlib import Path

    from .auto_start import ENSEMBLE, KINDS, bundled_base, choose, ensemble_of, parallel_default, run_starts, with_ensemble
    if not heldout:
        raise ValueError("a learning curve needs held-out sentences")
    callbacks = callbacks if callbacks is not None else TrainingCallbacks()
    base = Path(base) if base is not None else bundled_base()
    if kinds is None:
        kinds = KINDS if base is not None else ("scratch",)
    kinds = [k for k in KINDS if k in kinds]
    if "finetuned" in kinds and base is None:
        raise ValueError("the fine-tuned start needs a base model, and the bundled model is not installed")
    parallel = (parallel_default() if parallel is None else parallel) and len(kinds) > 1
    sizes = sorted({min(int(n), len(pool)) for n in sizes if n > 0})
    points = []
    for k, n in enumerate(sizes):
        t0 = time.time()
        train, select = hold_out(list(pool[:n]), cfg.heldout, cfg.seed)
        if not train:
            raise ValueError(f"{n} sentences are too few to train on and hold some out for selection")
        point_callbacks = _Point(callbacks, lambda d, t, k=k: (k * 1000 + 1000 * d // max(t, 1), len(sizes) * 1000),
                                 f"{n} sentences")
        with tempfile.TemporaryDirectory(prefix="deplab-curve-") as work:
            combined = run_starts(train, select, Path(work), cfg, base, point_callbacks, parallel, kinds)
            results = with_ensemble(Path(work), combined.results, select)
            runs = {kind: _scores(Model.load(Path(work) / kind), heldout) for kind in kinds}
            if ENSEMBLE in results:
                runs[ENSEMBLE] = _scores(ensemble_of(Path(work), results[ENSEMBLE]["members"]), heldout)
        chosen = choose(results)
        point = {"sentences": n, "words": sum(len(x.words) for x in pool[:n]), "train": len(train),
                 "select": len(select), "runs": runs,
                 "selection": {kind: results[kind]["LAS"] for kind in results},
                 "chosen": chosen, "default": runs[chosen], "seconds": round(time.time() - t0, 1)}
        callbacks.log(f"{n:5d} sentences: held-out LAS " + ", ".join(f"{kind} {s['LAS']:.2f}" for kind, s in runs.items())
                      + f"; the default start keeps {chosen}")
        points.append(point)
        if on_point:
            on_point(point)
    return points
