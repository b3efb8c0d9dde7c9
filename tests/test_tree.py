"""Well-formedness, projectivity, crossing arcs and projectivization on hand-written trees."""
import networkx as nx
import pytest

from conftest import FIXTURES
from deplab.parser.conllu import read_conllu
from deplab.parser.tree import DependencyTree, projectivize

# "The cat sleeps on the warm mat ."
VALID = [2, 3, 0, 7, 7, 7, 3, 3]
VALID_LABELS = ["det", "nsubj", "root", "case", "det", "amod", "obl", "punct"]

# "I met a friend yesterday who lives in Rome": the relative clause "who lives in
# Rome" hangs from "friend" (4) across "yesterday" (5), which hangs from "met" (2).
NONPROJ = [2, 0, 4, 2, 2, 7, 4, 9, 7]


def test_valid_tree():
    t = DependencyTree(VALID, VALID_LABELS)
    assert len(t) == 8
    assert t.problems() == []
    assert t.is_valid()
    assert t.roots() == [3]
    assert t.cycles() == []
    assert t.missing_heads() == []
    assert t.dependents(7) == [4, 5, 6]
    assert (3, 7, "obl") in t.arcs and len(t.arcs) == 8
    assert t.is_projective()
    assert t.crossing_arcs() == []


def test_two_roots():
    t = DependencyTree([2, 0, 0, 3])
    assert not t.is_valid()
    assert t.problems() == ["2 words attached to the root (2, 3); exactly one is required"]


def test_no_root_and_cycle():
    t = DependencyTree([2, 3, 2, 3])
    assert t.cycles() == [[2, 3]]
    problems = t.problems()
    assert "0 words attached to the root (); exactly one is required" in problems
    assert "cycle 2 -> 3 -> 2" in problems
    assert not t.is_valid()


def test_cycle_besides_a_root():
    t = DependencyTree([0, 3, 4, 2])
    assert t.cycles() == [[2, 3, 4]]
    assert t.problems() == ["cycle 2 -> 3 -> 4 -> 2"]


def test_missing_head():
    t = DependencyTree([2, 0, None])
    assert t.missing_heads() == [3]
    assert t.problems() == ["no head for word(s) 3"]
    assert t.arcs == [(2, 1, "_"), (0, 2, "_")]


def test_head_out_of_range():
    t = DependencyTree([0, 5])
    assert t.problems() == ["head out of range for word(s) 2"]


def test_would_create_cycle():
    t = DependencyTree(VALID)
    assert t.would_create_cycle(3, 7)      # 7 is below 3
    assert t.would_create_cycle(7, 4)      # 4 depends on 7
    assert not t.would_create_cycle(4, 2)  # 2 is not below 4
    assert not t.would_create_cycle(6, 0)


def test_non_projective_tree_lists_its_crossing_arcs():
    t = DependencyTree(NONPROJ)
    assert t.is_valid()
    assert not t.is_projective()
    # friend -> lives spans "yesterday", which "friend" does not dominate
    assert t.non_projective_arcs() == [(4, 7)]
    # met -> yesterday and friend -> lives cross when drawn above the sentence
    assert t.crossing_arcs() == [((2, 5), (4, 7))]
    assert t.dominates(2, 9) and t.dominates(0, 5) and not t.dominates(4, 5)


def test_arcs_sharing_a_word_or_nested_do_not_cross():
    # 1 <- 3 -> 2 and 3 -> 4 -> 5: nested and adjacent arcs only
    t = DependencyTree([3, 3, 0, 3, 4])
    assert t.crossing_arcs() == []
    assert t.is_projective()


def test_projectivize_lifts_the_crossing_arc():
    heads, lifts = projectivize(NONPROJ)
    assert lifts == 1
    assert heads == [2, 0, 4, 2, 2, 7, 2, 9, 7]  # "lives" lifted from "friend" to "met"
    t = DependencyTree(heads)
    assert t.is_valid() and t.is_projective()
    assert projectivize(VALID) == (VALID, 0)


def test_projectivize_needs_two_lifts():
    # 5 -> 2 and 5 -> 3 both span word 4, which hangs from 1, not from 5
    heads = [0, 5, 5, 1, 1]
    t = DependencyTree(heads)
    assert t.is_valid()
    assert t.non_projective_arcs() == [(5, 2), (5, 3)]
    # the shorter arc 5 -> 3 is lifted first, then 5 -> 2; both end on 5's head 1
    assert projectivize(heads) == ([0, 1, 1, 1, 1], 2)


def test_projectivize_rejects_broken_trees():
    with pytest.raises(ValueError, match="cycle 1 -> 2 -> 1"):
        projectivize([2, 1, 0])
    with pytest.raises(ValueError, match="no head"):
        projectivize([None, 0])


def test_networkx_view():
    forms = ["The", "cat", "sleeps", "on", "the", "warm", "mat", "."]
    g = DependencyTree(VALID, VALID_LABELS).to_networkx(forms)
    assert isinstance(g, nx.DiGraph)
    assert g.number_of_nodes() == 9 and g.number_of_edges() == 8
    assert g.nodes[0]["form"] == "ROOT" and g.nodes[3]["form"] == "sleeps"
    assert g.edges[3, 7]["label"] == "obl"
    assert nx.is_arborescence(g)
    assert not nx.is_arborescence(DependencyTree([2, 3, 2, 3]).to_networkx())


def test_every_fixture_tree_is_valid_and_projective():
    for name in ("tiny.conllu", "tiny_dev.conllu"):
        for s in read_conllu(FIXTURES / name):
            t = DependencyTree.from_sentence(s)
            assert t.problems() == [], (s.sent_id, t.problems())
            assert t.is_projective(), (s.sent_id, t.non_projective_arcs())
