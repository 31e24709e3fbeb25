"""Adversarial losses: the GAN family differs only here.

- ``vanilla``: a discriminator with a sigmoid output (logits here, for a
  numerically stable cross-entropy), the non-saturating generator loss.
- ``clip``: the Wasserstein loss with a linear critic whose weights are
  clipped to ``[-c, c]`` after every critic update (WGAN).
- ``gp``: the Wasserstein loss plus ``lambda * (|grad D(x_hat)| - 1)^2`` on
  random interpolates ``x_hat`` of real and fake rows (WGAN-GP).

For the Wasserstein losses, ``mean D(real) - mean D(fake)`` is the estimate
of the Wasserstein distance that the loss history records.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import torch
from torch import nn
from torch.nn import functional as F  # noqa: N812


class LossKind(StrEnum):
    """The adversarial loss of a GAN."""

    VANILLA = "vanilla"
    CLIP = "clip"
    GP = "gp"

    @property
    def wasserstein(self) -> bool:
        """Whether the critic estimates a Wasserstein distance."""
        return self is not LossKind.VANILLA


@dataclass
class CriticLoss:
    """One critic update's loss, its parts, and the interpolates of the penalty."""

    total: torch.Tensor
    distance: torch.Tensor
    penalty: torch.Tensor | None = None
    interpolates: torch.Tensor | None = None


def critic_loss(
    kind: LossKind,
    critic: nn.Module,
    real: torch.Tensor,
    fake: torch.Tensor,
    *,
    gp_weight: float = 10.0,
    pac: int = 1,
    real_label: float = 1.0,
) -> CriticLoss:
    """The loss the critic (discriminator) minimises on one batch.

    ``real_label`` below 1 is one-sided label smoothing of the vanilla loss (the real
    rows' target; the fake rows' stays 0), which keeps the discriminator from growing
    overconfident and the generator's gradients from vanishing.
    """
    real_score, fake_score = critic(real), critic(fake)
    distance = real_score.mean() - fake_score.mean()
    if kind is LossKind.VANILLA:
        total = F.binary_cross_entropy_with_logits(
            real_score, torch.full_like(real_score, real_label)
        ) + F.binary_cross_entropy_with_logits(fake_score, torch.zeros_like(fake_score))
        return CriticLoss(total, distance.detach())
    if kind is LossKind.CLIP or gp_weight == 0.0:
        return CriticLoss(-distance, distance.detach())
    penalty, interpolates = gradient_penalty(critic, real, fake, pac=pac)
    return CriticLoss(-distance + gp_weight * penalty, distance.detach(), penalty, interpolates)


def generator_loss(kind: LossKind, fake_score: torch.Tensor) -> torch.Tensor:
    """The adversarial part of the generator's loss."""
    if kind is LossKind.VANILLA:
        return F.binary_cross_entropy_with_logits(fake_score, torch.ones_like(fake_score))
    return -fake_score.mean()


def gradient_penalty(
    critic: nn.Module, real: torch.Tensor, fake: torch.Tensor, *, pac: int = 1
) -> tuple[torch.Tensor, torch.Tensor]:
    """WGAN-GP's penalty on interpolates (one mixing weight per pack of ``pac`` rows)."""
    packs = real.shape[0] // pac
    alpha = torch.rand(packs, 1, 1, device=real.device).expand(packs, pac, real.shape[1])
    alpha = alpha.reshape(-1, real.shape[1])
    interpolates = (alpha * real + (1 - alpha) * fake).requires_grad_(True)
    scores = critic(interpolates)
    (grads,) = torch.autograd.grad(scores.sum(), interpolates, create_graph=True, retain_graph=True)
    norms = grads.reshape(packs, -1).norm(2, dim=1)
    return ((norms - 1.0) ** 2).mean(), interpolates.detach()


def clip_weights(critic: nn.Module, clip_value: float) -> None:
    """WGAN's Lipschitz constraint: every critic weight into ``[-c, c]``."""
    with torch.no_grad():
        for weight in critic.parameters():
            weight.clamp_(-clip_value, clip_value)
