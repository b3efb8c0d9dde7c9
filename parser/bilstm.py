"""A bidirectional LSTM over a padded batch without packing, for inference.

A BiLSTM (Schuster & Paliwal 1997; Graves & Schmidhuber 2005) reads each sentence left to right and
right to left.  Over a padded batch the left-to-right pass may simply run on: padding after a sentence
never reaches its words.  The right-to-left pass would start in the padding, so each row is reversed
within its own length first (the padding stays behind it), run left to right with the backward
weights, and reversed back.  Each direction of each layer is then one call of torch's unidirectional
LSTM on the whole ``[B, T]`` block, which runs torch's fused CPU kernel (oneDNN) instead of one small
matrix product per time step and packed batch, as ``pack_padded_sequence`` does; a batch without
padding runs the bidirectional call itself (the same numbers, bit for bit: tested).  The states of the
words are those of the packed BiLSTM (to float rounding, tested); positions after a sentence are 0, as
``pad_packed_sequence`` leaves them.
"""
from __future__ import annotations

import torch
import torch.nn as nn


def reversal_index(lengths: torch.Tensor, width: int) -> torch.Tensor:
    """[B, width] column order that reverses each row's first ``lengths[i]`` columns and keeps the rest
    (its own inverse)."""
    cols = torch.arange(width)
    n = lengths.unsqueeze(1)
    return torch.where(cols < n, n - 1 - cols, cols)


def padded_bilstm(lstm: nn.LSTM, x: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
    """[B, T, 2*hidden] outputs of ``lstm`` (batch first, bidirectional, eval mode) on ``x`` [B, T, in], row
    ``i`` being ``lengths[i]`` long; 0 after each row's end."""
    B, T, _ = x.shape
    if bool((lengths == T).all()):  # no padding (one sentence, or all of one length): torch's BiLSTM as it is
        return lstm(x)[0]
    H = lstm.hidden_size
    order = reversal_index(lengths, T).unsqueeze(2)
    h0 = x.new_zeros(1, B, H)
    names = ("weight_ih", "weight_hh", "bias_ih", "bias_hh") if lstm.bias else ("weight_ih", "weight_hh")
    for layer in range(lstm.num_layers):
        forward, backward = ([getattr(lstm, f"{n}_l{layer}{suffix}") for n in names] for suffix in ("", "_reverse"))
        left = torch.lstm(x, (h0, h0), forward, lstm.bias, 1, 0.0, False, False, True)[0]
        flipped = x.gather(1, order.expand(-1, -1, x.shape[2]))
        right = torch.lstm(flipped, (h0, h0), backward, lstm.bias, 1, 0.0, False, False, True)[0]
        x = torch.cat([left, right.gather(1, order.expand(-1, -1, H))], dim=2)
    return x.masked_fill((torch.arange(T) >= lengths.unsqueeze(1)).unsqueeze(2), 0.0)


def runs_padded(lstm: nn.Module) -> bool:
    """Whether :func:`padded_bilstm` computes ``lstm``: a plain float ``nn.LSTM`` (not a quantized or other
    replacement), bidirectional, batch first, without projections."""
    return (type(lstm) is nn.LSTM and lstm.bidirectional and lstm.batch_first and not lstm.proj_size
            and lstm.weight_ih_l0.dtype == torch.float32)
