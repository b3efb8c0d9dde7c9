"""Compression experiments on a saved model: each returns measured :class:`Result` rows.

Used by ``deplab compress``, the app's Compression tab and
``benchmarks/compression.py``, so the three report the same numbers.  Every
experiment starts from the original model folder, writes the compressed
model to its own folder (atomically), loads it back like ``deplab parse``
does, and measures that.
"""
from __future__ import annotations

import math
import re
import shutil
import time
from pathlib import Path
from typing import Callable, Sequence

from ..conllu import Sentence, read_conllu
from ..model import Model
from ..progress import Cancelled
from ..provenance import file_record, folder_record
from ..examples import Treebank
from ..selection import split_halves
from . import int8 as int8_mod
from .distill import SoftTargets, make_student
from .distill import init_from_teacher as init_from_teacher_weights
from .kmeans import QuantizationAware, TieConstraint
from .sharing import share_weights
from .layers import fold_lstm_biases, model_layers
from .measure import accuracy_and_speed, counts, measure_folder
from .results import Result
from .pruning import GradualPruning, MaskConstraint, apply_masks, magnitude_masks, prune
from .retrain import BATCH_SIZE, retrain
from .sensitivity import layer_sensitivity
from .sparsity_l1 import L1Constraint
from .spec import METHODS  # noqa: F401 (re-exported)
from .storage import save_compressed
from .uniform import quantize_vectors, vector_layers
from .vocabulary import prune_vocabulary, rare_row_rates


SCOPES = {"global": "global |w|", "std": "global |w|/σ", "layer": "per layer"}


