"""The neural networks: a BiLSTM tagger and three transition classifiers.

* ``cm2014``   Chen & Manning (2014): 50-d embeddings of the 18 words, 18 POS
  tags and 12 labels of the feature template, one hidden layer with the cube
  activation h = (W_w x_w + W_t x_t + W_l x_l + b)^3, dropout, softmax over
  the transitions.
* ``weiss2015`` Weiss, Alberti, Collins & Petrov (2015): the same inputs, two
  ReLU hidden layers.
* ``kg2016``   Kiperwasser & Goldberg (2016): the words at s1, s2, s3 and b1
  are represented by a BiLSTM over the sentence (words + characters), plus
  embeddings of the 12 child labels; the BiLSTM is shared with the UPOS tagger
  (multi-task), so the parser does not consume predicted tags.

Every parser maps a batch of configurations to transition scores with
``scores(context, rows, positions, labels)``; ``context(batch)`` does the
per-sentence work once (embedding tables, the BiLSTM), so greedy decoding
scores many configurations with one matrix product per step.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from . import onednn
from .bilstm import padded_bilstm, runs_padded


@dataclass
class EncodedBatch:
    """Sentences as id tensors; column 0 is ROOT, 1..n the words, the last column NULL."""

    words: torch.Tensor       # [B, N+2] normalised word ids
    chars: torch.Tensor       # [U, C] character ids of the U distinct forms (row 0: padding)
    char_index: torch.Tensor  # [B, N+2] row of ``chars`` for each position
    tags: torch.Tensor        # [B, N+2] UPOS ids (may be predicted)
    lengths: torch.Tensor     # [B] number of words n


class CharCNN(nn.Module):
    """Max-pooled convolution over characters (dos Santos & Zadrozny 2014)."""

    def __init__(self, n_chars: int, dim: int = 32, filters: int = 64, width: int = 3):
        super().__init__()
        self.emb = nn.Embedding(n_chars, dim, padding_idx=0)
        self.conv = nn.Conv1d(dim, filters, width, padding=width // 2)

    def forward(self, chars: torch.Tensor) -> torch.Tensor:
        """[U, C] character ids -> [U, filters]."""
        x = self.emb(chars).transpose(1, 2)
        h = self.conv(x).masked_fill((chars == 0).unsqueeze(1), -1e4)
        return h.max(dim=2).values.clamp(min=-1.0)


class Encoder(nn.Module):
    """Word embedding + character CNN -> BiLSTM, one vector per word (and ROOT)."""

    def __init__(self, n_words, n_chars, word_dim=100, char_filters=64, hidden=128, layers=2, dropout=0.33):
        super().__init__()
        self.words = nn.Embedding(n_words, word_dim, padding_idx=0)
        self.chars = CharCNN(n_chars, filters=char_filters)
        self.lstm = nn.LSTM(word_dim + char_filters, hidden, num_layers=layers, bidirectional=True,
                            batch_first=True, dropout=dropout if layers > 1 else 0.0)
        self.dropout = nn.Dropout(dropout)
        self.null = nn.Parameter(torch.zeros(2 * hidden))
        self.dim = 2 * hidden

    def forward(self, b: EncodedBatch) -> torch.Tensor:
        """[B, N+2, 2*hidden]: BiLSTM states of ROOT and the words, the NULL vector last."""
        chars = self.chars(b.chars)[b.char_index[:, :-1]]  # each distinct form once
        x = torch.cat([self.words(b.words[:, :-1]), chars], dim=-1)
        x = self.dropout(x)
        if not (self.training or torch.is_grad_enabled()) and runs_padded(self.lstm):  # decoding: parser.bilstm
            out = padded_bilstm(self.lstm, x, b.lengths + 1)
            return torch.cat([out, self.null.expand(out.shape[0], 1, -1)], dim=1)
        packed = nn.utils.rnn.pack_padded_sequence(x, (b.lengths + 1).cpu(), batch_first=True, enforce_sorted=False)
        out, _ = self.lstm(packed)
        out, _ = nn.utils.rnn.pad_packed_sequence(out, batch_first=True, total_length=x.shape[1])
        out = self.dropout(out)
        null = self.null.expand(out.shape[0], 1, -1)
        return torch.cat([out, null], dim=1)


class Tagger(nn.Module):
    """UPOS tagger: a softmax over the BiLSTM state of each word."""

    def __init__(self, n_words, n_chars, n_tags, **enc):
        super().__init__()
        self.encoder = Encoder(n_words, n_chars, **enc)
        self.out = nn.Linear(self.encoder.dim, n_tags)

    def forward(self, b: EncodedBatch, states: torch.Tensor | None = None) -> torch.Tensor:
        """Tag logits [B, N+2, n_tags] (only columns 1..n are meaningful)."""
        states = self.encoder(b) if states is None else states
        return self.out(states)


def gather_rows(table: torch.Tensor, rows: torch.Tensor, pos: torch.Tensor) -> torch.Tensor:
    """table[rows[i], pos[i, j]] for every i, j (pos -1 hits the last column, NULL)."""
    return table[rows.unsqueeze(1), pos]


class FeatureEmbedder(nn.Module):
    """The 48 Chen & Manning features as one vector of concatenated embeddings."""

    def __init__(self, n_words, n_tags, n_labels, dim=50):
        super().__init__()
        self.words = nn.Embedding(n_words, dim)
        self.tags = nn.Embedding(n_tags, dim)
        self.labels = nn.Embedding(n_labels + 1, dim)  # 0 = NULL label
        self.out_dim = 48 * dim
        for e in (self.words, self.tags, self.labels):
            nn.init.uniform_(e.weight, -0.01, 0.01)

    def forward(self, ctx, rows, pos, labs):
        words, tags = ctx
        w = self.words(gather_rows(words, rows, pos)).flatten(1)
        t = self.tags(gather_rows(tags, rows, pos)).flatten(1)
        l = self.labels(labs + 1).flatten(1)
        return torch.cat([w, t, l], dim=1)


class ParserModel(nn.Module):
    arch = "?"

    def context(self, b: EncodedBatch):
        return (b.words, b.tags)

    def features_read(self) -> list[str]:
        """Names of the template features (parser.features.FEATURE_NAMES) this network reads."""
        from .features import FEATURE_NAMES
        return list(FEATURE_NAMES)

    def scorer(self, ctx):
        """``score(rows, positions, labels)`` for decoding (no gradients): numpy int64 arrays in (as
        :class:`parser.batch.BatchConfigurations` makes them), the same scores as ``scores`` out."""
        return lambda rows, pos, labs: self.scores(ctx, *map(torch.from_numpy, (rows, pos, labs)))


class CM2014(ParserModel):
    """h = (W x + b)^3, softmax over transitions (Chen & Manning 2014)."""

    arch = "cm2014"

    def __init__(self, n_words, n_tags, n_labels, n_transitions, emb=50, hidden=200, dropout=0.5):
        super().__init__()
        self.features = FeatureEmbedder(n_words, n_tags, n_labels, emb)
        self.hidden = nn.Linear(self.features.out_dim, hidden)
        self.dropout = nn.Dropout(dropout)
        self.out = nn.Linear(hidden, n_transitions)
        nn.init.uniform_(self.hidden.weight, -0.01, 0.01)  # small: the cube explodes otherwise

    def scores(self, ctx, rows, pos, labs):
        h = self.hidden(self.features(ctx, rows, pos, labs)) ** 3
        return self.out(self.dropout(h))


class Weiss2015(ParserModel):
    """Two ReLU hidden layers over the same embeddings (Weiss et al. 2015)."""

    arch = "weiss2015"

    def __init__(self, n_words, n_tags, n_labels, n_transitions, emb=50, hidden=512, dropout=0.3):
        super().__init__()
        self.features = FeatureEmbedder(n_words, n_tags, n_labels, emb)
        self.mlp = nn.Sequential(nn.Linear(self.features.out_dim, hidden), nn.ReLU(), nn.Dropout(dropout),
                                 nn.Linear(hidden, hidden), nn.ReLU(), nn.Dropout(dropout))
        self.out = nn.Linear(hidden, n_transitions)

    def scores(self, ctx, rows, pos, labs):
        return self.out(self.mlp(self.features(ctx, rows, pos, labs)))


class KG2016(ParserModel):
    """BiLSTM features at s1, s2, s3, b1 + child-label embeddings, one hidden layer (Kiperwasser & Goldberg 2016).

    With ``slots=8`` the BiLSTM vectors of lc1(s1), rc1(s1), lc1(s2), rc1(s2) are read too
    (K&G's extended feature set).
    """

    arch = "kg2016"
    # indices into the 18 template positions: s1, s2, s3, b1, then lc1(s1), rc1(s1), lc1(s2), rc1(s2)
    SLOT_POSITIONS = (0, 1, 2, 3, 6, 7, 10, 11)

    def __init__(self, n_words, n_chars, n_tags, n_labels, n_transitions, mlp_hidden=256, label_dim=32,
                 dropout=0.33, word_dim=100, lstm_hidden=128, layers=2, slots=4, char_filters=64):
        super().__init__()
        hidden = mlp_hidden
        self.SLOTS = slots
        self.register_buffer("slot_positions", torch.tensor(self.SLOT_POSITIONS[:slots]), persistent=False)
        self.tagger = Tagger(n_words, n_chars, n_tags, dropout=dropout, word_dim=word_dim,
                             hidden=lstm_hidden, layers=layers, char_filters=char_filters)
        d = self.tagger.encoder.dim
        self.slots = nn.Linear(d, self.SLOTS * hidden, bias=False)  # W_k v for every word, once
        self.labels = nn.Embedding(n_labels + 1, label_dim)
        self.label_hidden = nn.Linear(12 * label_dim, hidden)
        self.dropout = nn.Dropout(dropout)
        self.out = nn.Linear(hidden, n_transitions)
        self.hidden_size = hidden

    def context(self, b: EncodedBatch):
        states = self.tagger.encoder(b)
        B, W, _ = states.shape
        proj = onednn.linear(self.slots, states).view(B, W, self.SLOTS, self.hidden_size)
        return proj, states

    def tag_logits(self, ctx) -> torch.Tensor:
        return onednn.linear(self.tagger.out, ctx[1])

    def features_read(self) -> list[str]:
        from .features import LABEL_POSITIONS, POSITIONS
        return [POSITIONS[i] + ".w" for i in self.SLOT_POSITIONS[:self.SLOTS]] + [p + ".l" for p in LABEL_POSITIONS]

    def scores(self, ctx, rows, pos, labs):
        proj = ctx[0]
        p = pos[:, self.slot_positions]
        slot = torch.arange(self.SLOTS, device=p.device)
        h = proj[rows.unsqueeze(1), p, slot].sum(dim=1)
        h = h + self.label_hidden(self.labels(labs + 1).flatten(1))
        return self.out(self.dropout(F.relu(h)))

    def scorer(self, ctx):
        """Decoding with one table lookup per configuration: the hidden layer's input is a sum of 4 slot
        projections (computed once per word by ``context``) and 12 label projections (W_j e(l), computed once
        per label and child position), so it is two ``embedding_bag`` sums.
        Equal to ``scores`` in eval mode (tested)."""
        if not (isinstance(self.label_hidden, nn.Linear) and isinstance(self.labels, nn.Embedding)):
            return super().scorer(ctx)  # e.g. int8 layers (torch.ao) keep their own kernels
        proj = ctx[0]
        B, W, S, H = proj.shape
        n_pos = self.label_hidden.in_features // self.labels.embedding_dim
        w = self.label_hidden.weight.view(H, n_pos, self.labels.embedding_dim)
        label_table = torch.einsum("hjd,ld->jlh", w, self.labels.weight)  # [12, L+1, H]
        slot_table, label_table = proj.reshape(B * W * S, H), label_table.reshape(-1, H)
        slot_positions, slot = np.array(self.SLOT_POSITIONS[:S]), np.arange(S)
        label_rows = np.arange(n_pos) * self.labels.num_embeddings + 1  # label -1 (NULL) -> row 0
        bias = self.label_hidden.bias

        def score(rows, pos, labs):  # the row arithmetic in numpy: cheaper than torch for one configuration
            p = pos[:, slot_positions] % W  # -1 (NULL) -> the last column
            h = F.embedding_bag(torch.from_numpy((rows[:, None] * W + p) * S + slot), slot_table, mode="sum")
            h += F.embedding_bag(torch.from_numpy(label_rows + labs), label_table, mode="sum")
            h += bias
            return onednn.linear(self.out, h.relu_())
        return score


ARCHITECTURES = {"cm2014": CM2014, "weiss2015": Weiss2015, "kg2016": KG2016}
