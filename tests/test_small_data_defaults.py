"""The small-data defaults of ``deplab train`` (chosen on bootstrap.py's selection sentences), and old model
folders still loading as they were trained."""
from deplab.parser.model import Model
from deplab.parser.examples import Treebank
from deplab.parser.train_config import DEFAULT_SIZES, TrainConfig, build_vocabularies, new_model
from deplab.parser.vocab import UNK_ID, normalize

from conftest import FIXTURES
from deplab.parser.conllu import read_conllu


def _treebank():
    return Treebank.from_sentences(read_conllu(FIXTURES / "tiny.conllu"), projective=False)


def test_default_recipe_keeps_words_seen_once_and_has_128_char_filters():
    tb = _treebank()
    cfg = TrainConfig()
    assert cfg.min_count == 1 and DEFAULT_SIZES["kg2016"]["char_filters"] == 128
    words, *_ = build_vocabularies(tb, cfg.min_count)
    counts = {}
    for s in tb.forms:
        for f in s:
            counts[normalize(f)] = counts.get(normalize(f), 0) + 1
    once = [w for w, c in counts.items() if c == 1]
    assert once and all(words.id(w) != UNK_ID for w in once)
    model = new_model(tb, cfg)
    assert model.parser.tagger.encoder.chars.conv.out_channels == 128
    assert model.config["sizes"]["char_filters"] == 128


def test_a_model_folder_without_char_filters_loads_with_the_old_64(tmp_path):
    cfg = TrainConfig(sizes={"char_filters": 64, "lstm_hidden": 16, "word_dim": 16})
    old = new_model(_treebank(), cfg)
    old.config["sizes"].pop("char_filters")  # as written before the option existed
    old.save(tmp_path / "old")
    loaded = Model.load(tmp_path / "old")
    assert loaded.parser.tagger.encoder.chars.conv.out_channels == 64
