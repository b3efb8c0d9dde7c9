"""Every transition system for many sentences at once, in numpy arrays.

The same transitions as :mod:`parser.systems` and the same 18 positions as
:mod:`parser.features`, but every operation is applied to a whole batch of
configurations, so a model can score thousands of configurations with one
matrix product (Chen & Manning 2014 parse ~1000 sentences/s this way; tests
check this agrees with the readable :class:`~parser.configuration.Configuration`
on whole treebanks, for every system).

Word indices are 1..n, 0 is ROOT; index -1 means NULL and, used as an array
index, hits the last column, which is kept at -1 (a sentinel).  The buffer is
kept as a stack too (b1 last), because SWAP puts words back in front of it.
The two nearest-the-edge children on each side (lc1, lc2, rc1, rc2) are kept
per word and updated in O(1) when an arc is added.  What a transition number
means (its kind and label) comes from the :class:`~parser.transition.TransitionSet`.
"""
from __future__ import annotations

import numpy as np

from .features import label_features
from .transition import KIND_IDS, TransitionSet

_SHIFT, _LEFT, _RIGHT, _REDUCE, _SWAP = (KIND_IDS[k] for k in ("SHIFT", "LEFT-ARC", "RIGHT-ARC", "REDUCE", "SWAP"))


# The stack and the buffer keep _EDGE columns of -1 below their bottom, so that s1..s3 and b1..b3 are read
# without a test for a short stack or buffer: element k sits in column _EDGE + k.
_EDGE = 3
_DEPTHS = np.array([1, 2, 3])      # s1, s2, s3: columns _EDGE + size - d
_AHEAD = np.array([1, 2, 3])       # b1, b2, b3 (b1 last): columns _EDGE + size - k
# lc1, rc1, lc2, rc2 of a word are children[row, word, 0..3]; the grandchildren of the template are
# lc1(lc1(s1)), rc1(rc1(s1)), lc1(lc1(s2)), rc1(rc1(s2)): the child kind of each of 4 children
_GRAND_OF, _GRAND_KIND = np.array([0, 1, 4, 5]), np.array([0, 1, 0, 1])
_GROUPS = ("shift", "left", "right", "right_root", "reduce", "swap")  # legality groups, then "never"


