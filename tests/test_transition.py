"""Arc-standard by hand: the configuration sequence of a short sentence, legality, the oracle on real trees."""
import pytest

from deplab.parser.conllu import read_conllu
from deplab.parser.oracle import oracle_trace, oracle_transitions
from deplab.parser.systems import get_system
from deplab.parser.transition import LEFT, RIGHT, SHIFT, Transition, TransitionSet

ARC_STANDARD = get_system("arc-standard")
from deplab.parser.tree import DependencyTree, projectivize

from conftest import EWT_DEV, FIXTURES, need

# "She ate fish ." : She <-nsubj- ate, ate -obj-> fish, ate -punct-> ., ROOT -root-> ate
HEADS = [2, 0, 2, 2]
LABELS = ["nsubj", "root", "obj", "punct"]


def test_oracle_on_hand_worked_example():
    expected = [
        # transition, stack after, buffer after
        (Transition(SHIFT), [0, 1], [2, 3, 4]),
        (Transition(SHIFT), [0, 1, 2], [3, 4]),
        (Transition(LEFT, "nsubj"), [0, 2], [3, 4]),
        (Transition(SHIFT), [0, 2, 3], [4]),
        (Transition(RIGHT, "obj"), [0, 2], [4]),
        (Transition(SHIFT), [0, 2, 4], []),
        (Transition(RIGHT, "punct"), [0, 2], []),
        (Transition(RIGHT, "root"), [0], []),
    ]
    seq = oracle_transitions(HEADS, LABELS)
    assert seq == [t for t, _, _ in expected]
    c = ARC_STANDARD.initial(4)
    assert (c.stack, c.buffer) == ([0], [1, 2, 3, 4])
    for t, stack, buffer in expected:
        c.apply(t)
        assert (c.stack, c.buffer) == (stack, buffer), str(t)
    assert c.is_terminal()
    assert c.heads[1:] == HEADS and c.labels[1:] == LABELS
    assert c.arcs == [(2, 1, "nsubj"), (0, 2, "root"), (2, 3, "obj"), (2, 4, "punct")]


def test_oracle_trace_can_step_back_exactly():
    ts = TransitionSet(["nsubj", "obj", "punct"])
    tr = oracle_trace(["She", "ate", "fish", "."], ["PRON", "VERB", "NOUN", "PUNCT"], HEADS, LABELS, ts)
    assert len(tr) == 8 and tr.source == "oracle"
    assert tr.config_at(3).stack == [0, 2] and len(tr.config_at(3).arcs) == 1
    assert tr.config_at(8).is_terminal() and len(tr.config_at(8).arcs) == 4
    assert tr.config_at(2).stack == [0, 1, 2]  # stepping back returns the earlier configuration
    assert str(tr.transition_at(2)) == "LEFT-ARC(nsubj)"


def test_legality_keeps_a_single_root():
    ts = TransitionSet(["nsubj", "obj"])
    c = ARC_STANDARD.initial(2)
    legal = lambda: {str(ts[i]) for i, ok in enumerate(ts.legal_mask(c)) if ok}
    assert legal() == {"SHIFT"}
    c.apply(Transition(SHIFT))
    assert legal() == {"SHIFT"}  # ROOT, w1: no LEFT-ARC onto ROOT, no root while the buffer has words
    c.apply(Transition(SHIFT))
    assert legal() == {"LEFT-ARC(nsubj)", "LEFT-ARC(obj)", "RIGHT-ARC(nsubj)", "RIGHT-ARC(obj)"}
    c.apply(Transition(RIGHT, "obj"))
    assert legal() == {"RIGHT-ARC(root)"}


def test_unknown_labels_in_oracle_trace_get_numbers():
    tr = oracle_trace(["She", "ate", "fish", "."], ["PRON", "VERB", "NOUN", "PUNCT"], HEADS, LABELS,
                      TransitionSet(["nsubj"]))
    assert [str(tr.transition_at(i)) for i in range(len(tr))][-2:] == ["RIGHT-ARC(punct)", "RIGHT-ARC(root)"]
    assert tr.final.heads[1:] == HEADS


def test_oracle_rebuilds_every_projective_tree_of_ewt_dev():
    sentences = read_conllu(need(EWT_DEV))
    rebuilt = nonprojective = 0
    for s in sentences:
        tree = DependencyTree.from_sentence(s)
        heads = tree.heads
        if not tree.is_projective():
            nonprojective += 1
            heads, lifts = projectivize(heads)
            assert lifts > 0 and DependencyTree(heads).is_projective()
        c = ARC_STANDARD.initial(len(tree))
        for t in oracle_transitions(heads, tree.labels):
            c.apply(t)
        assert c.heads[1:] == heads and c.labels[1:] == tree.labels, s.sent_id
        rebuilt += tree.is_projective()
    assert rebuilt + nonprojective == len(sentences) == 2001
    assert rebuilt > 1900


def test_oracle_refuses_non_projective_tree():
    with pytest.raises(ValueError, match="non-projective"):
        oracle_transitions([3, 4, 0, 3], ["a", "b", "root", "c"])  # arcs 3->1 and 4->2 cross


def test_fixture_trees_are_rebuilt_by_the_oracle():
    for s in read_conllu(FIXTURES / "tiny.conllu"):
        tree = DependencyTree.from_sentence(s)
        c = ARC_STANDARD.initial(len(tree))
        for t in oracle_transitions(tree.heads, tree.labels):
            c.apply(t)
        assert c.heads[1:] == tree.heads
