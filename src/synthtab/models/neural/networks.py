"""The generator and the critic of the GAN family."""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

from synthtab.encoding.layout import Layout
from synthtab.models.neural.layers import OutputHead, mlp, residual_stack


class Generator(nn.Module):
    """Noise (and a condition vector) to activated rows in the encoder's layout."""

    def __init__(self, width_in: int, dims: Sequence[int], layout: Layout, *, residual: bool):
        super().__init__()
        if residual:
            self.body, width = residual_stack(width_in, dims)
        else:
            self.body, width = mlp(width_in, dims, batch_norm=True)
        self.out = nn.Linear(width, layout.width)
        self.head = OutputHead(layout)

    def forward(
        self,
        noise: torch.Tensor,
        *,
        sample: bool = False,
        generator: torch.Generator | None = None,
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """(raw scores, activated rows); ``sample`` draws labels from ``generator``."""
        raw = self.out(self.body(noise))
        return raw, self.head(raw, sample=sample, generator=generator)


class Critic(nn.Module):
    """Scores packs of ``pac`` rows: a logit (vanilla loss) or a Wasserstein score."""

    def __init__(
        self,
        width_in: int,
        dims: Sequence[int],
        *,
        pac: int,
        dropout: float,
        spectral_norm: bool = False,
    ) -> None:
        super().__init__()
        self.pac = pac
        body, width = mlp(width_in * pac, dims, activation=nn.LeakyReLU, dropout=dropout)
        self.net = nn.Sequential(body, nn.Linear(width, 1))
        if spectral_norm:  # SN-GAN: every layer 1-Lipschitz, by one power iteration a step
            for layer in self.net.modules():
                if isinstance(layer, nn.Linear):
                    nn.utils.parametrizations.spectral_norm(layer)

    def forward(self, rows: torch.Tensor) -> torch.Tensor:
        """One score per pack, shape ``(n / pac,)``."""
        return self.net(rows.reshape(-1, rows.shape[1] * self.pac)).squeeze(1)
