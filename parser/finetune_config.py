"""The options of a fine-tuning run (:mod:`parser.finetune`), and how their defaults were chosen."""
from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass
class FinetuneConfig:
    """Options of a fine-tuning run.  The defaults (Adam lr 1e-3, batch 32, 30 epochs, every part trained, and
    L2-SP with alpha 1e-2 as the guard against forgetting) were chosen with ``benchmarks/finetune.py --tune`` on
    500 held-out ATIS *train* sentences (target domain) and EWT dev's first 1,000 sentences (forgetting),
    fine-tuning the bundled model on 25 and 100 ATIS sentences: L2-SP 1e-2 kept the target-domain LAS of
    unguarded fine-tuning (82.44 vs 82.19 at 25, 85.00 vs 85.69 at 100) and lost 3-4 EWT LAS points fewer
    (78.89 vs 76.15, 77.60 vs 73.85); LwF (weight 0.3) forgot a little less at 25 but more at 100.
    Rehearsal needs ``rehearsal_data``, a file the user chooses."""

    epochs: int = 30
    lr: float = 1e-3
    batch_size: int = 32
    freeze: tuple[str, ...] = ()
    patience: int = 5            # early stopping: epochs without a better held-out LAS (0: never stop early)
    select_best: bool = True     # keep the epoch with the best held-out LAS (else the last epoch)
    layer_decay: float = 1.0     # discriminative fine-tuning: lr / decay per part below the output
    min_count: int = 1           # new words need this many occurrences to get an embedding
    word_dropout: float = 0.25
    seed: int = 1
    eval_every_epoch: bool = True  # score the held-out data after every epoch (else once, at the end)
    scratch_lr: float = 2e-3     # the from-scratch baseline uses the usual training recipe
    scratch_min_count: int = 2
    warmup: float = 0.0          # slanted triangular lr: linear warm-up over this fraction of the steps,
                                 # then linear decay to 0 (Howard & Ruder 2018); 0: constant lr
    rehearsal: int = 500         # base-domain sentences mixed into every epoch when rehearsal_data is given
    rehearsal_data: str | None = None  # their CoNLL-U file, chosen by the user (None: no rehearsal)
    guard: str = "l2sp"          # without rehearsal data: "lwf", "l2sp", "lwf+l2sp" or "none" (parser.forgetting)
    lwf_weight: float = 0.3      # weight of the distillation term (Li & Hoiem 2016)
    lwf_temperature: float = 2.0
    l2sp_alpha: float = 1e-2     # L2-SP's alpha (Li, Grandvalet & Davoine 2018)
    average: float = 0.0         # > 0: Polyak averaging of the weights at this decay (parser.averaging); 0: off
    system: str = "auto"         # "auto": arc-standard grows into swap when the data has non-projective trees
                                 # (parser.system_growth); "keep": the base model's system

    def to_json(self) -> dict:
        d = asdict(self)
        d["freeze"] = list(self.freeze)
        return d
