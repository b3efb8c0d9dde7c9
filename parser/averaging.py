"""Polyak averaging of a network's weights (Polyak & Juditsky 1992).

``deplab train --average DECAY`` scores and keeps an exponential moving average of the weights: the
average of the last ~1/(1-decay) steps usually generalises better than the last step's weights.
"""
from __future__ import annotations

import torch


class WeightAverage:
    """An exponential moving average of a network's weights: ``avg <- decay * avg + (1 - decay) * w``
    after every step; :meth:`swap_in` loads it into the network."""

    def __init__(self, net: torch.nn.Module, decay: float):
        self.net, self.decay = net, decay
        live = {k: v for k, v in net.state_dict().items() if v.is_floating_point()}
        self.avg = {k: v.detach().clone() for k, v in live.items()}
        # state_dict tensors share storage with the parameters (load_state_dict copies into them in place)
        self._pairs = [(self.avg[k], v) for k, v in live.items()]

    @torch.no_grad()
    def update(self) -> None:
        for avg, v in self._pairs:
            avg.lerp_(v, 1.0 - self.decay)

    def swap_in(self) -> dict:
        """Loads the averaged weights into the network; returns a copy of the raw ones."""
        live = {k: v.detach().clone() for k, v in self.net.state_dict().items()}
        self.net.load_state_dict({**live, **self.avg})
        return live
