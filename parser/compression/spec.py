"""One compression experiment: what to run, with which settings, and what data it needs.

``deplab compress`` (:mod:`.cli`) and the app's Lab ▸ Compression tab both build a
:class:`CompressionSpec` and call :meth:`CompressionSpec.run` on a
:class:`~parser.compression.experiments.Lab`; the rules -- which settings are valid,
which experiments retrain the model and so need training data, which Lab method
runs -- live here once.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Callable, Sequence

from ..errors import UserError

METHODS = {
    "original": "the uncompressed float32 model",
    "prune": "magnitude pruning (Han et al. 2015), optional retraining with the mask fixed",
    "sensitivity": "prune each layer alone at increasing sparsity, measure dev LAS",
    "l1": "L1-regularised retraining (proximal steps drive weights to zero)",
    "share": "weight sharing: k-means quantization + centroid fine-tuning + Huffman coding",
    "deep": "Deep Compression pipeline: prune + retrain, k-means + fine-tune, Huffman coding",
    "int8": "int8 weights and torch dynamic quantization of Linear/LSTM",
    "distill": "knowledge distillation into a smaller student (vs the same student on gold only)",
}

# what the data is for, in the words the app and the command show
TRAIN_PURPOSE = ("Retraining data: a CoNLL-U treebank with gold trees, ideally the one the model was trained on "
                 "(or any treebank of its language and domain). The compressed model is retrained on it to win back "
                 "the accuracy compression costs; a distilled student learns from the model's predictions on it.")
DEV_PURPOSE = ("Evaluation data: a CoNLL-U treebank with gold trees that the model was not trained on. Every "
               "compressed model is scored on it (UAS/LAS) and timed, so the results are only as meaningful as it "
               "is held out.")

# the settings by name, as validate() and check_data() name them (the command passes its options instead)
WORDS = {"sparsity": "the sparsity", "bits": "bits per weight", "uniform": "uniform sharing", "alpha": "alpha",
         "teacher_alpha": "the teacher's weight", "temperature": "the temperature", "min_count": "the word count",
         "average": "the weight average's decay", "ramp": "the ramp", "finetune_lr": "the fine-tuning lr factor",
         "lr_decay": "the lr decay", "rare_rates": "the rare words' rate", "vector_rate": "the biases' rate",
         "sizes": "64 LSTM units", "dev": "evaluation data", "train": "a training treebank",
         "retrain": "the retraining and fine-tuning epochs"}


@dataclass
class CompressionSpec:
    method: str
    lr: float | None = None               # default: 1e-3, distillation 2e-3
    # pruning
    sparsity: float = 0.8
    scope: str = "std"
    per_layer: dict = field(default_factory=dict)
    retrain: int = 0
    gradual: bool = True
    ramp: float | None = None
    min_count: int = 1
    # sensitivity
    sparsities: Sequence[float] = (0.5, 0.7, 0.8, 0.9, 0.95)
    layers: Sequence[str] | None = None
    dev_limit: int = 0
    # weight sharing
    bits: float | dict = 5
    uniform: bool = False
    rare_rates: dict | None = None
    vector_rate: float | None = None
    finetune: int = 1
    finetune_lr: float = 0.25
    qat: bool = False
    # L1 and distillation
    strength: float = 1.0
    epochs: int = 1
    sizes: dict = field(default_factory=dict)
    temperature: float = 2.0
    alpha: float = 0.5
    compare: bool = True
    init_from_teacher: bool = False
    lr_decay: float | None = None          # default: distillation 0.85, retraining 0.5
    average: float = 0.0
    teacher_alpha: float = 0.0

    def to_json(self) -> dict:
        return {k: (list(v) if isinstance(v, tuple) else v) for k, v in asdict(self).items()}

    @property
    def learning_rate(self) -> float:
        return self.lr if self.lr is not None else (2e-3 if self.method == "distill" else 1e-3)

    def needs_training(self) -> bool:
        """True when the experiment trains the model, so it needs a training treebank."""
        m = self.method
        return m in ("l1", "distill") or (m in ("prune", "deep") and self.retrain > 0) or \
            (m in ("share", "deep") and self.finetune > 0)

    def validate(self, layer_names: Sequence[str] | None = None, names: dict | None = None) -> None:
        """Raises UserError on a setting out of range.  ``layer_names``: the model's, to check layer names;
        ``names``: how the caller calls the settings (the command: its options, the app: the words of WORDS)."""
        n = {**WORDS, **(names or {})}
        if self.method not in METHODS:
            raise UserError(f"unknown compression method {self.method!r}; choose from {', '.join(METHODS)}")
        if not 0.0 <= self.sparsity < 1.0:
            raise UserError(f"{n['sparsity']} must be between 0 and 0.99")
        bit_values = list(self.bits.values()) if isinstance(self.bits, dict) else [self.bits]
        low = 0.1 if self.uniform else 1
        for b in bit_values:
            if not low <= b <= 8 or (not self.uniform and b != int(b)):
                raise UserError(f"{n['bits']} must be a whole number between 1 and 8 (with {n['uniform']}: a rate "
                                "between 0.1 and 8)")
        if not 0.0 <= self.teacher_alpha <= 1.0 or not 0.0 <= self.alpha <= 1.0:
            raise UserError(f"{n['alpha']} and {n['teacher_alpha']} must be between 0 and 1")
        if self.temperature <= 0:
            raise UserError(f"{n['temperature']} must be > 0")
        if self.min_count < 1:
            raise UserError(f"{n['min_count']} must be at least 1")
        if not 0.0 <= self.average < 1.0:
            raise UserError(f"{n['average']} must be between 0 and 1 (e.g. 0.999)")
        if self.ramp is not None and self.ramp <= 0:
            raise UserError(f"{n['ramp']} must be a positive number of epochs")
        if self.finetune_lr <= 0 or (self.lr_decay is not None and not 0.0 < self.lr_decay <= 1.0):
            raise UserError(f"{n['finetune_lr']} must be > 0 and {n['lr_decay']} between 0 and 1")
        for count, b in (self.rare_rates or {}).items():
            if int(count) < 2 or not 0 <= b <= 8:
                raise UserError(f"{n['rare_rates']} {count}={b:g}: COUNT must be a whole number >= 2 and bits "
                                "between 0 and 8")
        if self.rare_rates and not self.uniform:
            raise UserError(f"{n['rare_rates']} needs {n['uniform']} (rates in bits per weight)")
        if self.vector_rate is not None and not 1 <= self.vector_rate <= 8:
            raise UserError(f"{n['vector_rate']} must be between 1 and 8")
        for x in self.sparsities:
            if not 0 <= x < 1:
                raise UserError(f"sparsity {100 * x:g}% is not between 0 and 99%")
        if self.method == "sensitivity" and not self.sparsities:
            raise UserError("give at least one sparsity")
        if layer_names is not None:
            listed = list(self.per_layer) + (list(self.bits) if isinstance(self.bits, dict) else []) + \
                list(self.layers or [])
            for name in listed:
                if name not in layer_names:
                    raise UserError(f"unknown layer {name!r}; the layers are: {', '.join(layer_names)}")

    def check_data(self, dev, train, names: dict | None = None) -> None:
        """A UserError saying which data is missing and what it is for."""
        n = {**WORDS, **(names or {})}
        if not dev:
            raise UserError(f"{n['dev']} is needed. " + DEV_PURPOSE)
        if self.needs_training() and not train:
            raise UserError(f"'{self.method}' retrains the model: give {n['train']} (or set {n['retrain']} to 0). "
                            + TRAIN_PURPOSE)
        if self.method == "distill" and not self.sizes:
            raise UserError(f"give the student's sizes, e.g. {n['sizes']}")

    def configure(self, lab) -> None:
        """Sets the lab's retraining options (every run: a lab may be reused across experiments)."""
        if self.method == "distill":
            return
        lab.teacher_alpha, lab.teacher_temperature = self.teacher_alpha, self.temperature
        lab.average, lab.finetune_lr, lab.ramp_epochs = self.average, self.finetune_lr, self.ramp
        lab.lr_decay = 0.5 if self.lr_decay is None else self.lr_decay

    def run(self, lab, out=None, on_result: Callable | None = None) -> list:
        """Runs the experiment on ``lab``; returns its results (each also passed to ``on_result``)."""
        self.configure(lab)
        emit = on_result or (lambda r: None)
        lr, m = self.learning_rate, self.method
        if m == "sensitivity":
            return lab.sensitivity(list(self.sparsities), list(self.layers) if self.layers else None,
                                   self.dev_limit, on_result=emit)
        if m == "distill":
            return lab.distill(self.sizes, self.temperature, self.alpha, self.epochs, lr, self.compare,
                               out=out, lr_decay=0.85 if self.lr_decay is None else self.lr_decay,
                               init_from_teacher=self.init_from_teacher, min_count=self.min_count,
                               average=self.average, on_result=emit)
        if m == "original":
            results = [lab.original()]
        elif m == "prune":
            results = [lab.prune(self.sparsity, self.scope, self.retrain, lr, self.per_layer, out=out,
                                 gradual=self.gradual)]
        elif m == "l1":
            results = [lab.l1(self.strength, self.epochs, lr, out=out)]
        elif m == "share":
            results = [lab.share(self.bits, self.finetune, lr, out=out, qat=self.qat, uniform=self.uniform,
                                 rare_rates=self.rare_rates or None, vector_rate=self.vector_rate)]
        elif m == "deep":
            results = [lab.deep(self.sparsity, self.scope, self.bits, self.retrain, self.finetune, lr, self.per_layer,
                                out=out, gradual=self.gradual, min_count=self.min_count, qat=self.qat,
                                uniform=self.uniform, rare_rates=self.rare_rates or None,
                                vector_rate=self.vector_rate)]
        elif m == "int8":
            results = [lab.int8(out=out)]
        else:  # validate() refuses it first
            raise UserError(f"unknown compression method {m!r}")
        for r in results:
            emit(r)
        return results
