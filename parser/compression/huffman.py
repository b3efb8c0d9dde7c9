"""Canonical Huffman coding of integer symbols (Huffman 1952), as in Deep Compression.

Han, Mao & Dally (2016, sec. 4) Huffman-code the quantized weight indices
and the sparse index gaps, whose distributions are far from uniform.  Only
the code length of each symbol is stored; the codes themselves follow from
the lengths (canonical codes), so a stream is ``(lengths, bytes, n)``.
Code lengths are limited to :data:`MAX_BITS` so decoding can use one table.
"""
from __future__ import annotations

import heapq
from dataclasses import dataclass

import numpy as np

MAX_BITS = 16


def code_lengths(counts: np.ndarray, max_bits: int = MAX_BITS) -> np.ndarray:
    """Huffman code length of each symbol (0 for unused symbols), at most ``max_bits``.

    If the optimal code is too deep, the counts are flattened (halved, keeping
    every used symbol >= 1) and the tree rebuilt; this costs a tiny fraction of
    a bit per symbol and only happens for very skewed streams.
    """
    counts = np.asarray(counts, dtype=np.int64)
    lengths = np.zeros(len(counts), dtype=np.int64)
    used = np.nonzero(counts > 0)[0]
    if len(used) == 0:
        return lengths
    if len(used) == 1:
        lengths[used] = 1
        return lengths
    c = counts[used].copy()
    while True:
        depth = _tree_depths(c)
        if depth.max() <= max_bits:
            lengths[used] = depth
            return lengths
        c = np.maximum(c // 2, 1)


def _tree_depths(counts: np.ndarray) -> np.ndarray:
    heap = [(int(c), i, (i,)) for i, c in enumerate(counts)]
    heapq.heapify(heap)
    depth = np.zeros(len(counts), dtype=np.int64)
    tie = len(counts)
    while len(heap) > 1:
        c1, _, s1 = heapq.heappop(heap)
        c2, _, s2 = heapq.heappop(heap)
        merged = s1 + s2
        depth[list(merged)] += 1
        heapq.heappush(heap, (c1 + c2, tie, merged))
        tie += 1
    return depth


def canonical_codes(lengths: np.ndarray) -> np.ndarray:
    """The canonical code of each symbol (shorter codes first, then by symbol)."""
    lengths = np.asarray(lengths, dtype=np.int64)
    codes = np.zeros(len(lengths), dtype=np.int64)
    order = sorted((int(l), s) for s, l in enumerate(lengths) if l > 0)
    code, prev = 0, 0
    for l, s in order:
        code <<= (l - prev)
        codes[s] = code
        code += 1
        prev = l
    return codes


def encoded_bits(counts: np.ndarray, lengths: np.ndarray) -> int:
    return int(np.dot(np.asarray(counts, dtype=np.int64), np.asarray(lengths, dtype=np.int64)))


@dataclass
class Stream:
    """A Huffman-coded stream: ``n`` symbols from ``range(len(lengths))`` in ``data`` (``bits`` used)."""

    lengths: np.ndarray
    data: bytes
    n: int
    bits: int


def encode(symbols: np.ndarray, alphabet: int | None = None) -> Stream:
    symbols = np.asarray(symbols, dtype=np.int64).ravel()
    alphabet = int(symbols.max(initial=-1)) + 1 if alphabet is None else alphabet
    counts = np.bincount(symbols, minlength=alphabet)
    lengths = code_lengths(counts)
    codes = canonical_codes(lengths)
    sym_len, sym_code = lengths[symbols], codes[symbols]
    total = int(sym_len.sum())
    bits = np.zeros(total, dtype=np.uint8)
    start = np.concatenate([[0], np.cumsum(sym_len)[:-1]]) if len(symbols) else np.zeros(0, dtype=np.int64)
    for j in range(int(lengths.max(initial=0))):
        has = sym_len > j
        bits[start[has] + j] = (sym_code[has] >> (sym_len[has] - 1 - j)) & 1
    return Stream(lengths.astype(np.uint8), np.packbits(bits).tobytes(), len(symbols), total)


def decode(stream: Stream) -> np.ndarray:
    """The symbols of ``stream``, exactly as encoded."""
    lengths = np.asarray(stream.lengths, dtype=np.int64)
    n = stream.n
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    L = int(lengths.max())
    codes = canonical_codes(lengths)
    # table[w] for every L-bit window w: the symbol whose code is a prefix of w, and its length
    table_sym = np.zeros(1 << L, dtype=np.int64)
    table_len = np.zeros(1 << L, dtype=np.int64)
    for s in np.nonzero(lengths)[0]:
        l = int(lengths[s])
        lo = int(codes[s]) << (L - l)
        table_sym[lo:lo + (1 << (L - l))] = s
        table_len[lo:lo + (1 << (L - l))] = l
    bits = np.unpackbits(np.frombuffer(stream.data, dtype=np.uint8))[:stream.bits]
    bits = np.concatenate([bits, np.zeros(L, dtype=np.uint8)]).astype(np.int64)
    window = np.zeros(stream.bits, dtype=np.int64)
    for i in range(L):
        window = (window << 1) | bits[i:i + stream.bits]
    sym_at = table_sym[window].tolist()
    len_at = table_len[window].tolist()
    out = [0] * n
    p = 0
    try:
        for k in range(n):
            out[k] = sym_at[p]
            p += len_at[p]
    except IndexError:
        raise ValueError(f"corrupt Huffman stream: {stream.bits} bits hold fewer than {n} symbols") from None
    if p != stream.bits:
        raise ValueError(f"corrupt Huffman stream: {p} bits decoded, {stream.bits} expected")
    return np.asarray(out, dtype=np.int64)