class Lab:
    """Runs experiments on the model in ``model_dir``, measured on ``dev``; results folders go to ``work_dir``.

    Retraining keeps the epoch with the best LAS on ``select`` (default: ``dev`` itself).  With
    ``split`` (a seed, e.g. :data:`parser.selection.SPLIT_SEED`), ``dev`` is cut in two by :func:`split_halves`: one half
    chooses the epochs, the other is the one every model, the original included, is scored on.
    """

    def __init__(self, model_dir, dev: Sequence[Sentence] | str | Path,
                 train: Sequence[Sentence] | str | Path | None = None,
                 work_dir: str | Path | None = None, seed: int = 1,
                 log: Callable[[str], None] = print, progress: Callable[[int, int, str], None] | None = None,
                 cancelled: Callable[[], bool] = lambda: False,
                 select: Sequence[Sentence] | str | Path | None = None, split: int | None = None):
        self.model_dir = Path(model_dir)
        self.dev_path = Path(dev) if isinstance(dev, (str, Path)) else None
        self.dev = read_conllu(dev) if isinstance(dev, (str, Path)) else list(dev)
        if not self.dev:
            raise ValueError("the evaluation treebank has no sentences")
        if split is not None and select is not None:
            raise ValueError("give either the selection sentences or a split of the evaluation treebank, not both")
        self.select_path = Path(select) if isinstance(select, (str, Path)) else None
        self.split = split
        if split is not None:  # one half chooses, the other reports
            self.select, self.dev = split_halves(self.dev, split)
        elif select is not None:
            self.select = read_conllu(select) if isinstance(select, (str, Path)) else list(select)
            if not self.select:
                raise ValueError("the selection treebank has no sentences")
        else:  # epochs are chosen on the sentences they are scored on (optimistic)
            self.select = self.dev
        # any CoNLL-U treebank with gold trees: a file, or sentences (e.g. the document open in the app)
        self.train_path = Path(train) if isinstance(train, (str, Path)) and train else None
        self._train: Treebank | None = Treebank.from_sentences(train) if isinstance(train, (list, tuple)) else None
        import tempfile
        self.work_dir = Path(work_dir) if work_dir else Path(tempfile.mkdtemp(prefix="deplab-compress-"))
        self.work_dir.mkdir(parents=True, exist_ok=True)
        self.seed = seed
        self.log, self._progress, self.cancelled = log, progress, cancelled
        self._original: Result | None = None
        self._count = 0
        # retraining after pruning / quantization can mix in the original model's soft targets (0 = gold only)
        self.teacher_alpha, self.teacher_temperature = 0.0, 2.0
        # retraining anneals the learning rate (x lr_decay per epoch); centroids are fine-tuned at lr * finetune_lr
        self.lr_decay, self.finetune_lr = 0.5, 0.25
        self.average = 0.0  # > 0: retraining keeps a moving average of the weights with this decay
        self.speed_repeats = 1  # parse the dev set this many times, the fastest counts
        self.ramp_epochs: float | None = None  # gradual pruning reaches its sparsity after this many epochs
        self._soft: SoftTargets | None = None
        self._data_record: dict | None = None

    # -- helpers -------------------------------------------------------------------
    def progress(self, done: int, total: int, text: str = "") -> None:
        if self._progress:
            self._progress(done, total, text)

    def check(self) -> None:
        if self.cancelled():
            raise Cancelled()

    def data_record(self) -> dict:
        """The evaluation and retraining data by file name and sha256 (or as sentences, e.g. of a document)."""
        if self._data_record is None:
            dev = file_record(self.dev_path) if self.dev_path else {"source": "sentences"}
            if self.split is not None:
                dev["split"] = {"seed": self.split, "report_sentences": len(self.dev),
                                "select_sentences": len(self.select),
                                "how": "random.Random(seed).shuffle of the sentence indices; the first "
                                       "ceil(n/2) choose epochs, the rest are scored"}
                dev["sentences"] = len(self.dev) + len(self.select)
            else:
                dev["sentences"] = len(self.dev)
            if self.train_path:
                train = file_record(self.train_path)
            else:
                train = {"source": "sentences", "sentences": len(self._train)} if self._train is not None else None
            self._data_record = {"dev": dev, "train": train}
            if self.split is None and self.select is not self.dev:
                select = file_record(self.select_path) if self.select_path else {"source": "sentences"}
                self._data_record["select"] = {**select, "sentences": len(self.select)}
        return self._data_record

    def load(self) -> Model:
        model = Model.load(self.model_dir)
        if model.extra.get("runtime"):
            raise ValueError(f"{self.model_dir} runs with int8 kernels and cannot be compressed further; "
                             f"start from the float32 model")
        if model.partners:  # an ensemble (parser.ensemble): its first parser is what is compressed
            if self._original is None:
                self.log(f"{self.model_dir} is an ensemble of {1 + len(model.partners)} parsers: its first "
                         "parser is compressed and measured alone")
            model.partners = []
            model.config.pop("ensemble", None)
        return model

    def treebank(self) -> Treebank:
        if self._train is None:
            if self.train_path is None:
                raise ValueError("retraining needs a training treebank")
            self.progress(0, 0, "reading the training treebank")
            self._train = Treebank.from_sentences(read_conllu(self.train_path))
        return self._train

    def _retrain(self, model, epochs, constraints, lr, text, objective=None, lr_decay=None, use_teacher=True,
                 average=None):
        if epochs <= 0:
            return {}
        if objective is None and use_teacher and self.teacher_alpha > 0:  # the uncompressed model's soft targets
            if self._soft is None:
                self._soft = SoftTargets(self.load(), self.treebank(), self.teacher_temperature, self.teacher_alpha)
            objective = self._soft
        return retrain(model, self.treebank(), self.select, epochs, constraints, lr=lr, seed=self.seed,
                       objective=objective, log=self.log, progress=self._progress, cancelled=self.cancelled,
                       text=text, lr_decay=self.lr_decay if lr_decay is None else lr_decay,
                       average=self.average if average is None else average)

    def _prune(self, model, layers, sparsity, scope, per_layer, epochs, lr, gradual) -> str:
        """Prunes (one-shot, or gradually while retraining) and retrains with the mask; returns a description."""
        if epochs > 0 and gradual:
            steps = math.ceil(len(self.treebank()) / BATCH_SIZE)
            if self.ramp_epochs:
                ramp = max(1, int(self.ramp_epochs * steps))
            else:  # the ramp ends with the first epoch (or inside it)
                ramp = steps if epochs >= 2 else max(1, 2 * steps // 3)
            self._retrain(model, epochs, [GradualPruning(layers, sparsity, scope, per_layer, ramp=ramp)], lr,
                          "pruning gradually while retraining")
            apply_masks(layers, magnitude_masks(layers, sparsity, scope, per_layer))  # exactly the target
        else:
            masks = prune(layers, sparsity, scope, per_layer)
            self._retrain(model, epochs, [MaskConstraint(layers, masks)], lr, "retraining with the mask")
        ramp = f" over {self.ramp_epochs:g}" if gradual and self.ramp_epochs else ""
        return f"{SCOPES[scope]} {sparsity:.0%}" + (f" +{epochs} ep" + (" gradual" + ramp if gradual else "")
                                                    if epochs else "") + \
            "".join(f", {k} {v:.0%}" for k, v in (per_layer or {}).items())

    def _teacher_note(self, epochs: int) -> str:
        return f", soft targets a={self.teacher_alpha:g}" if epochs > 0 and self.teacher_alpha > 0 else ""

    def original(self) -> Result:
        if self._original is None:
            self.progress(0, 0, "measuring the original model")
            t0 = time.perf_counter()
            m = measure_folder(self.model_dir, self.dev, self.speed_repeats)
            self._original = Result("original", "float32", m["parameters"], m["nonzeros"], m["sparsity"],
                                    m["weights_bytes"], m["total_bytes"], 1.0, 1.0, m["UAS"], m["LAS"], m["UPOS"],
                                    m["sentences_per_s"], time.perf_counter() - t0, path=str(self.model_dir))
        return self._original

    def _finish(self, model: Model, method: str, setting: str, info: dict, t0: float,
                out: str | Path | None = None) -> Result:
        """Saves ``model`` compressed, loads it back, measures it."""
        self.check()
        base = self.original()
        self._count += 1
        slug = re.sub(r"[^A-Za-z0-9.=-]+", "_", setting)[:60]
        path = Path(out) if out else self.work_dir / f"{self._count:03d}-{method}-{slug}"
        self.progress(0, 0, f"{method}: writing and re-measuring the compressed model")
        save_compressed(model, path, {"method": method, "setting": setting, **info,
                                      "original": {**folder_record(self.model_dir), "weight_bytes": base.weight_bytes},
                                      "data": self.data_record()})
        m = measure_folder(path, self.dev, self.speed_repeats)
        r = Result(method, setting, m["parameters"], m["nonzeros"], m["sparsity"], m["weights_bytes"],
                   m["total_bytes"], base.weight_bytes / m["weights_bytes"], base.total_bytes / m["total_bytes"],
                   m["UAS"], m["LAS"], m["UPOS"], m["sentences_per_s"], time.perf_counter() - t0, path=str(path),
                   extra={"encodings": model.extra.get("encodings", {})})
        self.log(f"{method} {setting}: LAS {r.LAS:.2f}, {r.weight_bytes:,} bytes ({r.ratio:.1f}x smaller), "
                 f"sparsity {r.sparsity:.1%}")
        return r

    # -- experiments -----------------------------------------------------------------
    def prune(self, sparsity: float, scope: str = "std", retrain_epochs: int = 0, lr: float = 1e-3,
              per_layer: dict[str, float] | None = None, out=None, gradual: bool = True) -> Result:
        t0 = time.perf_counter()
        model = self.load()
        layers = model_layers(model)
        setting = self._prune(model, layers, sparsity, scope, per_layer, retrain_epochs, lr, gradual)
        return self._finish(model, "prune", setting + self._teacher_note(retrain_epochs),
                            {"sparsity": sparsity, "scope": scope, "gradual": gradual, "ramp_epochs": self.ramp_epochs,
                             "retrain_epochs": retrain_epochs, "teacher_alpha": self.teacher_alpha}, t0, out)

    def sensitivity(self, sparsities: Sequence[float], layers: Sequence[str] | None = None,
                    dev_limit: int = 0, on_result: Callable[[Result], None] | None = None) -> list[Result]:
        t0 = time.perf_counter()
        model = self.load()
        dev = self.dev[:dev_limit] if dev_limit else self.dev
        base = accuracy_and_speed(model, dev)
        c = counts(model)
        results = [Result("sensitivity", f"no layer pruned ({len(dev)} sentences)", c["parameters"], c["nonzeros"],
                          c["sparsity"], UAS=base["UAS"], LAS=base["LAS"], UPOS=base["UPOS"],
                          sentences_per_s=base["sentences_per_s"], seconds=time.perf_counter() - t0)]
        if on_result:
            on_result(results[0])

        def on_point(layer, s, p):
            r = Result("sensitivity", f"{layer} {s:.0%}", c["parameters"], 0, s, UAS=p["UAS"], LAS=p["LAS"],
                       UPOS=p["UPOS"], sentences_per_s=p["sentences_per_s"], seconds=time.perf_counter() - t0,
                       layer=layer, extra={"baseline_LAS": base["LAS"], "layer_weights": p["weights"]})
            r.nonzeros = c["nonzeros"] - int(round(s * p["weights"]))
            results.append(r)
            if on_result:
                on_result(r)

        layer_sensitivity(model, dev, sparsities, layers, on_point=on_point, progress=self._progress,
                          cancelled=self.cancelled)
        return results

    def l1(self, strength: float, epochs: int = 1, lr: float = 1e-3, out=None) -> Result:
        t0 = time.perf_counter()
        model = self.load()
        layers = model_layers(model)
        self._retrain(model, epochs, [L1Constraint(layers, strength, lr)], lr, "L1 retraining")
        return self._finish(model, "l1", f"lambda {strength:g} x{epochs} ep",
                            {"strength": strength, "epochs": epochs}, t0, out)

    def share(self, bits: int | dict, finetune_epochs: int = 0, lr: float = 1e-3, out=None, qat: bool = False,
              uniform: bool = False, rare_rates: dict[int, float] | None = None,
              vector_rate: float | None = None) -> Result:
        return self.deep(0.0, bits=bits, retrain_epochs=0, finetune_epochs=finetune_epochs, lr=lr, out=out,
                         method="share", qat=qat, uniform=uniform, rare_rates=rare_rates, vector_rate=vector_rate)

    def deep(self, sparsity: float, scope: str = "std", bits: int | dict = 5, retrain_epochs: int = 1,
             finetune_epochs: int = 1, lr: float = 1e-3, per_layer: dict[str, float] | None = None,
             out=None, method: str = "deep", on_stage: Callable[[Result], None] | None = None,
             gradual: bool = True, min_count: int = 1, qat: bool = False, uniform: bool = False,
             rare_rates: dict[int, float] | None = None, vector_rate: float | None = None) -> Result:
        """Prune (+ retrain with the mask), k-means quantize (+ fine-tune the centroids), Huffman-code on save.

        ``min_count`` > 1 first drops the embedding rows of the words seen fewer times in training
        (:mod:`~parser.compression.vocabulary`). With ``qat`` the fine-tuning after k-means trains every
        weight through its quantized value (:class:`~parser.compression.kmeans.QuantizationAware`)
        instead of the centroids alone. With ``uniform``, ``bits`` are rates in bits per weight on disk for
        uniform quantizers (:mod:`~parser.compression.uniform`) instead of k-means' 2^bits values, and
        ``rare_rates`` {count: rate} gives the word-embedding rows of the words seen fewer than ``count``
        times their own (lower) rate: rare words carry less, so they are stored with fewer bits.
        ``vector_rate`` also quantizes the biases (after the LSTM's two biases are folded into one)
        uniformly at that many bits per value (:func:`~parser.compression.uniform.quantize_vectors`),
        and fine-tunes them with the weights.

        With ``on_stage``, the pruned (and retrained) model before weight sharing is also saved, measured
        and passed to it as a ``prune`` result.
        """
        t0 = time.perf_counter()
        model = self.load()
        parts = []
        if min_count > 1:
            words = len(model.words)
            model = prune_vocabulary(model, min_count)
            parts.append(f"words seen < {min_count}x dropped ({words - len(model.words):,} of {words:,} rows)")
        layers = model_layers(model)
        if sparsity > 0 or per_layer:
            parts.append(self._prune(model, layers, sparsity, scope, per_layer, retrain_epochs, lr, gradual))
        elif parts:  # only the vocabulary was pruned: retrain without a mask
            self._retrain(model, retrain_epochs, [], lr, "retraining")
            parts[-1] += f" +{retrain_epochs} ep" if retrain_epochs else ""
        if parts and on_stage is not None:
            on_stage(self._finish(model, "prune", ", ".join(parts) + self._teacher_note(retrain_epochs),
                                  {"sparsity": sparsity, "scope": scope, "gradual": gradual, "min_count": min_count,
                                   "retrain_epochs": retrain_epochs}, t0))
        self.check()
        self.progress(0, 0, "uniform quantization" if uniform else "k-means quantization")
        shared = list(layers)
        if vector_rate:  # the biases are quantized (and fine-tuned) too; the LSTM's two biases first become one
            fold_lstm_biases(model)
            shared += vector_layers(model)
        originals = {name: p.detach().clone() for l in shared for name, p in l.params} if qat else {}
        row_rates = {}
        if rare_rates:
            word_layers = [l for l in layers if l.name == "word embeddings"]
            if not word_layers:
                raise ValueError("the model has no word embeddings for rates by word count")
            row_rates = {"word embeddings": rare_row_rates(model.words, rare_rates)}
            model.extra["row_blocks"] = {name: [0] + [r for r, _ in row_rates["word embeddings"]]
                                         for l in word_layers for name, _ in l.params}
        sharings = share_weights(layers, bits, uniform, row_rates)
        if vector_rate:
            sharings += quantize_vectors(model, vector_rate)
        if qat:  # the moving average of quantized weights would not be quantized: no averaging here
            self._retrain(model, finetune_epochs, [QuantizationAware(shared, sharings, originals)],
                          lr * self.finetune_lr, "quantization-aware training", average=0.0)
        else:
            self._retrain(model, finetune_epochs, [TieConstraint(shared, sharings)], lr * self.finetune_lr,
                          "fine-tuning the centroids")
        fold_lstm_biases(model)   # b_ih + b_hh -> b_ih: the same function, half the LSTM bias bytes
        bits_text = ("uniform, " if uniform else "") + _bits_text(bits) + ("/weight" if uniform else "") + \
            "".join(f", words seen < {c}x {r:g}" for c, r in sorted((rare_rates or {}).items(), reverse=True)) + \
            (f", biases {vector_rate:g}" if vector_rate else "")
        parts.append(bits_text + (f" +{finetune_epochs} ep" + (" quantization-aware" if qat else "")
                                  if finetune_epochs else ""))
        info = {"sparsity": sparsity, "scope": scope, "bits": bits, "retrain_epochs": retrain_epochs,
                "ramp_epochs": self.ramp_epochs, "lr": lr, "lr_decay": self.lr_decay, "average": self.average,
                "finetune_lr": self.finetune_lr,
                "finetune_epochs": finetune_epochs, "min_count": min_count, "qat": qat, "uniform": uniform,
                "rare_rates": {str(c): r for c, r in (rare_rates or {}).items()}, "vector_rate": vector_rate}
        info["teacher_alpha"] = self.teacher_alpha
        return self._finish(model, method, ", ".join(parts) + self._teacher_note(retrain_epochs + finetune_epochs),
                            info, t0, out)

    def int8(self, out=None) -> Result:
        t0 = time.perf_counter()
        model = self.load()
        int8_mod.round_to_int8(model_layers(model))
        return self._finish(model, "int8", "int8 weights, dynamic int8 Linear/LSTM",
                            {"runtime": int8_mod.RUNTIME}, t0, out)

    def distill(self, sizes: dict, temperature: float = 2.0, alpha: float = 0.5, epochs: int = 5,
                lr: float = 2e-3, compare: bool = True, out=None,
                on_result: Callable[[Result], None] | None = None, lr_decay: float = 0.85,
                init_from_teacher: bool = False, min_count: int = 1, average: float = 0.0) -> list[Result]:
        """Trains the student on soft targets and (``compare``) the same student on gold alone.

        With ``init_from_teacher`` the distilled student also starts from the teacher's weights where
        they fit (see :func:`~parser.compression.distill.init_from_teacher`); the gold-only one never does.
        With ``min_count`` > 1 both students keep only the words seen that often (the teacher keeps its own).
        """
        teacher = self.load()
        train = self.treebank()
        vocabulary = prune_vocabulary(teacher, min_count) if min_count > 1 else teacher
        size_text = ",".join(f"{k}={v}" for k, v in sizes.items())
        if min_count > 1:
            size_text += f",words seen >= {min_count}x"
        results = []
        init_text = ", init from teacher" if init_from_teacher else ""
        runs = [(alpha, f"student {size_text}, T={temperature:g} alpha={alpha:g}{init_text}, {epochs} ep")] \
            if alpha > 0 else []
        if compare or alpha == 0:  # alpha = 0: only the gold-only student
            runs.append((0.0, f"student {size_text}, gold only, {epochs} ep"))
        for k, (a, setting) in enumerate(runs):
            t0 = time.perf_counter()
            student = make_student(vocabulary, sizes, self.seed)
            if init_from_teacher and a > 0:
                init_from_teacher_weights(student, vocabulary)
            objective = SoftTargets(teacher, train, temperature, a) if a > 0 else None
            what = "distilling" if a > 0 else "training on gold only"
            self._retrain(student, epochs, [], lr, what, objective=objective, lr_decay=lr_decay, use_teacher=False,
                          average=average)
            r = self._finish(student, "distill" if a > 0 else "student", setting,
                             {"sizes": sizes, "temperature": temperature, "alpha": a, "epochs": epochs,
                              "min_count": min_count,
                              "init_from_teacher": bool(init_from_teacher and a > 0)},
                             t0, out if k == 0 else None)
            r.extra["teacher_parameters"] = self.original().parameters
            results.append(r)
            if on_result:
                on_result(r)
        return results


def _bits_text(bits: int | dict) -> str:
    """"4 bits", or the most common bits per layer with the exceptions: "3 bits (output layer 6, ...)"."""
    if not isinstance(bits, dict):
        return f"{bits:g} bits"
    values = list(bits.values())
    common = max(set(values), key=values.count) if values else 0
    rest = ", ".join(f"{k} {v:g}" for k, v in bits.items() if v != common)
    return f"{common:g} bits" + (f" ({rest})" if rest else "")


def copy_model_folder(src, dst) -> Path:
    """Copies a model folder atomically (a temporary folder, then a rename)."""
    src, dst = Path(src), Path(dst)
    dst.parent.mkdir(parents=True, exist_ok=True)
    tmp = dst.with_name(f".{dst.name}.partial")
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        shutil.copytree(src, tmp)
        if dst.exists():
            shutil.rmtree(dst)
        tmp.rename(dst)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return dst
