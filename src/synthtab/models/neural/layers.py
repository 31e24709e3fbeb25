"""Network parts built from the encoder's :class:`~synthtab.encoding.layout.Layout`.

The generator's last layer gives one raw score per encoded feature;
:class:`OutputHead` turns each span into what the encoder expects: ``tanh``
for scaled values, ``sigmoid`` for Gaussian-in-interval codes, and for
one-hot blocks a Gumbel-softmax while training (differentiable, as in CTGAN)
and a one-hot draw from the softmax when sampling (the argmax of the plain
softmax would always give the most likely label and lose the rare ones).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch
from torch import nn
from torch.nn import functional as F  # noqa: N812

from synthtab.encoding.layout import Activation, Layout

#: Gumbel-softmax temperature while training (CTGAN's value).
GUMBEL_TAU = 0.2


def mlp(
    width_in: int,
    hidden: Sequence[int],
    *,
    activation: type[nn.Module] = nn.ReLU,
    batch_norm: bool = False,
    dropout: float = 0.0,
) -> tuple[nn.Sequential, int]:
    """Hidden layers ``Linear -> [BatchNorm] -> activation -> [Dropout]``; returns (net, width)."""
    layers: list[nn.Module] = []
    width = width_in
    for size in hidden:
        layers.append(nn.Linear(width, size))
        if batch_norm:
            layers.append(nn.BatchNorm1d(size))
        layers.append(nn.LeakyReLU(0.2) if activation is nn.LeakyReLU else activation())
        if dropout > 0:
            layers.append(nn.Dropout(dropout))
        width = size
    return nn.Sequential(*layers), width


class Residual(nn.Module):
    """CTGAN's generator block: ``Linear -> BatchNorm -> ReLU``, concatenated to its input."""

    def __init__(self, width_in: int, width_out: int) -> None:
        super().__init__()
        self.linear = nn.Linear(width_in, width_out)
        self.norm = nn.BatchNorm1d(width_out)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.cat([F.relu(self.norm(self.linear(x))), x], dim=1)


def residual_stack(width_in: int, hidden: Sequence[int]) -> tuple[nn.Sequential, int]:
    """Residual blocks whose outputs grow by each hidden size; returns (net, width)."""
    blocks: list[nn.Module] = []
    width = width_in
    for size in hidden:
        blocks.append(Residual(width, size))
        width += size
    return nn.Sequential(*blocks), width


class SpanGrid:
    """One-hot blocks of different widths as one padded ``(spans, width)`` grid.

    Gathering every block into a grid lets one Gumbel draw and one argmax serve
    all blocks when sampling hard labels, and gives each row's chosen block for
    CTGAN's conditional cross-entropy. Training's relaxed labels use the flat
    segment softmax of :class:`OutputHead` instead (no padding cells).
    """

    def __init__(self, blocks: list[slice]) -> None:
        widest = max((b.stop - b.start for b in blocks), default=0)
        offsets = torch.arange(widest)
        starts = torch.as_tensor([b.start for b in blocks], dtype=torch.long)
        widths = torch.as_tensor([b.stop - b.start for b in blocks], dtype=torch.long)
        self.valid = offsets[None, :] < widths[:, None]  # (spans, widest)
        self.index = torch.where(self.valid, starts[:, None] + offsets[None, :], 0)
        self.flat = self.index[self.valid]
        self.empty = not blocks

    def gather(self, raw: torch.Tensor) -> torch.Tensor:
        """``(rows, spans, widest)`` scores, padding at ``-inf``."""
        grid = raw[:, self.index]
        return grid.masked_fill(~self.valid, float("-inf"))

    def scatter(self, out: torch.Tensor, grid: torch.Tensor) -> None:
        """Write grid values back into their features of ``out``."""
        out[:, self.flat] = grid[:, self.valid]

    def gumbel(self, shape: torch.Size, like: torch.Tensor, generator: Any = None) -> torch.Tensor:
        """Standard Gumbel noise of ``shape``."""
        uniform = torch.rand(shape, generator=generator, device=like.device, dtype=like.dtype)
        return -torch.log(-torch.log(uniform.clamp_(1e-10, 1.0 - 1e-7)))

    def drawn(self, raw: torch.Tensor, generator: Any = None) -> torch.Tensor:
        """One-hot labels drawn from each block's softmax (Gumbel-max)."""
        logits = self.gather(raw)
        chosen = torch.argmax(logits + self.gumbel(logits.shape, logits, generator), dim=-1)
        return F.one_hot(chosen, logits.shape[-1]).to(raw.dtype)


