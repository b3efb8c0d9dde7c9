"""The arc diagram's geometry (a pure function of widths and arcs, no Qt)."""
import random
import time

from deplab.app.qt.arc_layout import Metrics, compute_layout, rectangles_overlap
from deplab.parser.conllu import read_conllu
from deplab.parser.tree import DependencyTree

from conftest import FIXTURES


def random_projective_heads(n: int, rng: random.Random) -> list[int]:
    heads = [0] * n

    def build(lo: int, hi: int, head: int) -> None:  # words lo..hi (1-based) hang from head
        if lo > hi:
            return
        k = rng.randint(lo, hi)
        heads[k - 1] = head
        build(lo, k - 1, k)
        build(k + 1, hi, k)
    build(1, n, 0)
    return heads


def layout_for(heads, labels=None, widths=None, rtl=False):
    n = len(heads)
    labels = labels or ["nsubj:pass" if i % 3 else "det" for i in range(n)]
    widths = widths or [40.0] + [20.0 + 9 * ((7 * i) % 5) for i in range(n)]
    arcs = [(h, d + 1, l) for d, (h, l) in enumerate(zip(heads, labels))]
    return compute_layout(widths, arcs, [7.0 * len(l) + 6 for _, _, l in arcs], Metrics(), rtl), arcs


def check_projective_layout(lay, n_words):
    m = Metrics()
    arcs = lay.arcs
    assert len(lay.centers) == n_words + 1
    for i in range(n_words):  # words never overlap
        assert lay.centers[i + 1] - lay.centers[i] >= (lay.widths[i] + lay.widths[i + 1]) / 2 + m.gap - 1e-6
    assert lay.crossings == []
    for a in arcs:
        x1, x2 = a.x_range
        lx, ly, lw, lh = a.label_rect
        assert x1 < lx and lx + lw < x2, "label between the legs"
        assert a.y_top < lay.baseline
        for b in arcs:
            if b is a:
                continue
            assert not rectangles_overlap(a.label_rect, b.label_rect)
            (al, ar), (bl, br) = a.span, b.span
            if al <= bl and br <= ar:
                assert a.level > b.level, "a nesting arc is higher than the arcs inside it"
            # no leg of b passes through a's label
            for x in (b.x_head, b.x_dep):
                if lx <= x <= lx + lw:
                    assert not (b.y_top < ly + lh and ly < lay.baseline), (a, b)
    # each word's legs are distinct points
    ends = {}
    for a in arcs:
        for w, x in ((a.head, a.x_head), (a.dep, a.x_dep)):
            ends.setdefault(w, []).append(x)
    for xs in ends.values():
        assert len(set(round(x, 3) for x in xs)) == len(xs)


def test_fixture_trees_lay_out_without_overlaps():
    for s in read_conllu(FIXTURES / "tiny.conllu"):
        words = s.words
        heads = [w.head_index for w in words]
        if not DependencyTree(heads).is_projective():
            continue
        lay, _ = layout_for(heads, [w.deprel for w in words])
        check_projective_layout(lay, len(words))


def test_random_projective_trees_never_overlap_labels():
    rng = random.Random(7)
    for n in list(range(1, 25)) * 4:
        heads = random_projective_heads(n, rng)
        assert DependencyTree(heads).is_projective()
        lay, _ = layout_for(heads)
        check_projective_layout(lay, n)


def test_levels_follow_nesting():
    # "ROOT the big dog barked": amod inside det, all inside root
    heads = [3, 3, 4, 0]
    lay, _ = layout_for(heads, ["det", "amod", "nsubj", "root"])
    by_dep = {a.dep: a for a in lay.arcs}
    assert by_dep[2].level == 1  # big <- dog: adjacent
    assert by_dep[1].level == 2  # the <- dog spans over 'big' whose arc shares the end point
    assert by_dep[3].level == 1  # dog <- barked: adjacent
    assert by_dep[4].level == 3  # ROOT -> barked spans everything
    assert lay.max_level == 3
    # the arrowhead end is the dependent
    assert by_dep[3].x_dep < by_dep[3].x_head


def test_crossing_arcs_are_marked():
    # A hearing is scheduled on the issue today: hearing -> issue crosses ROOT -> scheduled
    heads = [2, 4, 4, 0, 7, 7, 2, 4]
    assert not DependencyTree(heads).is_projective()
    lay, _ = layout_for(heads)
    assert lay.crossings, "a non-projective tree has visible crossing points"
    # all labels still apart
    for a in lay.arcs:
        for b in lay.arcs:
            if a is not b:
                assert not rectangles_overlap(a.label_rect, b.label_rect)


def test_long_labels_push_adjacent_words_apart():
    narrow, _ = layout_for([2, 0], ["x", "root"], widths=[40.0, 10.0, 10.0])
    wide, _ = layout_for([2, 0], ["compound:prt-very-long", "root"], widths=[40.0, 10.0, 10.0])
    assert wide.centers[2] - wide.centers[1] > narrow.centers[2] - narrow.centers[1] + 50


def test_right_to_left_mirrors_the_diagram():
    heads = [2, 0, 2]
    ltr, _ = layout_for(heads)
    rtl, _ = layout_for(heads, rtl=True)
    assert rtl.rtl and rtl.centers[0] == max(rtl.centers)  # ROOT on the right
    assert rtl.centers == sorted(rtl.centers, reverse=True)
    for c1, c2 in zip(ltr.centers, rtl.centers):
        assert abs(c1 + c2 - ltr.width) < 1e-6
    assert rtl.word_at(rtl.centers[3]) == 3


def test_partial_trees_and_bad_heads_are_skipped():
    arcs = [(None, 1, "x"), (0, 2, "root"), (2, 2, "self"), (9, 1, "out of range")]
    lay = compute_layout([40.0, 20.0, 20.0], arcs, [20.0] * 4)
    assert [(a.head, a.dep) for a in lay.arcs] == [(0, 2)]


def test_hundred_words_is_fast():
    rng = random.Random(3)
    heads = random_projective_heads(100, rng)
    t0 = time.perf_counter()
    lay, _ = layout_for(heads)
    assert time.perf_counter() - t0 < 0.5
    check_projective_layout(lay, 100)
    assert lay.width > 100 * 20
