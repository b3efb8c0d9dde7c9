"""Arc-standard for many sentences at once, in numpy arrays.

The same transitions as :mod:`parser.transition` and the same 18 positions as
:mod:`parser.features`, but every operation is applied to a whole batch of
configurations, so a model can score thousands of configurations with one
matrix product (Chen & Manning 2014 parse ~1000 sentences/s this way; tests
check this agrees with the readable :class:`~parser.transition.Configuration`).

Word indices are 1..n, 0 is ROOT; index -1 means NULL and, used as an array
index, hits the last column, which is kept at -1 (a sentinel).
In arc-standard a new left child is always the leftmost so far and a new
right child always the rightmost, so lc1/lc2/rc1/rc2 update in O(1).
"""
from __future__ import annotations

import numpy as np


class BatchConfigurations:
    def __init__(self, lengths, root_label: int, n_labels: int):
        lengths = np.asarray(lengths, dtype=np.int64)
        B, N = len(lengths), int(lengths.max(initial=0))
        self.B, self.N, self.n = B, N, lengths
        self.L = n_labels
        self.root_label = root_label
        width = N + 2  # words 0..N plus the sentinel
        self.stack = np.zeros((B, width), dtype=np.int64)
        self.sp = np.ones(B, dtype=np.int64)          # stack size (ROOT counts)
        self.bp = np.ones(B, dtype=np.int64)          # next buffer word
        self.heads = np.full((B, width), -1, dtype=np.int64)
        self.labels = np.full((B, width), -1, dtype=np.int64)
        self.lc1 = np.full((B, width), -1, dtype=np.int64)
        self.lc2 = np.full((B, width), -1, dtype=np.int64)
        self.rc1 = np.full((B, width), -1, dtype=np.int64)
        self.rc2 = np.full((B, width), -1, dtype=np.int64)
        self.rows = np.arange(B)

    def terminal(self) -> np.ndarray:
        return (self.bp > self.n) & (self.sp == 1)

    def _stack_at(self, rows, depth):
        sp = self.sp[rows]
        idx = np.maximum(sp - depth, 0)
        return np.where(sp >= depth, self.stack[rows, idx], -1)

    def positions(self, rows: np.ndarray) -> np.ndarray:
        """[len(rows), 18] word positions of the feature template (-1 = NULL)."""
        s1, s2, s3 = (self._stack_at(rows, d) for d in (1, 2, 3))
        bp, n = self.bp[rows], self.n[rows]
        b1, b2, b3 = (np.where(bp + k <= n, bp + k, -1) for k in (0, 1, 2))
        g = lambda arr, p: np.where(p >= 0, arr[rows, p], -1)
        lc1s1, rc1s1 = g(self.lc1, s1), g(self.rc1, s1)
        lc1s2, rc1s2 = g(self.lc1, s2), g(self.rc1, s2)
        return np.stack([s1, s2, s3, b1, b2, b3,
                         lc1s1, rc1s1, g(self.lc2, s1), g(self.rc2, s1),
                         lc1s2, rc1s2, g(self.lc2, s2), g(self.rc2, s2),
                         g(self.lc1, lc1s1), g(self.rc1, rc1s1), g(self.lc1, lc1s2), g(self.rc1, rc1s2)], axis=1)

    def label_features(self, rows: np.ndarray, pos: np.ndarray) -> np.ndarray:
        """[len(rows), 12] label ids at the 12 child positions (-1 = NULL)."""
        child = pos[:, 6:]
        return np.where(child >= 0, self.labels[rows[:, None], child], -1)

    def legal(self, rows: np.ndarray) -> np.ndarray:
        """[len(rows), 2L+1] legal transitions (0 = SHIFT, 1+l LEFT-ARC(l), 1+L+l RIGHT-ARC(l))."""
        L, r = self.L, self.root_label
        sp, bp, n = self.sp[rows], self.bp[rows], self.n[rows]
        arc = sp >= 2
        s2_root = arc & (self._stack_at(rows, 2) == 0)
        empty = bp > n
        m = np.zeros((len(rows), 1 + 2 * L), dtype=bool)
        m[:, 0] = ~empty
        normal = (arc & ~s2_root)[:, None]
        m[:, 1:1 + L] = normal
        m[:, 1 + L:] = normal
        m[:, 1 + r] = False
        m[:, 1 + L + r] = s2_root & empty
        return m

    def apply(self, rows: np.ndarray, actions: np.ndarray) -> None:
        L = self.L
        shift = actions == 0
        left = (actions >= 1) & (actions <= L)
        right = actions > L
        if shift.any():
            r = rows[shift]
            self.stack[r, self.sp[r]] = self.bp[r]
            self.sp[r] += 1
            self.bp[r] += 1
        if left.any():
            r, lab = rows[left], actions[left] - 1
            s1, s2 = self.stack[r, self.sp[r] - 1], self.stack[r, self.sp[r] - 2]
            self.heads[r, s2], self.labels[r, s2] = s1, lab
            self.lc2[r, s1] = self.lc1[r, s1]
            self.lc1[r, s1] = s2
            self.stack[r, self.sp[r] - 2] = s1
            self.sp[r] -= 1
        if right.any():
            r, lab = rows[right], actions[right] - 1 - L
            s1, s2 = self.stack[r, self.sp[r] - 1], self.stack[r, self.sp[r] - 2]
            self.heads[r, s1], self.labels[r, s1] = s2, lab
            self.rc2[r, s2] = self.rc1[r, s2]
            self.rc1[r, s2] = s1
            self.sp[r] -= 1