class OutputHead(nn.Module):
    """Applies each span's activation to raw generator scores.

    While training, the one-hot blocks get a Gumbel-softmax computed per block
    on the flat features (:func:`segment_logsumexp`), and the activated parts
    are put back in layout order by one permutation. The padded grid of
    :class:`SpanGrid` would compute on ``blocks x widest`` cells, five times
    the real features on adult. Linear spans pass through unchanged.
    """

    linear_index: torch.Tensor
    tanh_index: torch.Tensor
    sigmoid_index: torch.Tensor
    softmax_index: torch.Tensor
    block_of: torch.Tensor
    layout_order: torch.Tensor

    def __init__(self, layout: Layout) -> None:
        super().__init__()
        self.layout = layout
        act = [s.activation for s in layout.spans]
        self._softmax = [layout.slice_of(i) for i, a in enumerate(act) if a == Activation.SOFTMAX]
        self.grid = SpanGrid(self._softmax)
        linear = _feature_index(layout, [a == Activation.LINEAR for a in act])
        tanh = _feature_index(layout, [a == Activation.TANH for a in act])
        sigmoid = _feature_index(layout, [a == Activation.SIGMOID for a in act])
        soft = [torch.arange(b.start, b.stop) for b in self._softmax]
        blocks = [torch.full((b.stop - b.start,), i) for i, b in enumerate(self._softmax)]
        order = torch.cat([linear, tanh, sigmoid, *soft]).long()
        # Index tensors follow the module's device; they are not weights, so not saved.
        self.register_buffer("linear_index", linear, persistent=False)
        self.register_buffer("tanh_index", tanh, persistent=False)
        self.register_buffer("sigmoid_index", sigmoid, persistent=False)
        continuous = linear.numel() + tanh.numel() + sigmoid.numel()
        self.register_buffer("softmax_index", order[continuous:], persistent=False)
        self.register_buffer("block_of", torch.cat([torch.empty(0).long(), *blocks]), False)
        self.register_buffer("layout_order", torch.argsort(order), persistent=False)

    def forward(
        self, raw: torch.Tensor, *, sample: bool = False, generator: torch.Generator | None = None
    ) -> torch.Tensor:
        """Activated output; ``sample=True`` draws hard one-hot labels from ``generator``."""
        if sample:
            return self._drawn(raw, generator)
        parts = [
            raw.index_select(1, self.linear_index),
            torch.tanh(raw.index_select(1, self.tanh_index)),
            torch.sigmoid(raw.index_select(1, self.sigmoid_index)),
            self._relaxed(raw.index_select(1, self.softmax_index)),
        ]
        return torch.cat(parts, dim=1).index_select(1, self.layout_order)

    def _relaxed(self, logits: torch.Tensor) -> torch.Tensor:
        """Gumbel-softmax of every block at temperature :data:`GUMBEL_TAU`."""
        if logits.shape[1] == 0:
            return logits
        scores = (logits + self.grid.gumbel(logits.shape, logits)) / GUMBEL_TAU
        normaliser = segment_logsumexp(scores, self.block_of, len(self._softmax))
        return torch.exp(scores - normaliser.index_select(1, self.block_of))

    def _drawn(self, raw: torch.Tensor, generator: torch.Generator | None) -> torch.Tensor:
        out = raw.clone()
        out[:, self.tanh_index] = torch.tanh(raw[:, self.tanh_index])
        out[:, self.sigmoid_index] = torch.sigmoid(raw[:, self.sigmoid_index])
        if not self.grid.empty:
            self.grid.scatter(out, self.grid.drawn(raw, generator))
        return out

    def softmax_blocks(self) -> list[slice]:
        """The one-hot blocks of the layout, in order."""
        return list(self._softmax)


def segment_logsumexp(x: torch.Tensor, block_of: torch.Tensor, blocks: int) -> torch.Tensor:
    """``(rows, blocks)`` log-sum-exp of the features of each block (``block_of[j]``: feature j's).

    A segment reduction (one ``scatter_reduce``, one ``index_add``) over the flat
    features: it works under ``torch.func.vmap``, and costs the real features only.
    """
    rows = x.shape[0]
    with torch.no_grad():  # the shift keeps exp finite; the result does not depend on it
        top = x.new_full((rows, blocks), -torch.inf)
        top = top.scatter_reduce(1, block_of.expand(rows, -1), x, "amax")
    shifted = torch.exp(x - top.index_select(1, block_of))
    return top + torch.log(x.new_zeros(rows, blocks).index_add(1, block_of, shifted))


def one_hot_draw(logits: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
    """One-hot labels drawn from ``softmax(logits)`` (Gumbel-max, vectorised)."""
    uniform = torch.rand(
        logits.shape, generator=generator, device=logits.device, dtype=logits.dtype
    ).clamp_(1e-10, 1.0 - 1e-7)
    chosen = torch.argmax(logits - torch.log(-torch.log(uniform)), dim=1)
    return F.one_hot(chosen, logits.shape[1]).to(logits.dtype)


def _feature_index(layout: Layout, selected: list[bool]) -> torch.Tensor:
    columns = [
        j
        for i, keep in enumerate(selected)
        if keep
        for j in range(*layout.slice_of(i).indices(layout.width))
    ]
    return torch.as_tensor(columns, dtype=torch.long)
