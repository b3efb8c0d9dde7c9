"""Cross-lingual transfer: the fine-tuning recipe for a base model of another language.

Fine-tuning a parser trained on one language on a little gold data of another (multilingual transfer:
McDonald, Petrov & Hall 2011; continued training: Howard & Ruder 2018) has nothing to forget that the
user needs -- the base language is not the target -- so no guard against forgetting is used, and the
epochs are not cut short: no early stopping, and the epoch with the best selection LAS is kept.

The recipe was chosen in advance and measured with ``benchmarks/bootstrap.py --transfer`` (fine-tuning the
bundled English model on Dutch, French and Chinese; ``deplab finetune --guard none --epochs 100
--patience 0``).  Epochs: the measured 100, but never more optimizer steps than the from-scratch recipe's
(:func:`parser.train_config.auto_epochs`, about 1,500): the two starts of :mod:`parser.auto_start` then
cost about the same, and training on ~600 sentences stays within the few minutes a new parser may take.
No Polyak averaging (unlike the scratch recipe on small data): on pool sentences it lowered LAS at French 300
(71.28 -> 70.14) and at Dutch 100 (46.23 -> 37.69; README).
"""
from __future__ import annotations

from .finetune_config import FinetuneConfig
from .model import Model
from .train_config import auto_epochs

TRANSFER_EPOCHS = 100


def base_language(model: Model) -> str:
    return model.config.get("language", "en")


def is_crosslingual(base: Model, language: str | None) -> bool:
    """The data's language (an ISO 639 code; None: unknown) is not the base model's."""
    return bool(language) and language.split("-")[0].lower() != base_language(base).split("-")[0].lower()


def transfer_epochs(n_sentences: int, batch_size: int) -> int:
    """``TRANSFER_EPOCHS``, or fewer when that would be more steps than :func:`auto_epochs` gives."""
    return min(TRANSFER_EPOCHS, auto_epochs(n_sentences, batch_size))


def crosslingual_config(n_sentences: int, **options) -> FinetuneConfig:
    """The cross-lingual recipe for ``n_sentences`` training sentences: no guard, no early stopping, the best
    selection epoch kept, :func:`transfer_epochs` epochs; ``options`` override (e.g. ``seed``, ``epochs``)."""
    cfg = FinetuneConfig(guard="none", patience=0, select_best=True, **options)
    if "epochs" not in options:
        cfg.epochs = transfer_epochs(n_sentences, cfg.batch_size)
    return cfg


def recipe(base: Model, language: str | None, n_sentences: int, **options) -> tuple[FinetuneConfig, str]:
    """The fine-tuning options for ``base`` on data of ``language``, and the recipe's name: the cross-lingual
    recipe when the languages differ, else the default (same-language) one of :class:`FinetuneConfig`."""
    if is_crosslingual(base, language):
        return crosslingual_config(n_sentences, **options), "cross-lingual"
    return FinetuneConfig(**options), "same-language"