class BatchConfigurations:
    def __init__(self, lengths, transitions: TransitionSet):
        lengths = np.asarray(lengths, dtype=np.int64)
        B, N = len(lengths), int(lengths.max(initial=0))
        self.B, self.N, self.n = B, N, lengths
        self.ts = transitions
        self.system = transitions.system.name
        width = N + 2  # words 0..N plus the sentinel
        self.stack = np.full((B, _EDGE + width), -1, dtype=np.int64)
        self.stack[:, _EDGE] = 0                      # ROOT
        self.sp = np.ones(B, dtype=np.int64)          # stack size (ROOT counts)
        cols = np.arange(width)
        self.buffer = np.full((B, _EDGE + width), -1, dtype=np.int64)
        self.buffer[:, _EDGE:] = np.where(cols[None, :] < lengths[:, None], lengths[:, None] - cols[None, :], 0)
        self.bsz = lengths.copy()                     # buffer size; b1 = buffer[_EDGE + bsz - 1]
        self.heads = np.full((B, width), -1, dtype=np.int64)
        self.labels = np.full((B, width), -1, dtype=np.int64)
        self.children = np.full((B, width, 4), -1, dtype=np.int64)
        self.lc1, self.rc1, self.lc2, self.rc2 = (self.children[:, :, k] for k in range(4))  # views
        self.rows = np.arange(B)
        ts = transitions
        lab = ts.label_of
        self._left = np.nonzero((ts.kind_of == _LEFT) & (lab != ts.root_label))[0]
        self._right = np.nonzero((ts.kind_of == _RIGHT) & (lab != ts.root_label))[0]
        self._extra = {k: np.nonzero(ts.kind_of == k)[0] for k in (_REDUCE, _SWAP)}
        group = np.full(len(ts), len(_GROUPS))  # which legality group decides each transition number
        group[ts.number("SHIFT")] = 0
        group[self._left], group[self._right], group[ts.root_right] = 1, 2, 3
        group[self._extra[_REDUCE]], group[self._extra[_SWAP]] = 4, 5
        self._group = group
        self._fx = self._effects()

    # -- reading ------------------------------------------------------------------
    def terminal(self) -> np.ndarray:
        if self.system == "arc-eager":
            return self.bsz == 0
        return (self.bsz == 0) & (self.sp == 1)

    def _stack_at(self, rows, depth):
        return self.stack[rows, _EDGE + self.sp[rows] - depth]  # -1 below the bottom

    def _buffer_at(self, rows, k):
        return self.buffer[rows, _EDGE - 1 + self.bsz[rows] - k]

    def positions(self, rows: np.ndarray) -> np.ndarray:
        """[len(rows), 18] word positions of the feature template (-1 = NULL)."""
        r = rows[:, None]
        stack = self.stack[r, (_EDGE + self.sp[rows])[:, None] - _DEPTHS]      # s1, s2, s3
        buffer = self.buffer[r, (_EDGE + self.bsz[rows])[:, None] - _AHEAD]    # b1, b2, b3
        kids = self.children[r, stack[:, :2]].reshape(len(rows), 8)  # lc1, rc1, lc2, rc2 of s1, then of s2
        grand = self.children[r, kids[:, _GRAND_OF], _GRAND_KIND]
        return np.concatenate([stack, buffer, kids, grand], axis=1)

    def label_features(self, rows: np.ndarray, pos: np.ndarray) -> np.ndarray:
        """[len(rows), 12] label ids at the 12 child positions (-1 = NULL)."""
        return label_features(self.labels, rows, pos)

    # -- legal transitions -------------------------------------------------------------
    def legal(self, rows: np.ndarray) -> np.ndarray:
        """[len(rows), len(transitions)] which transition numbers are legal."""
        ok = getattr(self, "_legal_" + self.system.replace("-", "_"))(rows)
        never = np.zeros(len(rows), dtype=bool)
        return np.stack([ok.get(g, never) for g in _GROUPS] + [never], axis=1)[:, self._group]

    def _legal_arc_standard(self, rows):
        sp, empty = self.sp[rows], self.bsz[rows] == 0
        arc = sp >= 2
        s2_root = arc & (self._stack_at(rows, 2) == 0)
        return {"shift": ~empty, "left": arc & ~s2_root, "right": arc & ~s2_root, "right_root": s2_root & empty}

    def _legal_swap(self, rows):
        ok = self._legal_arc_standard(rows)
        s1, s2 = self._stack_at(rows, 1), self._stack_at(rows, 2)
        ok["swap"] = (self.sp[rows] >= 3) & (s2 > 0) & (s2 < s1)
        return ok

    def _legal_arc_hybrid(self, rows):
        sp, empty = self.sp[rows], self.bsz[rows] == 0
        s1, s2 = self._stack_at(rows, 1), self._stack_at(rows, 2)
        arc = sp >= 2
        return {"shift": ~empty, "left": ~empty & (s1 != 0), "right": arc & (s2 != 0),
                "right_root": arc & (s2 == 0) & empty}

    def _legal_arc_eager(self, rows):
        """The rules of :mod:`parser.systems.arc_eager`, including the ones that keep the run a tree."""
        sp, bsz = self.sp[rows], self.bsz[rows]
        nonempty = bsz > 0
        s1 = self._stack_at(rows, 1)
        s1_headed = (s1 != 0) & (self.heads[rows, s1] >= 0)
        rooted = (self.heads[rows, 1:] == 0).any(axis=1)
        words = self.stack[rows, _EDGE:]
        on_stack = np.arange(words.shape[1])[None, :] < sp[:, None]
        headless = (on_stack & (words != 0) & (np.take_along_axis(self.heads[rows], words, axis=1) < 0)).sum(1)
        low_block = rooted & (sp == 2)
        right_any = nonempty & ((bsz >= 2) | (headless == 0))
        return {"shift": bsz >= 2, "left": nonempty & (s1 != 0) & ~s1_headed & ~low_block,
                "right": right_any & (s1 != 0), "right_root": right_any & (s1 == 0) & ~rooted,
                "reduce": nonempty & s1_headed & ~low_block}

    # -- applying transitions ----------------------------------------------------------
    def _effects(self):
        """Per transition number, what it does in this system: whether it adds an arc, where its head and
        dependent come from (0 = s1, 1 = s2, 2 = b1), how it changes the stack and buffer sizes, and the one
        stack cell and the one buffer cell it writes (offset from the size, source), a no-op rewrite of s1
        or b1 for the transitions that write none."""
        eager, from_buffer = self.system == "arc-eager", self.system in ("arc-eager", "arc-hybrid")
        effects = {  # kind: (arc (head, dependent), d sp, d bsz, stack write, buffer write)
            _SHIFT: (None, 1, -1, (0, 2), (-1, 2)),
            _LEFT: ((2, 0) if from_buffer else (0, 1), -1, 0, (-1, 0) if from_buffer else (-2, 0), (-1, 2)),
            _RIGHT: ((0, 2) if eager else (1, 0), 1 if eager else -1, -1 if eager else 0,
                     (0, 2) if eager else (-1, 0), (-1, 2)),
            _REDUCE: (None, -1, 0, (-1, 0), (-1, 2)),
            _SWAP: (None, -1, 1, (-2, 0), (0, 1)),
        }
        rows = [effects[k] for k in self.ts.kind_of.tolist()]
        arc = np.array([e[0] is not None for e in rows])
        head, dep = (np.array([e[0][i] if e[0] else 0 for e in rows]) for i in (0, 1))
        d_sp, d_bsz = (np.array([e[i] for e in rows]) for i in (1, 2))
        stack_off, stack_src, buffer_off, buffer_src = (np.array([e[i][j] for e in rows]) for i in (3, 4) for j in (0, 1))
        return arc, head, dep, d_sp, d_bsz, stack_off, stack_src, buffer_off, buffer_src

    def apply(self, rows: np.ndarray, actions: np.ndarray) -> None:
        arc, head, dep, d_sp, d_bsz, stack_off, stack_src, buffer_off, buffer_src = (t[actions] for t in self._fx)
        sp, bsz = self.sp[rows], self.bsz[rows]
        top = np.stack([self.stack[rows, _EDGE + sp - 1], self.stack[rows, _EDGE + sp - 2],
                        self.buffer[rows, _EDGE + bsz - 1]], axis=1)  # s1, s2, b1 (-1 where there is none)
        at = np.arange(len(rows))
        if arc.any():
            self._attach(rows[arc], top[at, head][arc], top[at, dep][arc], self.ts.label_of[actions[arc]])
        self.stack[rows, _EDGE + sp + stack_off] = top[at, stack_src]
        self.buffer[rows, _EDGE + bsz + buffer_off] = top[at, buffer_src]
        self.sp[rows] = sp + d_sp
        self.bsz[rows] = bsz + d_bsz

    def _attach(self, r, h, d, lab):
        """Arcs h -> d (one per row at most) and the nearest-the-edge children of h: lc1, lc2 are the
        leftmost left children, rc1, rc2 the rightmost right ones."""
        self.heads[r, d], self.labels[r, d] = h, lab
        right = (d > h).astype(np.int64)   # children[..., side] is the first child, side + 2 the second
        sign = 2 * right - 1               # nearer the edge: further left (-1) or right (+1)
        c1, c2 = self.children[r, h, right], self.children[r, h, right + 2]
        new_first = (c1 < 0) | (sign * d > sign * c1)
        new_second = ~new_first & ((c2 < 0) | (sign * d > sign * c2))
        self.children[r, h, right + 2] = np.where(new_first, c1, np.where(new_second, d, c2))
        self.children[r, h, right] = np.where(new_first, d, c1)
