"""The Chen & Manning feature template by name, and the batched version against the readable one."""
import numpy as np

from deplab.parser.batch import BatchConfigurations
from deplab.parser.conllu import read_conllu
from deplab.parser.features import FEATURE_NAMES, describe, positions
from deplab.parser.oracle import oracle_transitions
from deplab.parser.systems import get_system
from deplab.parser.transition import LEFT, RIGHT, SHIFT, Transition, TransitionSet

ARC_STANDARD = get_system("arc-standard")
from deplab.parser.tree import DependencyTree

from conftest import FIXTURES


def test_48_features_with_paper_names():
    assert len(FEATURE_NAMES) == 48
    assert sum(n.endswith(".w") for n in FEATURE_NAMES) == 18
    assert sum(n.endswith(".t") for n in FEATURE_NAMES) == 18
    assert sum(n.endswith(".l") for n in FEATURE_NAMES) == 12
    assert "lc1(s2).t" in FEATURE_NAMES and "rc1(rc1(s1)).l" in FEATURE_NAMES and "b3.w" in FEATURE_NAMES


def test_features_of_a_hand_built_configuration():
    # "the big dog barked loudly": after SHIFT x3, LEFT-ARC(amod), LEFT-ARC(det), SHIFT
    forms = ["the", "big", "dog", "barked", "loudly"]
    tags = ["DET", "ADJ", "NOUN", "VERB", "ADV"]
    c = ARC_STANDARD.initial(5)
    for t in [Transition(SHIFT)] * 3 + [Transition(LEFT, "amod"), Transition(LEFT, "det"), Transition(SHIFT)]:
        c.apply(t)
    assert c.stack == [0, 3, 4] and c.buffer == [5]
    f = describe(c, forms, tags)
    assert f["s1.w"] == ("barked", 4)
    assert f["s2.w"] == ("dog", 3)
    assert f["s3.w"] == ("<ROOT>", 0)
    assert f["b1.w"] == ("loudly", 5) and f["b2.w"] == ("<NULL>", -1)
    assert f["lc1(s2).w"] == ("the", 1) and f["lc1(s2).l"] == ("det", 1)
    assert f["lc2(s2).t"] == ("ADJ", 2) and f["lc2(s2).l"] == ("amod", 2)
    assert f["rc1(s2).w"] == ("<NULL>", -1)
    assert f["lc1(lc1(s2)).w"] == ("<NULL>", -1)
    assert len(f) == 48


def test_batched_positions_equal_readable_positions_on_oracle_paths():
    sentences = read_conllu(FIXTURES / "tiny.conllu")
    trees = [DependencyTree.from_sentence(s) for s in sentences]
    labels = sorted({l for t in trees for l in t.labels})
    ts = TransitionSet(labels)
    seqs = [[ts.index[t] for t in oracle_transitions(t.heads, t.labels)] for t in trees]
    state = BatchConfigurations([len(t) for t in trees], ts)
    configs = [ARC_STANDARD.initial(len(t)) for t in trees]
    for step in range(max(map(len, seqs))):
        rows = np.array([i for i, s in enumerate(seqs) if step < len(s)])
        pos = state.positions(rows)
        labs = state.label_features(rows, pos)
        legal = state.legal(rows)
        for k, i in enumerate(rows):
            assert list(pos[k]) == positions(configs[i])
            assert list(legal[k]) == ts.legal_mask(configs[i])
            want = [ts.labels.index(configs[i].labels[p]) if p > 0 and configs[i].labels[p] else -1
                    for p in positions(configs[i])[6:]]
            assert list(labs[k]) == want
        actions = np.array([seqs[i][step] for i in rows])
        state.apply(rows, actions)
        for i, a in zip(rows, actions):
            configs[i].apply(ts[a])
    assert state.terminal().all()
